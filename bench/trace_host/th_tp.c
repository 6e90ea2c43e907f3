/*
 * The probes of the vitrine_bench provider, and (LTTNG_UST_TRACEPOINT_DEFINE)
 * the tracepoint definitions and their registration constructor: linked
 * statically into trace_host, as in lttng-ust(3)'s example, so there is
 * no provider library to preload and the call sites resolve in one binary.
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE

#include "th_tp.h"
