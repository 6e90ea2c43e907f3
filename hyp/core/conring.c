/*
 * The console ring (vitrine/conring.h): while the monitor VM runs, the
 * system console's lines go here and the monitor prints them; when it
 * stops, the hypervisor takes the UART back and first prints what the
 * monitor had not read, so no line is lost either way. Callers hold the
 * console lock (log.c): one writer.
 */
#include "conring.h"

#include <vitrine/conring.h>

#include "arch.h"
#include "string.h"
#include "vm.h"

#define CON_MASK (VT_CON_DATA - 1)
#define CON_REC_MAX 512 /* longer records are cut: no console line is that long */

static struct {
	struct vt_con hdr;
	uint8_t pad[4096 - sizeof(struct vt_con)];
	uint8_t data[VT_CON_DATA];
} conring __attribute__((aligned(4096)));
static struct vt_mon_ctl conring_ctl __attribute__((aligned(4096)));
static const struct vm *conring_vm; /* the monitor, once shown the ring */

_Static_assert(sizeof conring == CFG_MONITOR_CON_SIZE, "the window config.h leaves");
_Static_assert(sizeof conring_ctl <= 4096, "one page");

void conring_show(struct vm *vm)
{
	conring.hdr.magic = VT_CON_MAGIC;
	conring.hdr.size = VT_CON_DATA;
	arch_vm_map_readonly(vm, CFG_MONITOR_CON_IPA, &conring, sizeof conring);
	arch_vm_map_writable(vm, CFG_MONITOR_CTL_IPA, &conring_ctl, sizeof conring_ctl);
	conring_vm = vm;
}

int conring_owned(void)
{
	return conring_vm && __atomic_load_n(&conring_vm->state, __ATOMIC_ACQUIRE) == VM_RUNNING;
}

/* Where the monitor says it has read to, if that is possible; else -1. */
static int conring_tail(uint64_t *tail)
{
	uint64_t t = __atomic_load_n(&conring_ctl.con_tail, __ATOMIC_ACQUIRE);
	uint64_t head = conring.hdr.head;

	if (t > head || head - t > VT_CON_DATA) {
		conring.hdr.bad_tail++;
		return -1;
	}
	*tail = t;
	return 0;
}

static void conring_copy_in(uint64_t at, const void *src, uint32_t n)
{
	const uint8_t *s = src;

	for (uint32_t i = 0; i < n; i++)
		conring.data[(at + i) & CON_MASK] = s[i];
}

void conring_put(uint32_t src, const char *text, size_t len)
{
	struct vt_con_rec rec = {.len = (uint16_t)(len > CON_REC_MAX ? CON_REC_MAX : len),
	                         .src = (uint8_t)src};
	uint64_t head = conring.hdr.head, tail;
	uint32_t need = sizeof rec + rec.len;

	/* A monitor that lies about its position only loses its own output. */
	if (conring_tail(&tail) || VT_CON_DATA - (head - tail) < need) {
		conring.hdr.lost += need;
		return;
	}
	conring_copy_in(head, &rec, sizeof rec);
	conring_copy_in(head + sizeof rec, text, rec.len);
	__atomic_store_n(&conring.hdr.head, head + need, __ATOMIC_RELEASE);
}

/*
 * The records the monitor left unread, to out, oldest first. The monitor
 * could have written anything as its position, so every length is checked
 * against what is there; a bad position drains nothing.
 */
void conring_drain(void (*out)(uint32_t src, const char *text, size_t len))
{
	uint64_t head = conring.hdr.head, pos;
	char text[CON_REC_MAX];

	if (!conring_vm) /* no monitor: the ring was never used */
		return;
	if (conring_tail(&pos))
		pos = head;
	while (head - pos >= sizeof(struct vt_con_rec)) {
		uint8_t h[sizeof(struct vt_con_rec)];
		struct vt_con_rec rec;

		for (uint32_t i = 0; i < sizeof h; i++)
			h[i] = conring.data[(pos + i) & CON_MASK];
		memcpy(&rec, h, sizeof rec);
		pos += sizeof rec;
		if (rec.len > CON_REC_MAX || rec.len > head - pos)
			break;
		for (uint32_t i = 0; i < rec.len; i++)
			text[i] = (char)conring.data[(pos + i) & CON_MASK];
		pos += rec.len;
		out(rec.src, text, rec.len);
	}
	__atomic_store_n(&conring_ctl.con_tail, head, __ATOMIC_RELEASE);
}
