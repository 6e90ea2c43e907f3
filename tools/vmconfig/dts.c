/*
 * `--dts VM`: a kernel vm's device tree as DTS text, walked with libfdt.
 * Its own printer rather than dtc, so the build needs nothing but libfdt;
 * `dtc -I dtb` reads the emitted .dtb files too. A property is shown as
 * strings if it is printable text, as cells if it is a multiple of 4
 * bytes, else as bytes.
 */
#include <ctype.h>
#include <string.h>

#include <libfdt.h>

#include "vmconfig.h"

static bool cfgd_is_text(const char *p, int len)
{
	if (len == 0 || p[len - 1] || !p[0])
		return false;
	for (int i = 0; i < len - 1; i++)
		if (p[i] ? !isprint((unsigned char)p[i]) || p[i] == '"' : !p[i + 1])
			return false; /* an empty string in the list: not text */
	return true;
}

static void cfgd_value(FILE *f, const char *p, int len)
{
	if (!len)
		return; /* a flag: its name says it */
	if (cfgd_is_text(p, len)) {
		for (int i = 0; i < len - 1; i += (int)strlen(p + i) + 1)
			fprintf(f, "%s\"%s\"", i ? ", " : " = ", p + i);
	} else if (len % 4 == 0) {
		fputs(" = <", f);
		for (int i = 0; i < len; i += 4)
			fprintf(f, "%s0x%x", i ? " " : "",
			        fdt32_to_cpu(*(const fdt32_t *)(const void *)(p + i)));
		fputc('>', f);
	} else {
		fputs(" = [", f);
		for (int i = 0; i < len; i++)
			fprintf(f, "%s%02x", i ? " " : "", (unsigned char)p[i]);
		fputc(']', f);
	}
}

static void cfgd_node(FILE *f, const void *fdt, int node, int depth)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	int prop, child;

	fprintf(f, "%*s%s {\n", depth * 8, "", depth ? name : "/");
	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *pname;
		int len;
		const char *v = fdt_getprop_by_offset(fdt, prop, &pname, &len);

		fprintf(f, "%*s%s", depth * 8 + 8, "", pname);
		cfgd_value(f, v, len);
		fputs(";\n", f);
	}
	fdt_for_each_subnode(child, fdt, node)
	{
		fputc('\n', f);
		cfgd_node(f, fdt, child, depth + 1);
	}
	fprintf(f, "%*s};\n", depth * 8, "");
}

void cfgd_print(const struct vmc_vm *vm, FILE *f)
{
	fprintf(f, "/dts-v1/;\n/* vm '%s': loaded at IPA " VMC_X ", %" PRIu64 " bytes */\n\n",
	        vm->name, vm->dtb.ipa, vm->dtb.size);
	cfgd_node(f, vm->dtb_blob, 0, 0);
}
