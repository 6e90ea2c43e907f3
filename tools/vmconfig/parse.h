/* The parser's own header: a line being parsed, and what parse.c and parse_vm.c share. */
#ifndef VMCONFIG_PARSE_H
#define VMCONFIG_PARSE_H

#include "vmconfig.h"

struct cfgp_line {
	struct vmc_config *c;
	struct vmc_vm *vm; /* the current vm block; NULL outside one */
	int nr;
	const char *kind, *name; /* who errors are about: "vm" 'a', "channel" 'c', "input" */
	const char *keyword;
	int argc;
	char **argv;        /* after the keyword */
	const bool *quoted; /* argv[i] was written "in quotes" */
};

void cfgp_err(struct cfgp_line *l, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool cfgp_number(struct cfgp_line *l, const char *s, uint64_t *out);
bool cfgp_name(struct cfgp_line *l, const char *what, const char *s);
bool cfgp_once(struct cfgp_line *l, int *line);
bool cfgp_pa(struct cfgp_line *l, uint64_t *pa, bool *fixed);
struct vmc_region *cfgp_region(struct cfgp_line *l, uint8_t kind);
struct vmc_region *cfgp_mmio(struct cfgp_line *l, uint64_t base, uint64_t size);
void cfgp_file(struct cfgp_line *l, struct vmc_file *file);
bool cfgp_color_list(struct cfgp_line *l, const char *s, uint32_t *out);
void cfgp_value(struct cfgp_line *l, int *line, uint64_t *v);
bool cfgp_option(struct cfgp_line *l, int *i, const char *word, bool *given, uint64_t *out);
void cfgp_flag(struct cfgp_line *l, int *line, const char *a, const char *b, const char *sets,
               uint32_t flag);

/* parse_vm.c: the lines of a vm block, one function per keyword. */
void cfgp_image(struct cfgp_line *l);
void cfgp_kernel(struct cfgp_line *l);
void cfgp_initrd(struct cfgp_line *l);
void cfgp_dtb(struct cfgp_line *l);
void cfgp_bootargs(struct cfgp_line *l);
void cfgp_cpus(struct cfgp_line *l);
void cfgp_mem(struct cfgp_line *l);
void cfgp_colors(struct cfgp_line *l);
void cfgp_membw(struct cfgp_line *l);
void cfgp_load(struct cfgp_line *l);
void cfgp_entry(struct cfgp_line *l);
void cfgp_arg(struct cfgp_line *l);
void cfgp_uart(struct cfgp_line *l);
void cfgp_device(struct cfgp_line *l);
void cfgp_shm(struct cfgp_line *l);
void cfgp_dma(struct cfgp_line *l);
void cfgp_on_fault(struct cfgp_line *l);
void cfgp_on_reset(struct cfgp_line *l);
void cfgp_debug(struct cfgp_line *l);
/* pci.c */
void cfgp_pci(struct cfgp_line *l);

#endif
