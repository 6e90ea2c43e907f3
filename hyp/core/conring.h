/* The console ring the monitor VM reads (vitrine/conring.h). Callers hold the console lock. */
#ifndef CONRING_H
#define CONRING_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* Map the ring (read-only) and the control page (read-write) into the monitor vm. */
void conring_show(struct vm *vm);
/* Is the monitor running, so that console lines go to the ring? */
int conring_owned(void);
/* One line (src: a VM id) or hypervisor message (VT_CON_HYP); dropped and counted if full. */
void conring_put(uint32_t src, const char *text, size_t len);
/* Hand what the monitor has not read to out, and mark it read. */
void conring_drain(void (*out)(uint32_t src, const char *text, size_t len));

#endif
