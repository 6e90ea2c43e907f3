/*
 * Parses and validates a dump file. Fields are read by offset, little-endian,
 * so the tool neither depends on the host's struct layout nor trusts a
 * single byte before checking it: every error names the byte offset.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vtrace.h"

static int dump_err(char *err, size_t errlen, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "offset %zu: ", off);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Checks that n items of size sz fit at off; names what would not. */
static int dump_fits(size_t len, size_t off, uint64_t n, size_t sz, const char *what, char *err,
                     size_t errlen)
{
	size_t left = len - off;

	if (n > left / sz)
		return dump_err(err, errlen, off,
		                "%s: %llu x %zu bytes expected but only %zu bytes remain", what,
		                (unsigned long long)n, sz, left);
	return 0;
}

/* A table of n entries of sz bytes at off: checked to fit, then n + 1 zeroed elements of elem
 * bytes. */
static void *dump_table(size_t len, size_t off, uint64_t n, size_t sz, size_t elem,
                        const char *what, char *err, size_t errlen)
{
	void *table;

	if (dump_fits(len, off, n, sz, what, err, errlen))
		return NULL;
	table = calloc((size_t)n + 1, elem);
	if (!table)
		dump_err(err, errlen, off, "out of memory");
	return table;
}

static int dump_header(const uint8_t *buf, size_t len, struct vtrace *t, char *err, size_t errlen)
{
	struct vt_dump d;

	if (len < VT_DUMP_HDR_SIZE)
		return dump_err(err, errlen, 0, "file has %zu bytes, a dump header needs %u", len,
		                VT_DUMP_HDR_SIZE);
	vt_dump_get(buf, &d);
	if (d.magic != VT_DUMP_MAGIC)
		return dump_err(err, errlen, 0, "magic 0x%08x, expected 0x%08x (\"VTDP\")", d.magic,
		                VT_DUMP_MAGIC);
	if (d.version != VT_VERSION && d.version != VT_VERSION_UNFOLDED)
		return dump_err(err, errlen, offsetof(struct vt_dump, version),
		                "version %u, expected %u or %u", d.version, VT_VERSION_UNFOLDED,
		                VT_VERSION);
	if (d.record_size != VT_RECORD_SIZE)
		return dump_err(err, errlen, offsetof(struct vt_dump, record_size),
		                "record size %u, expected %u", d.record_size, VT_RECORD_SIZE);
	if (d.arch >= VT_ARCH_NUM)
		return dump_err(err, errlen, offsetof(struct vt_dump, arch),
		                "architecture %u, expected %u (aarch64) or %u (riscv64)", d.arch,
		                VT_ARCH_AARCH64, VT_ARCH_RISCV64);
	t->version = d.version;
	t->arch = d.arch;
	t->nr_rings = d.nr_rings;
	t->nr_vms = d.nr_vms;
	t->nr_vcpus = d.nr_vcpus;
	t->timer_freq = d.timer_freq;
	if (t->nr_vms >= VT_NONE) /* VM indices are bytes and 0xff means none */
		return dump_err(err, errlen, offsetof(struct vt_dump, nr_vms),
		                "%u VMs, expected at most %u", t->nr_vms, VT_NONE - 1);
	if (t->timer_freq == 0 || t->timer_freq > DUMP_MAX_FREQ)
		return dump_err(err, errlen, offsetof(struct vt_dump, timer_freq),
		                "timer frequency %llu Hz, expected 1 Hz to 10 GHz",
		                (unsigned long long)t->timer_freq);
	return 0;
}

