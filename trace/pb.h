/*
 * The protobuf wire format, by hand: what the Perfetto writer and checker
 * need. Field numbers are Perfetto's (protos/perfetto/trace/...); see also
 * trace/perfetto_subset.proto, which must agree with them.
 */
#ifndef PB_H
#define PB_H

#include <stddef.h>
#include <stdint.h>

enum pb_wire {
	PB_VARINT = 0,
	PB_I64 = 1,
	PB_LEN = 2,
	PB_I32 = 5,
};

/* trace.proto: Trace */
#define PF_TRACE_PACKET 1
/* trace_packet.proto: TracePacket */
#define PF_PACKET_FTRACE_EVENTS 1
#define PF_PACKET_CLOCK_SNAPSHOT 6
#define PF_PACKET_TIMESTAMP 8
#define PF_PACKET_SEQUENCE_ID 10 /* trusted_packet_sequence_id */
#define PF_PACKET_TRACK_EVENT 11
#define PF_PACKET_TRACK_DESCRIPTOR 60
#define PF_PACKET_CPU_INFO 67
#define PF_PACKET_MACHINE_ID 98
/* clock_snapshot.proto: ClockSnapshot, ClockSnapshot.Clock; builtin_clock.proto */
#define PF_SNAPSHOT_CLOCKS 1
#define PF_SNAPSHOT_PRIMARY_CLOCK 2
#define PF_CLOCK_ID 1
#define PF_CLOCK_TIMESTAMP 2
#define PF_CLOCK_UNIT_MULTIPLIER_NS 4
#define PF_CLOCK_BOOTTIME 6 /* the trace's own clock: packets carry no timestamp_clock_id */
#define PF_CLOCK_COUNTER 64 /* the generic counter's: the first sequence-scoped custom id */
/* system_info/cpu_info.proto: CpuInfo (cpus, the CPU's number its index), CpuInfo.Cpu */
#define PF_CPU_INFO_CPUS 1
#define PF_CPU_PROCESSOR 1
/* track_event/track_descriptor.proto: TrackDescriptor */
#define PF_TRACK_UUID 1
#define PF_TRACK_NAME 2
#define PF_TRACK_PROCESS 3
#define PF_TRACK_THREAD 4
#define PF_TRACK_PARENT_UUID 5
#define PF_TRACK_COUNTER 8
/* track_event/process_descriptor.proto: ProcessDescriptor */
#define PF_PROCESS_PID 1
#define PF_PROCESS_NAME 6
/* track_event/thread_descriptor.proto: ThreadDescriptor */
#define PF_THREAD_PID 1
#define PF_THREAD_TID 2
#define PF_THREAD_NAME 5
/* track_event/counter_descriptor.proto: CounterDescriptor */
#define PF_COUNTER_UNIT 3
#define PF_COUNTER_UNIT_COUNT 2
/* track_event/track_event.proto: TrackEvent */
#define PF_EVENT_DEBUG_ANNOTATIONS 4
#define PF_EVENT_TYPE 9
#define PF_EVENT_TRACK_UUID 11
#define PF_EVENT_CATEGORIES 22
#define PF_EVENT_NAME 23
#define PF_EVENT_COUNTER_VALUE 30
#define PF_EVENT_FLOW_IDS 47             /* repeated fixed64 */
#define PF_EVENT_TERMINATING_FLOW_IDS 48 /* repeated fixed64 */
#define PF_TYPE_SLICE_BEGIN 1
#define PF_TYPE_SLICE_END 2
#define PF_TYPE_INSTANT 3
#define PF_TYPE_COUNTER 4
/* track_event/debug_annotation.proto: DebugAnnotation */
#define PF_ANNOT_UINT_VALUE 3
#define PF_ANNOT_STRING_VALUE 6
#define PF_ANNOT_POINTER_VALUE 7
#define PF_ANNOT_NAME 10
/* ftrace/ftrace_event_bundle.proto: FtraceEventBundle */
#define PF_BUNDLE_CPU 1
#define PF_BUNDLE_EVENT 2
/* ftrace/ftrace_event.proto: FtraceEvent, and the events it holds */
#define PF_FTRACE_TIMESTAMP 1
#define PF_FTRACE_PID 2
#define PF_FTRACE_SCHED_SWITCH 4
#define PF_FTRACE_HYP_ENTER 476
#define PF_FTRACE_HYP_EXIT 477
#define PF_FTRACE_HOST_HCALL 478
#define PF_FTRACE_HOST_SMC 479
#define PF_FTRACE_HOST_MEM_ABORT 480
/* ftrace/sched.proto: SchedSwitchFtraceEvent */
#define PF_SWITCH_PREV_COMM 1
#define PF_SWITCH_PREV_PID 2
#define PF_SWITCH_PREV_PRIO 3
#define PF_SWITCH_PREV_STATE 4
#define PF_SWITCH_NEXT_COMM 5
#define PF_SWITCH_NEXT_PID 6
#define PF_SWITCH_NEXT_PRIO 7
/* ftrace/hyp.proto: HostHcall, HostSmc (id 1), HostMemAbort (esr 1, addr 2) */
#define PF_HOST_ID 1
#define PF_HOST_ESR 1
#define PF_HOST_ADDR 2

/* A growing output buffer; after a failed allocation it stays failed. */
struct pb_buf {
	uint8_t *p;
	size_t len, cap;
	int oom;
};

void pb_free(struct pb_buf *b);
void pb_raw(struct pb_buf *b, const void *data, size_t len);
void pb_varint(struct pb_buf *b, uint64_t v);
void pb_uint(struct pb_buf *b, uint32_t field, uint64_t v);
void pb_fixed64(struct pb_buf *b, uint32_t field, uint64_t v);
void pb_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len);
void pb_str(struct pb_buf *b, uint32_t field, const char *s);
void pb_msg(struct pb_buf *b, uint32_t field, const struct pb_buf *sub);

/* A field as read: value for VARINT/I64/I32, data/len for LEN. */
struct pb_field {
	uint32_t num, wire;
	uint64_t value;
	const uint8_t *data;
	size_t len;
	size_t offset; /* of the field's key, from the start of the reader's buffer */
};

struct pb_reader {
	const uint8_t *p;
	size_t len, pos, base; /* base: offset of p in the whole file, for messages */
};

/* 1 with the next field in f, 0 at the end, -1 on malformed input (f->offset says where). */
int pb_next(struct pb_reader *r, struct pb_field *f);

#endif
