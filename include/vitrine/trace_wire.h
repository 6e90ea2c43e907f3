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

static inline void vt_dump_put(uint8_t *p, const struct vt_dump *d)
{
	vt_put32(p, d->magic);
	vt_put16(p + 4, d->version);
	vt_put16(p + 6, d->record_size);
	vt_put32(p + 8, d->nr_rings);
	vt_put32(p + 12, d->nr_vms);
	vt_put32(p + 16, d->nr_vcpus);
	vt_put32(p + 20, 0);
	vt_put64(p + 24, d->timer_freq);
}

static inline void vt_dump_get(const uint8_t *p, struct vt_dump *d)
{
	d->magic = vt_get32(p);
	d->version = vt_get16(p + 4);
	d->record_size = vt_get16(p + 6);
	d->nr_rings = vt_get32(p + 8);
	d->nr_vms = vt_get32(p + 12);
	d->nr_vcpus = vt_get32(p + 16);
	d->pad = 0;
	d->timer_freq = vt_get64(p + 24);
}

/* Offsets of the fields a reader's messages name. */
#define VT_DUMP_OFF_VERSION 4
#define VT_DUMP_OFF_RECORD_SIZE 6
#define VT_DUMP_OFF_NR_VMS 12
#define VT_DUMP_OFF_FREQ 24
#define VT_DUMP_VM_OFF_NR_VCPUS 36
#define VT_DUMP_VCPU_OFF_VCPU 1
#define VT_DUMP_RING_OFF_MODE 4
#define VT_RECORD_OFF_EVENT 8
#define VT_RECORD_OFF_VM 10
#define VT_RECORD_OFF_VCPU 11
#define VT_RECORD_OFF_B 16

/* The name is copied as it is, all 32 bytes: a reader checks its NUL. */
static inline void vt_dump_vm_put(uint8_t *p, const struct vt_dump_vm *vm)
{
	for (unsigned i = 0; i < sizeof vm->name; i++)
		p[i] = (uint8_t)vm->name[i];
	vt_put32(p + 32, vm->id);
	vt_put32(p + 36, vm->nr_vcpus);
	vt_put64(p + 40, vm->cpus);
}

static inline void vt_dump_vm_get(const uint8_t *p, struct vt_dump_vm *vm)
{
	for (unsigned i = 0; i < sizeof vm->name; i++)
		vm->name[i] = (char)p[i];
	vm->id = vt_get32(p + 32);
	vm->nr_vcpus = vt_get32(p + 36);
	vm->cpus = vt_get64(p + 40);
}

static inline void vt_dump_vcpu_put(uint8_t *p, const struct vt_dump_vcpu *v)
{
	p[0] = v->vm;
	p[1] = v->vcpu;
	p[2] = v->pcpu;
	for (unsigned i = 3; i < 8; i++)
		p[i] = 0;
	vt_put64(p + 8, v->exits);
}

static inline void vt_dump_vcpu_get(const uint8_t *p, struct vt_dump_vcpu *v)
{
	v->vm = p[0];
	v->vcpu = p[1];
	v->pcpu = p[2];
	for (unsigned i = 0; i < sizeof v->pad; i++)
		v->pad[i] = 0;
	v->exits = vt_get64(p + 8);
}

static inline void vt_dump_ring_put(uint8_t *p, const struct vt_dump_ring *r)
{
	vt_put32(p, r->cpu);
	vt_put32(p + 4, r->mode);
	vt_put64(p + 8, r->first);
	vt_put64(p + 16, r->count);
	vt_put64(p + 24, r->lost);
	vt_put64(p + 32, r->skipped);
}

static inline void vt_dump_ring_get(const uint8_t *p, struct vt_dump_ring *r)
{
	r->cpu = vt_get32(p);
	r->mode = vt_get32(p + 4);
	r->first = vt_get64(p + 8);
	r->count = vt_get64(p + 16);
	r->lost = vt_get64(p + 24);
	r->skipped = vt_get64(p + 32);
}

static inline void vt_record_put(uint8_t *p, const struct vt_record *r)
{
	vt_put64(p, r->ts);
	vt_put16(p + 8, r->event);
	p[10] = r->vm;
	p[11] = r->vcpu;
	vt_put32(p + 12, r->a);
	vt_put64(p + 16, r->b);
	vt_put64(p + 24, r->c);
}

static inline void vt_record_get(const uint8_t *p, struct vt_record *r)
{
	r->ts = vt_get64(p);
	r->event = vt_get16(p + 8);
	r->vm = p[10];
	r->vcpu = p[11];
	r->a = vt_get32(p + 12);
	r->b = vt_get64(p + 16);
	r->c = vt_get64(p + 24);
}

static inline void vt_frame_put(uint8_t *p, const struct vt_frame *f)
{
	vt_put16(p, f->magic);
	vt_put16(p + 2, f->type);
	vt_put32(p + 4, f->len);
	vt_put64(p + 8, f->seq);
}

static inline void vt_frame_get(const uint8_t *p, struct vt_frame *f)
{
	f->magic = vt_get16(p);
	f->type = vt_get16(p + 2);
	f->len = vt_get32(p + 4);
	f->seq = vt_get64(p + 8);
}

#define VT_FRAME_OFF_LEN 4

static inline void vt_frame_records_put(uint8_t *p, const struct vt_frame_records *f)
{
	vt_put32(p, f->cpu);
	vt_put32(p + 4, f->count);
	vt_put64(p + 8, f->first);
	vt_put64(p + 16, f->lost);
}

static inline void vt_frame_records_get(const uint8_t *p, struct vt_frame_records *f)
{
	f->cpu = vt_get32(p);
	f->count = vt_get32(p + 4);
	f->first = vt_get64(p + 8);
	f->lost = vt_get64(p + 16);
}

#endif
