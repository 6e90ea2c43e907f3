/*
 * The LTTng-UST tracepoint provider of bench/trace_host: one event with two
 * 64-bit fields, the payload a Vitrine record carries beside its timestamp
 * and event word (LTTng adds its own timestamp and event header).
 *
 * Laid out as lttng-ust(3) prescribes for a provider header: it is read
 * several times by <lttng/tracepoint-event.h>, so the guard is conditional
 * and that include stays last and outside it. th_tp.c instantiates the
 * probes; the benchmark includes this header to get the call sites.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER vitrine_bench

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./th_tp.h"

#if !defined(TH_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define TH_TP_H

#include <stdint.h>

#include <lttng/tracepoint.h>

LTTNG_UST_TRACEPOINT_EVENT(vitrine_bench, pair, LTTNG_UST_TP_ARGS(uint64_t, b, uint64_t, c),
                           LTTNG_UST_TP_FIELDS(lttng_ust_field_integer(uint64_t, b, b)
                                                   lttng_ust_field_integer(uint64_t, c, c)))

#endif /* TH_TP_H */

#include <lttng/tracepoint-event.h>
