/*
 * The trace stream's decoder (include/vitrine/stream.h): frames cut from the bytes
 * as they arrive, each checked before use. The hello frame is a dump with
 * no records, so the dump parser reads it and the client gets the struct
 * vtrace a saved dump gives. Then every records frame must follow its
 * ring's previous one exactly (first = previous first + count + lost) and
 * its sequence number the previous frame's: a gap is an error, not a
 * guess.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitrine/stream.h>

#include "vitrine.h"

static int fr_err(const struct vs_dec *d, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n =
	    snprintf(err, errlen, "stream offset %llu, frame %llu: ", (unsigned long long)d->offset,
	             (unsigned long long)d->frames);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int vs_dec_push(struct vs_dec *d, const uint8_t *p, size_t n)
{
	if (d->start && d->start == d->len)
		d->start = d->len = 0;
	if (d->len + n > d->cap) {
		size_t keep = d->len - d->start, cap = (keep + n) * 2 + 4096;
		uint8_t *b = malloc(cap);

		if (!b)
			return -1;
		if (keep)
			memcpy(b, d->buf + d->start, keep);
		free(d->buf);
		d->buf = b;
		d->cap = cap;
		d->start = 0;
		d->len = keep;
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
	d->bytes += n;
	return 0;
}

static int fr_hello(struct vs_dec *d, const uint8_t *body, size_t n, char *err, size_t errlen)
{
	char why[256];

	if (d->have_hello)
		return fr_err(d, err, errlen, "a second hello frame");
	if (dump_parse(body, n, &d->t, why, sizeof(why)))
		return fr_err(d, err, errlen, "hello: %s", why);
	d->next = calloc(d->t.nr_rings + 1, sizeof(*d->next));
	d->last_ts = calloc(d->t.nr_rings + 1, sizeof(*d->last_ts));
	if (!d->next || !d->last_ts)
		return fr_err(d, err, errlen, "out of memory");
	for (uint32_t i = 0; i < d->t.nr_rings; i++) {
		if (d->t.rings[i].count)
			return fr_err(d, err, errlen, "hello: ring %u holds records, expected none",
			              i);
		d->next[i] = d->t.rings[i].first;
	}
	d->have_hello = 1;
	return 0;
}

/* One record, checked as the dump parser checks them (its folded ENTER too). */
static int fr_record(struct vs_dec *d, struct vs_frame *f, uint32_t i, const uint8_t *p, char *err,
                     size_t errlen)
{
	struct vt_record *r = &d->rec[i];
	const struct vtrace *t = &d->t;
	const char *why;

	vt_record_get(p, r);
	if (r->event == 0 || r->event >= VT_EV_COUNT)
		return fr_err(d, err, errlen, "cpu %u record %u: event id %u, expected 1..%u",
		              f->cpu, i, r->event, VT_EV_COUNT - 1);
	if (r->vm != VT_NONE && r->vm >= t->nr_vms)
		return fr_err(d, err, errlen, "cpu %u record %u: VM %u, expected below %u or 0xff",
		              f->cpu, i, r->vm, t->nr_vms);
	if (r->vcpu != VT_NONE && (r->vm == VT_NONE || r->vcpu >= t->vms[r->vm].nr_vcpus))
		return fr_err(d, err, errlen,
		              "cpu %u record %u: vCPU %u, expected 0xff or a vCPU of its VM",
		              f->cpu, i, r->vcpu);
	if (r->ts < d->last_ts[f->ri])
		return fr_err(d, err, errlen,
		              "cpu %u record %u: timestamp %llu is before the previous one's %llu",
		              f->cpu, i, (unsigned long long)r->ts,
		              (unsigned long long)d->last_ts[f->ri]);
	if ((why = dump_fold_check(r, t->version, d->last_ts[f->ri])) != NULL)
		return fr_err(d, err, errlen, "cpu %u record %u: %s", f->cpu, i, why);
	d->last_ts[f->ri] = r->ts;
	if (r->event == VT_EV_LOST)
		d->lost += r->a; /* stream mode: the producer's own drops, in-band */
	else
		d->events++;
	return 0;
}

