/*
 * Tries to change the configuration of interrupts through the GIC's
 * registers and reports what reads back, so a test can check that a VM
 * cannot touch INTIDs it does not own (under Vitrine such writes must be
 * ignored, natively they all take effect). For each INTID, each field is
 * read, written with a different value, read again, then put back:
 * enable (ISENABLER/ICENABLER), pending (ISPENDR/ICPENDR), priority
 * (IPRIORITYR), group (IGROUPR), trigger (ICFGR) and, for SPIs, route
 * (IROUTER). Interrupts stay masked at the CPU throughout.
 *
 * arg: up to four INTIDs, 16 bits each from bit 0, the first 0 ending the
 *      list (arg 0: 27 33 100, i.e. the VM's own timer PPI as a control,
 *      the UART's SPI, and an SPI no config gives out)
 *
 * Prints:
 *   gicprobe: GICD_TYPER 0xT (SPIs up to INTID N)
 *   gicprobe: INTID I <field> reads V after write W (was B)     one per field
 *   gicprobe: INTID I: C of F writes took effect
 * V, W and B are 0/1 for enable, pending, group and trigger (1 = edge), hex
 * for priority and route.
 */
#include "gic.h"
#include "rt.h"

enum gp_field { GP_ENABLE, GP_PENDING, GP_PRIORITY, GP_GROUP, GP_TRIGGER, GP_ROUTE, GP_FIELDS };

static const char *const gp_names[GP_FIELDS] = {"enable", "pending", "priority",
                                                "group",  "trigger", "route"};

static uintptr_t gp_bank(uint32_t intid)
{
	return intid < 32 ? gic_redist() + GICR_SGI_BASE : GICD_BASE;
}

static uint32_t gp_read32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void gp_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static uint64_t gp_get(enum gp_field f, uint32_t intid)
{
	uintptr_t b = gp_bank(intid);
	uint32_t w = intid / 32 * 4, bit = intid % 32;

	switch (f) {
	case GP_ENABLE:
		return gp_read32(b + GICD_ISENABLER + w) >> bit & 1;
	case GP_PENDING:
		return gp_read32(b + GICD_ISPENDR + w) >> bit & 1;
	case GP_PRIORITY:
		return *(volatile uint8_t *)(b + GICD_IPRIORITYR + intid);
	case GP_GROUP:
		return gp_read32(b + GICD_IGROUPR + w) >> bit & 1;
	case GP_TRIGGER:
		return gp_read32(b + GICD_ICFGR + intid / 16 * 4) >> (intid % 16 * 2 + 1) & 1;
	case GP_ROUTE:
		return *(volatile uint64_t *)(GICD_BASE + GICD_IROUTER + intid * 8);
	default:
		return 0;
	}
}

static void gp_rmw(uintptr_t a, uint32_t shift, uint32_t mask, uint64_t v)
{
	gp_write32(a, (gp_read32(a) & ~(mask << shift)) | ((uint32_t)v & mask) << shift);
}

static void gp_put(enum gp_field f, uint32_t intid, uint64_t v)
{
	uintptr_t b = gp_bank(intid);
	uint32_t w = intid / 32 * 4, bit = 1u << (intid % 32);

	switch (f) {
	case GP_ENABLE:
		gp_write32(b + (v ? GICD_ISENABLER : GICD_ICENABLER) + w, bit);
		break;
	case GP_PENDING:
		gp_write32(b + (v ? GICD_ISPENDR : GICD_ICPENDR) + w, bit);
		break;
	case GP_PRIORITY:
		*(volatile uint8_t *)(b + GICD_IPRIORITYR + intid) = (uint8_t)v;
		break;
	case GP_GROUP:
		gp_rmw(b + GICD_IGROUPR + w, intid % 32, 1, v);
		break;
	case GP_TRIGGER:
		gp_rmw(b + GICD_ICFGR + intid / 16 * 4, intid % 16 * 2 + 1, 1, v);
		break;
	case GP_ROUTE:
		*(volatile uint64_t *)(GICD_BASE + GICD_IROUTER + intid * 8) = v;
		break;
	default:
		break;
	}
}

static void gp_probe(uint32_t intid)
{
	uint32_t fields = intid < 32 ? GP_ROUTE : GP_FIELDS, took = 0;

	for (uint32_t f = 0; f < fields; f++) {
		uint64_t was = gp_get(f, intid), want, got;
		int hex = f == GP_PRIORITY || f == GP_ROUTE;

		if (f == GP_PRIORITY)
			want = was == 0x40 ? 0x80 : 0x40;
		else
			want = !was;
		gp_put(f, intid, want);
		got = gp_get(f, intid);
		took += got == want;
		gp_put(f, intid, was);
		if (hex)
			rt_printf(
			    "gicprobe: INTID %u %s reads 0x%llx after write 0x%llx (was 0x%llx)\n",
			    intid, gp_names[f], (unsigned long long)got, (unsigned long long)want,
			    (unsigned long long)was);
		else
			rt_printf("gicprobe: INTID %u %s reads %llu after write %llu (was %llu)\n",
			          intid, gp_names[f], (unsigned long long)got,
			          (unsigned long long)want, (unsigned long long)was);
	}
	rt_printf("gicprobe: INTID %u: %u of %u writes took effect\n", intid, took, fields);
}

void main(uint64_t arg)
{
	uint32_t typer;

	if (!arg)
		arg = 27 | 33u << 16 | 100ull << 32;
	gic_init();
	typer = *(volatile uint32_t *)(GICD_BASE + GICD_TYPER);
	rt_printf("gicprobe: GICD_TYPER 0x%x (SPIs up to INTID %u)\n", typer,
	          ((typer & 0x1f) + 1) * 32 - 1);
	for (int i = 0; i < 4; i++) {
		uint32_t intid = arg >> (16 * i) & 0xffff;

		if (!intid)
			break;
		if (intid < GIC_NR_INTIDS)
			gp_probe(intid);
		else
			rt_printf("gicprobe: INTID %u: not an SGI, PPI or SPI\n", intid);
	}
}
