/* The monitor's read-only view of the VM table and counters (vitrine/sysview.h). */
#ifndef SYSVIEW_H
#define SYSVIEW_H

#include <stdint.h>

struct vm;

/* Map the system page into vm (the monitor), filled. */
void sysview_show(struct vm *vm);
/* VT_HC_SYS_REFRESH: rewrite the page from the hypervisor's state now. */
void sysview_refresh(void);
/* The monitor's VT_HC_LLC_SAMPLE: every pCPU's LLC event counts into the page. */
int sysview_llc_sample(void);

#endif