static int fr_records(struct vs_dec *d, struct vs_frame *f, const uint8_t *p, size_t n, char *err,
                      size_t errlen)
{
	struct vt_frame_records hdr;

	if (!d->have_hello)
		return fr_err(d, err, errlen, "records before the hello frame");
	if (n < VT_FRAME_RECORDS_SIZE)
		return fr_err(d, err, errlen, "records frame of %zu bytes, its header needs %u", n,
		              VT_FRAME_RECORDS_SIZE);
	vt_frame_records_get(p, &hdr);
	f->cpu = hdr.cpu;
	f->count = hdr.count;
	f->first = hdr.first;
	f->lost = hdr.lost;
	for (f->ri = 0; f->ri < d->t.nr_rings && d->t.rings[f->ri].cpu != f->cpu; f->ri++)
		;
	if (f->ri == d->t.nr_rings)
		return fr_err(d, err, errlen, "records of cpu %u, which the hello has no ring for",
		              f->cpu);
	if ((n - VT_FRAME_RECORDS_SIZE) / VT_RECORD_SIZE != f->count ||
	    (n - VT_FRAME_RECORDS_SIZE) % VT_RECORD_SIZE)
		return fr_err(d, err, errlen, "%u records do not make a frame of %zu bytes",
		              f->count, n + VT_FRAME_HDR_SIZE);
	if (f->first != d->next[f->ri] + f->lost)
		return fr_err(d, err, errlen,
		              "cpu %u: records from position %llu after %llu lost, expected %llu",
		              f->cpu, (unsigned long long)f->first, (unsigned long long)f->lost,
		              (unsigned long long)(d->next[f->ri] + f->lost));
	if (f->count > d->rec_cap) {
		free(d->rec);
		d->rec = malloc(f->count * sizeof(*d->rec));
		if (!d->rec)
			return fr_err(d, err, errlen, "out of memory");
		d->rec_cap = f->count;
	}
	for (uint32_t i = 0; i < f->count; i++)
		if (fr_record(d, f, i, p + VT_FRAME_RECORDS_SIZE + (size_t)i * VT_RECORD_SIZE, err,
		              errlen))
			return -1;
	d->next[f->ri] = f->first + f->count;
	d->lost += f->lost;
	f->rec = d->rec;
	return 0;
}

int vs_dec_next(struct vs_dec *d, struct vs_frame *f, char *err, size_t errlen)
{
	const uint8_t *p = d->buf + d->start;
	size_t avail = d->len - d->start;
	struct vt_frame hdr;
	uint32_t len;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	if (avail < VT_FRAME_HDR_SIZE)
		return 0;
	vt_frame_get(p, &hdr);
	if (hdr.magic != VT_FRAME_MAGIC)
		return fr_err(d, err, errlen, "magic 0x%04x, expected 0x%04x: not a frame",
		              hdr.magic, VT_FRAME_MAGIC);
	f->type = hdr.type;
	len = hdr.len;
	f->seq = hdr.seq;
	if (len < VT_FRAME_HDR_SIZE || len > VT_FRAME_MAX)
		return fr_err(d, err, errlen, "length %u, expected %u..%u", len, VT_FRAME_HDR_SIZE,
		              VT_FRAME_MAX);
	if (avail < len)
		return 0;
	if (f->seq != d->seq)
		return fr_err(d, err, errlen, "sequence number %llu, expected %llu: %s",
		              (unsigned long long)f->seq, (unsigned long long)d->seq,
		              f->seq > d->seq ? "frames are missing" : "out of order");
	if (!d->have_hello && f->type != VT_FRAME_HELLO && f->type != VT_FRAME_ERROR)
		return fr_err(d, err, errlen, "type %u, expected the hello frame first", f->type);
	p += VT_FRAME_HDR_SIZE;
	if (f->type == VT_FRAME_HELLO)
		rc = fr_hello(d, p, len - VT_FRAME_HDR_SIZE, err, errlen);
	else if (f->type == VT_FRAME_RECORDS)
		rc = fr_records(d, f, p, len - VT_FRAME_HDR_SIZE, err, errlen);
	else if (f->type == VT_FRAME_ERROR) {
		if (!memchr(p, 0, len - VT_FRAME_HDR_SIZE))
			return fr_err(d, err, errlen, "error frame without its NUL");
		f->message = (const char *)p;
	}
	if (rc)
		return -1;
	d->seq++;
	d->frames++;
	d->start += len;
	d->offset += len;
	return 1;
}

int vs_dec_end(const struct vs_dec *d, char *err, size_t errlen)
{
	size_t avail = d->len - d->start;

	if (avail == 0)
		return 0;
	if (avail < VT_FRAME_HDR_SIZE)
		return fr_err(d, err, errlen,
		              "the stream ends inside a frame header (%zu of %u bytes)", avail,
		              VT_FRAME_HDR_SIZE);
	return fr_err(d, err, errlen, "the stream ends inside a frame (%zu of %u bytes)", avail,
	              vt_get32(d->buf + d->start + offsetof(struct vt_frame, len)));
}

void vs_dec_free(struct vs_dec *d)
{
	dump_free(&d->t);
	free(d->next);
	free(d->last_ts);
	free(d->buf);
	free(d->rec);
	memset(d, 0, sizeof(*d));
}
