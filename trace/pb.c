/* The protobuf wire format: varints, fixed64 and length-delimited fields. */
#include <stdlib.h>
#include <string.h>

#include "pb.h"

void pb_free(struct pb_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void pb_raw(struct pb_buf *b, const void *data, size_t len)
{
	if (b->oom)
		return;
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap - b->len < len) {
			if (cap > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			cap *= 2;
		}
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

void pb_varint(struct pb_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	pb_raw(b, tmp, n);
}

static void pb_key(struct pb_buf *b, uint32_t field, uint32_t wire)
{
	pb_varint(b, (uint64_t)field << 3 | wire);
}

void pb_uint(struct pb_buf *b, uint32_t field, uint64_t v)
{
	pb_key(b, field, PB_VARINT);
	pb_varint(b, v);
}

void pb_fixed64(struct pb_buf *b, uint32_t field, uint64_t v)
{
	uint8_t le[8];

	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	pb_key(b, field, PB_I64);
	pb_raw(b, le, sizeof(le));
}

void pb_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len)
{
	pb_key(b, field, PB_LEN);
	pb_varint(b, len);
	pb_raw(b, data, len);
}

void pb_str(struct pb_buf *b, uint32_t field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

void pb_msg(struct pb_buf *b, uint32_t field, const struct pb_buf *sub)
{
	if (sub->oom)
		b->oom = 1;
	pb_bytes(b, field, sub->p, sub->len);
}

static int pb_read_varint(struct pb_reader *r, uint64_t *v)
{
	uint64_t x = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t c;

		if (r->pos >= r->len)
			return -1;
		c = r->p[r->pos++];
		/* The tenth byte may only carry the top bit. */
		if (shift == 63 && c > 1)
			return -1;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

int pb_next(struct pb_reader *r, struct pb_field *f)
{
	uint64_t key;

	memset(f, 0, sizeof(*f));
	f->offset = r->base + r->pos;
	if (r->pos >= r->len)
		return 0;
	if (pb_read_varint(r, &key) || key >> 32 || (key >> 3) == 0)
		return -1;
	f->num = (uint32_t)(key >> 3);
	f->wire = (uint32_t)(key & 7);
	switch (f->wire) {
	case PB_VARINT:
		return pb_read_varint(r, &f->value) ? -1 : 1;
	case PB_I64:
	case PB_I32: {
		size_t n = f->wire == PB_I64 ? 8 : 4;

		if (r->len - r->pos < n)
			return -1;
		for (size_t i = 0; i < n; i++)
			f->value |= (uint64_t)r->p[r->pos + i] << (8 * i);
		r->pos += n;
		return 1;
	}
	case PB_LEN:
		if (pb_read_varint(r, &f->value) || f->value > r->len - r->pos)
			return -1;
		f->data = r->p + r->pos;
		f->len = (size_t)f->value;
		r->pos += f->len;
		return 1;
	}
	return -1; /* groups (3, 4) and reserved wire types: not written by anyone we read */
}
