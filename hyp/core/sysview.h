/* The monitor's read-only view of the VM table and counters (vitrine/sysview.h). */
#ifndef SYSVIEW_H
#define SYSVIEW_H

#include <stdint.h>

struct vm;
struct vcpu;

/* Map the system page into vm (the monitor), filled. */
void sysview_show(struct vm *vm);
/* VT_HC_SYS_REFRESH: 0, or VT_ERR_DENIED unless v is the monitor's. */
int64_t sysview_refresh(struct vcpu *v);

#endif
