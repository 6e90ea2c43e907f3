/*
 * A vm's image on disk: found, readable, a non-empty regular file, and a
 * path that can be embedded (emit.c's .incbin).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vmconfig.h"

static void cfgi_err(const struct vmc_config *c, const struct vmc_vm *vm, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cfgi_err(const struct vmc_config *c, const struct vmc_vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmc_verror(c, vm->image_line, "vm", vm->name, "image", fmt, ap);
	va_end(ap);
}

bool cfgi_find(const struct vmc_config *c, struct vmc_vm *vm, const char *dir)
{
	char path[VMC_PATH_MAX], *abs;
	struct stat st = {0};
	FILE *f;
	int n = strchr(vm->image, '/') ? snprintf(path, sizeof path, "%s", vm->image)
	                               : snprintf(path, sizeof path, "%s/%s.bin", dir, vm->image);

	if (n < 0 || (size_t)n >= sizeof path) {
		cfgi_err(c, vm, "path of '%s' is too long", vm->image);
		return false;
	}
	if (!(f = fopen(path, "rb"))) { /* opened, not just stat'ed: .incbin will read it */
		cfgi_err(c, vm, "cannot read '%s': %s", path, strerror(errno));
		return false;
	}
	n = fstat(fileno(f), &st);
	fclose(f);
	if (n || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		cfgi_err(c, vm, "'%s' is %s", path,
		         S_ISREG(st.st_mode) ? "empty" : "not a regular file");
		return false;
	}
	if (!(abs = realpath(path, NULL)) || strlen(abs) >= sizeof vm->image_path) {
		cfgi_err(c, vm, "cannot resolve '%s'", path);
		free(abs);
		return false;
	}
	strcpy(vm->image_path, abs);
	free(abs);
	/* The path goes into a C string in an assembler string: no control characters. */
	for (const char *p = vm->image_path; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			cfgi_err(c, vm, "path '%s' has control characters", path);
			return false;
		}
	}
	vm->image_size = (uint64_t)st.st_size;
	return true;
}
