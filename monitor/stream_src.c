/*
 * The trace stream's source in the partition: the rings and the system
 * page as the monitor is shown them. The stream keeps its own copy of the
 * page, so that it never changes one that Lua is looking at.
 */
#include "stream.h"

#include "platform.h"
#include "syspage.h"
#include "trace_view.h"

_Static_assert(PLAT_CPU_NUM <= STREAM_CPUS, "a stream position per pCPU");

static struct vt_sys ss_copy;

static const struct vt_sys *ss_sys(const char **why)
{
	*why = syspage_load(&ss_copy);
	return *why ? NULL : &ss_copy;
}

const struct stream_source stream_source = {trace_view_ring, ss_sys};
