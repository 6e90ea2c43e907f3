/*
 * A vm's files on disk (image, kernel, initrd, dtb): found, readable, a
 * non-empty regular file, and a path that can be embedded (emit.c's
 * .incbin).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vmconfig.h"

static void cfgi_err(const struct vmc_config *c, const struct vmc_vm *vm,
                     const struct vmc_file *file, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void cfgi_err(const struct vmc_config *c, const struct vmc_vm *vm,
                     const struct vmc_file *file, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmc_verror(c, file->line, "vm", vm->name, field, fmt, ap);
	va_end(ap);
}

static bool cfgi_open(const struct vmc_config *c, const struct vmc_vm *vm, struct vmc_file *file,
                      const char *field, const char *path)
{
	char *abs;
	struct stat st = {0};
	FILE *f;
	int n;

	if (!(f = fopen(path, "rb"))) { /* opened, not just stat'ed: .incbin will read it */
		cfgi_err(c, vm, file, field, "cannot read '%s': %s", path, strerror(errno));
		return false;
	}
	n = fstat(fileno(f), &st);
	fclose(f);
	if (n || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		cfgi_err(c, vm, file, field, "'%s' is %s", path,
		         S_ISREG(st.st_mode) ? "empty" : "not a regular file");
		return false;
	}
	if (!(abs = realpath(path, NULL)) || strlen(abs) >= sizeof file->path) {
		cfgi_err(c, vm, file, field, "cannot resolve '%s'", path);
		free(abs);
		return false;
	}
	strcpy(file->path, abs);
	free(abs);
	/* The path goes into a C string in an assembler string: no control characters. */
	for (const char *p = file->path; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			cfgi_err(c, vm, file, field, "path '%s' has control characters", path);
			return false;
		}
	}
	file->size = (uint64_t)st.st_size;
	return true;
}

int cfgi_image_path(const struct vmc_vm *vm, const char *dir, char *path, size_t size)
{
	const char *name = vm->image.name;

	return strchr(name, '/') ? snprintf(path, size, "%s", name)
	                         : snprintf(path, size, "%s/%s.bin", dir, name);
}

bool cfgi_find(const struct vmc_config *c, struct vmc_vm *vm, const char *dir)
{
	char path[VMC_PATH_MAX];
	const char *name = vm->image.name;
	int n = cfgi_image_path(vm, dir, path, sizeof path);

	if (n < 0 || (size_t)n >= sizeof path) {
		cfgi_err(c, vm, &vm->image, "image", "path of '%s' is too long", name);
		return false;
	}
	return cfgi_open(c, vm, &vm->image, "image", path);
}

bool cfgi_find_file(const struct vmc_config *c, const struct vmc_vm *vm, struct vmc_file *file,
                    const char *field)
{
	return cfgi_open(c, vm, file, field, file->name);
}

bool cfgi_read(const struct vmc_config *c, const struct vmc_vm *vm, const struct vmc_file *file,
               const char *field, uint64_t off, void *buf, size_t n)
{
	FILE *f = fopen(file->path, "rb");
	bool ok = f && fseek(f, (long)off, SEEK_SET) == 0 && fread(buf, 1, n, f) == n;

	if (f)
		fclose(f);
	if (!ok)
		cfgi_err(c, vm, file, field, "cannot read %zu bytes at offset %" PRIu64 " of '%s'",
		         n, off, file->name);
	return ok;
}
