/*
 * The byte layout of a dump (vitrine/trace.h) and of the live stream's frames
 * (stream.h), written once: their sizes, and an encoder and a decoder for
 * each structure, little-endian whatever the host's byte order. Every
 * writer (the hypervisor's dump, the monitor's stream, the tests' dump
 * generator) and every reader (vtrace, the `vitrine` client) goes through
 * these. Freestanding: needs only <stdint.h>.
 */
#ifndef VT_WIRE_H
#define VT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <vitrine/trace.h>
#include <vitrine/stream.h>

#define VT_DUMP_HDR_SIZE 32u
#define VT_DUMP_VM_SIZE 48u
#define VT_DUMP_VCPU_SIZE 16u
#define VT_DUMP_RING_SIZE 40u
#define VT_RECORD_SIZE 32u

/* The structures are laid out as their bytes are: a writer may also copy them whole. */
_Static_assert(sizeof(struct vt_dump) == VT_DUMP_HDR_SIZE, "struct vt_dump size");
_Static_assert(sizeof(struct vt_dump_vm) == VT_DUMP_VM_SIZE, "struct vt_dump_vm size");
_Static_assert(sizeof(struct vt_dump_vcpu) == VT_DUMP_VCPU_SIZE, "struct vt_dump_vcpu size");
_Static_assert(sizeof(struct vt_dump_ring) == VT_DUMP_RING_SIZE, "struct vt_dump_ring size");
_Static_assert(sizeof(struct vt_record) == VT_RECORD_SIZE, "struct vt_record size");
_Static_assert(sizeof(struct vt_frame) == VT_FRAME_HDR_SIZE, "struct vt_frame size");
_Static_assert(sizeof(struct vt_frame_records) == VT_FRAME_RECORDS_SIZE, "records header size");

static inline void vt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void vt_put32(uint8_t *p, uint32_t v)
{
	vt_put16(p, (uint16_t)v);
	vt_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void vt_put64(uint8_t *p, uint64_t v)
{
	vt_put32(p, (uint32_t)v);
	vt_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t vt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t vt_get32(const uint8_t *p)
{
	return (uint32_t)vt_get16(p) | (uint32_t)vt_get16(p + 2) << 16;
}

static inline uint64_t vt_get64(const uint8_t *p)
{
	return (uint64_t)vt_get32(p) | (uint64_t)vt_get32(p + 4) << 32;
}

/*
 * The fields of each structure, in order: X(KIND, field). A field's bytes
 * are at its offset in the structure (the structures have no hidden
 * padding: their sizes are asserted above), so each list is the whole
 * layout, for the encoder and the decoder alike. KIND: u8..u64, name (32
 * bytes, copied as they are: a reader checks the NUL), zero (padding: 0 out,
 * ignored in).
 */
/* clang-format off */
#define VT_DUMP_FIELDS(X) \
	X(u32, magic) X(u16, version) X(u16, record_size) X(u32, nr_rings) \
	X(u32, nr_vms) X(u32, nr_vcpus) X(u32, arch) X(u64, timer_freq)
#define VT_DUMP_VM_FIELDS(X) \
	X(name, name) X(u32, id) X(u32, nr_vcpus) X(u64, cpus)
#define VT_DUMP_VCPU_FIELDS(X) \
	X(u8, vm) X(u8, vcpu) X(u8, pcpu) X(zero, pad) X(u64, exits)
#define VT_DUMP_RING_FIELDS(X) \
	X(u32, cpu) X(u32, mode) X(u64, first) X(u64, count) X(u64, lost) X(u64, skipped)
#define VT_RECORD_FIELDS(X) \
	X(u64, ts) X(u16, event) X(u8, vm) X(u8, vcpu) X(u32, a) X(u64, b) X(u64, c)
#define VT_FRAME_FIELDS(X) \
	X(u16, magic) X(u16, type) X(u32, len) X(u64, seq)
#define VT_FRAME_RECORDS_FIELDS(X) \
	X(u32, cpu) X(u32, count) X(u64, first) X(u64, lost)
/* clang-format on */

/* Where field f of *s is, from s: a constant once compiled. */
#define VT_WIRE_OFF(s, f) ((size_t)((const uint8_t *)&(s)->f - (const uint8_t *)(s)))
#define VT_WIRE_PUT(kind, f) vt_wire_put_##kind(p + VT_WIRE_OFF(s, f), &s->f, sizeof s->f);
#define VT_WIRE_GET(kind, f) vt_wire_get_##kind(p + VT_WIRE_OFF(s, f), &s->f, sizeof s->f);

static inline void vt_wire_put_u8(uint8_t *p, const uint8_t *v, size_t n)
{
	(void)n;
	*p = *v;
}

static inline void vt_wire_put_u16(uint8_t *p, const uint16_t *v, size_t n)
{
	(void)n;
	vt_put16(p, *v);
}

static inline void vt_wire_put_u32(uint8_t *p, const uint32_t *v, size_t n)
{
	(void)n;
	vt_put32(p, *v);
}

static inline void vt_wire_put_u64(uint8_t *p, const uint64_t *v, size_t n)
{
	(void)n;
	vt_put64(p, *v);
}

static inline void vt_wire_put_name(uint8_t *p, const void *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = ((const uint8_t *)v)[i];
}

static inline void vt_wire_put_zero(uint8_t *p, const void *v, size_t n)
{
	(void)v;
	for (size_t i = 0; i < n; i++)
		p[i] = 0;
}

static inline void vt_wire_get_u8(const uint8_t *p, uint8_t *v, size_t n)
{
	(void)n;
	*v = *p;
}

static inline void vt_wire_get_u16(const uint8_t *p, uint16_t *v, size_t n)
{
	(void)n;
	*v = vt_get16(p);
}

static inline void vt_wire_get_u32(const uint8_t *p, uint32_t *v, size_t n)
{
	(void)n;
	*v = vt_get32(p);
}

static inline void vt_wire_get_u64(const uint8_t *p, uint64_t *v, size_t n)
{
	(void)n;
	*v = vt_get64(p);
}

static inline void vt_wire_get_name(const uint8_t *p, void *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)v)[i] = p[i];
}

static inline void vt_wire_get_zero(const uint8_t *p, void *v, size_t n)
{
	(void)p;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)v)[i] = 0;
}

/* NAME_put(bytes, &struct) and NAME_get(bytes, &struct) for each structure. */
#define VT_WIRE_CODEC(name, type, FIELDS)                                                          \
	static inline void name##_put(uint8_t *p, const struct type *s)                            \
	{                                                                                          \
		FIELDS(VT_WIRE_PUT)                                                                \
	}                                                                                          \
	static inline void name##_get(const uint8_t *p, struct type *s)                            \
	{                                                                                          \
		FIELDS(VT_WIRE_GET)                                                                \
	}

VT_WIRE_CODEC(vt_dump, vt_dump, VT_DUMP_FIELDS)
VT_WIRE_CODEC(vt_dump_vm, vt_dump_vm, VT_DUMP_VM_FIELDS)
VT_WIRE_CODEC(vt_dump_vcpu, vt_dump_vcpu, VT_DUMP_VCPU_FIELDS)
VT_WIRE_CODEC(vt_dump_ring, vt_dump_ring, VT_DUMP_RING_FIELDS)
VT_WIRE_CODEC(vt_record, vt_record, VT_RECORD_FIELDS)
VT_WIRE_CODEC(vt_frame, vt_frame, VT_FRAME_FIELDS)
VT_WIRE_CODEC(vt_frame_records, vt_frame_records, VT_FRAME_RECORDS_FIELDS)

#endif