static int dump_vms(const uint8_t *buf, size_t len, size_t *off, struct vtrace *t, char *err,
                    size_t errlen)
{
	t->vms = dump_table(len, *off, t->nr_vms, VT_DUMP_VM_SIZE, sizeof(*t->vms), "VM table", err,
	                    errlen);
	if (!t->vms)
		return -1;
	for (uint32_t i = 0; i < t->nr_vms; i++, *off += VT_DUMP_VM_SIZE) {
		const uint8_t *p = buf + *off;
		struct vt_dump_vm *vm = &t->vms[i];

		vt_dump_vm_get(p, vm);
		if (!memchr(vm->name, '\0', sizeof(vm->name)))
			return dump_err(err, errlen, *off, "VM %u: name not NUL-terminated", i);
		for (const char *c = vm->name; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				return dump_err(
				    err, errlen, *off,
				    "VM %u: name has byte 0x%02x, expected printable ASCII", i,
				    (unsigned)(uint8_t)*c);
		if (vm->nr_vcpus == 0 || vm->nr_vcpus >= VT_NONE)
			return dump_err(err, errlen, *off + offsetof(struct vt_dump_vm, nr_vcpus),
			                "VM %u: %u vCPUs, expected 1..%u", i, vm->nr_vcpus,
			                VT_NONE - 1);
	}
	return 0;
}

static int dump_vcpus(const uint8_t *buf, size_t len, size_t *off, struct vtrace *t, char *err,
                      size_t errlen)
{
	t->vcpus = dump_table(len, *off, t->nr_vcpus, VT_DUMP_VCPU_SIZE, sizeof(*t->vcpus),
	                      "vCPU table", err, errlen);
	if (!t->vcpus)
		return -1;
	for (uint32_t i = 0; i < t->nr_vcpus; i++, *off += VT_DUMP_VCPU_SIZE) {
		const uint8_t *p = buf + *off;
		struct vt_dump_vcpu *v = &t->vcpus[i];

		vt_dump_vcpu_get(p, v);
		if (v->vm >= t->nr_vms)
			return dump_err(err, errlen, *off,
			                "vCPU entry %u: VM %u, expected below %u", i, v->vm,
			                t->nr_vms);
		if (v->vcpu >= t->vms[v->vm].nr_vcpus)
			return dump_err(err, errlen, *off + offsetof(struct vt_dump_vcpu, vcpu),
			                "vCPU entry %u: vCPU %u, VM %s has %u", i, v->vcpu,
			                t->vms[v->vm].name, t->vms[v->vm].nr_vcpus);
	}
	return 0;
}

const char *dump_fold_check(const struct vt_record *r, uint32_t version, uint64_t prev_ts)
{
	uint32_t run = vt_exit_run(r, version);

	if (run == VT_RUN_NONE)
		return NULL;
	if (run > r->ts)
		return "run time folded into this exit goes back past time 0";
	if (r->ts - run < prev_ts)
		return "run time folded into this exit puts its entry before the previous record";
	return NULL;
}

/* Ring ri's records, from off: checked, then unfolded into ring->rec (ring->n events). */
static int dump_records(const uint8_t *buf, size_t off, uint32_t ri, struct vtrace *t,
                        struct vtrace_ring *ring, char *err, size_t errlen)
{
	for (uint64_t i = 0; i < ring->count; i++, off += VT_RECORD_SIZE) {
		struct vt_record r;
		uint64_t prev = ring->n ? ring->rec[ring->n - 1].ts : 0;
		const char *why;
		uint32_t n;

		vt_record_get(buf + off, &r);
		if (r.event == 0 || r.event >= VT_EV_COUNT)
			return dump_err(err, errlen, off + offsetof(struct vt_record, event),
			                "ring %u record %llu: event id %u, expected 1..%u", ri,
			                (unsigned long long)i, r.event, VT_EV_COUNT - 1);
		if (r.vm != VT_NONE && r.vm >= t->nr_vms)
			return dump_err(err, errlen, off + offsetof(struct vt_record, vm),
			                "ring %u record %llu: VM %u, expected below %u or 0xff", ri,
			                (unsigned long long)i, r.vm, t->nr_vms);
		if (r.vcpu != VT_NONE && (r.vm == VT_NONE || r.vcpu >= t->vms[r.vm].nr_vcpus))
			return dump_err(err, errlen, off + offsetof(struct vt_record, vcpu),
			                "ring %u record %llu: vCPU %u, expected 0xff or a vCPU of "
			                "the record's VM",
			                ri, (unsigned long long)i, r.vcpu);
		if (ring->n && r.ts < prev)
			return dump_err(
			    err, errlen, off,
			    "ring %u record %llu: timestamp %llu is before the previous "
			    "record's %llu",
			    ri, (unsigned long long)i, (unsigned long long)r.ts,
			    (unsigned long long)prev);
		if ((why = dump_fold_check(&r, t->version, prev)) != NULL)
			return dump_err(err, errlen, off + offsetof(struct vt_record, b),
			                "ring %u record %llu: %s", ri, (unsigned long long)i, why);
		n = vt_unfold(&r, t->version, &ring->rec[ring->n]);
		if (t->nr_records++ == 0 || ring->rec[ring->n].ts < t->t0)
			t->t0 = ring->rec[ring->n].ts; /* the rebuilt ENTER's, if any */
		if (r.ts > t->t1)
			t->t1 = r.ts;
		ring->n += n;
	}
	return 0;
}

static int dump_rings(const uint8_t *buf, size_t len, size_t *off, struct vtrace *t, char *err,
                      size_t errlen)
{
	t->rings = dump_table(len, *off, t->nr_rings, VT_DUMP_RING_SIZE, sizeof(*t->rings),
	                      "ring headers", err, errlen);
	if (!t->rings)
		return -1;
	for (uint32_t i = 0; i < t->nr_rings; i++) {
		const uint8_t *p = buf + *off;
		struct vtrace_ring *ring = &t->rings[i];
		struct vt_dump_ring hdr;

		if (len - *off < VT_DUMP_RING_SIZE)
			return dump_err(err, errlen, *off,
			                "ring %u header needs %u bytes but only %zu remain", i,
			                VT_DUMP_RING_SIZE, len - *off);
		vt_dump_ring_get(p, &hdr);
		ring->offset = *off;
		ring->cpu = hdr.cpu;
		ring->mode = hdr.mode;
		ring->first = hdr.first;
		ring->count = hdr.count;
		ring->lost = hdr.lost;
		ring->skipped = hdr.skipped;
		if (ring->cpu >= DUMP_MAX_CPU)
			return dump_err(err, errlen, *off, "ring %u: cpu %u, expected below %u", i,
			                ring->cpu, DUMP_MAX_CPU);
		for (uint32_t j = 0; j < i; j++)
			if (t->rings[j].cpu == ring->cpu)
				return dump_err(err, errlen, *off,
				                "ring %u: cpu %u already has ring %u", i, ring->cpu,
				                j);
		if (ring->mode != VT_MODE_STREAM && ring->mode != VT_MODE_FLIGHT)
			return dump_err(err, errlen, *off + offsetof(struct vt_dump_ring, mode),
			                "ring %u: mode %u, expected 0 (stream) or 1 (flight)", i,
			                ring->mode);
		*off += VT_DUMP_RING_SIZE;
		if (ring->count > (len - *off) / VT_RECORD_SIZE)
			return dump_err(
			    err, errlen, ring->offset,
			    "ring %u header says %llu records but only %zu bytes remain", i,
			    (unsigned long long)ring->count, len - *off);
		/* Room for an ENTER rebuilt from each record: at most 2 events per record. */
		ring->rec = malloc((size_t)ring->count * 2 * sizeof(*ring->rec) + 1);
		if (!ring->rec)
			return dump_err(err, errlen, *off, "out of memory");
		if (dump_records(buf, *off, i, t, ring, err, errlen))
			return -1;
		*off += (size_t)ring->count * VT_RECORD_SIZE;
	}
	return 0;
}

int dump_parse(const uint8_t *buf, size_t len, struct vtrace *t, char *err, size_t errlen)
{
	size_t off = VT_DUMP_HDR_SIZE;

	memset(t, 0, sizeof(*t));
	if (dump_header(buf, len, t, err, errlen) || dump_vms(buf, len, &off, t, err, errlen) ||
	    dump_vcpus(buf, len, &off, t, err, errlen) ||
	    dump_rings(buf, len, &off, t, err, errlen))
		goto fail;
	if (off != len) {
		dump_err(err, errlen, off,
		         "%zu bytes after the last ring, expected the end of the file", len - off);
		goto fail;
	}
	return 0;
fail:
	dump_free(t);
	return -1;
}

int dump_read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	uint8_t *p = malloc(cap);

	if (!f || !p) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(p);
		if (f)
			fclose(f);
		return -1;
	}
	for (;;) {
		n += fread(p + n, 1, cap - n, f);
		if (n < cap)
			break;
		uint8_t *q = cap > SIZE_MAX / 2 ? NULL : realloc(p, cap * 2);

		if (!q) {
			snprintf(err, errlen, "out of memory");
			free(p);
			fclose(f);
			return -1;
		}
		p = q;
		cap *= 2;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "read error: %s", strerror(errno));
		free(p);
		fclose(f);
		return -1;
	}
	fclose(f);
	*buf = p;
	*len = n;
	return 0;
}

int dump_load(const char *path, struct vtrace *t, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int rc;

	memset(t, 0, sizeof(*t));
	if (dump_read_file(path, &buf, &len, err, errlen))
		return -1;
	rc = dump_parse(buf, len, t, err, errlen);
	free(buf);
	return rc;
}

void dump_free(struct vtrace *t)
{
	if (t->rings)
		for (uint32_t i = 0; i < t->nr_rings; i++)
			free(t->rings[i].rec);
	free(t->rings);
	free(t->vms);
	free(t->vcpus);
	memset(t, 0, sizeof(*t));
}
