/*
 * Errors about a config: counted, and printed one a line as
 * FILE:LINE: KIND 'NAME': FIELD: message.
 */
#include "vmconfig.h"

int vmc_errors;
FILE *vmc_errf;

void vmc_verror(const struct vmc_config *c, int line, const char *kind, const char *name,
                const char *field, const char *fmt, va_list ap)
{
	FILE *f = vmc_errf ? vmc_errf : stderr;

	fprintf(f, line ? "%s:%d: " : "%s: ", c->file, line);
	if (kind && name)
		fprintf(f, "%s '%s': ", kind, name);
	else if (kind)
		fprintf(f, "%s: ", kind);
	if (field)
		fprintf(f, "%s: ", field);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	vmc_errors++;
}

void vmc_error(const struct vmc_config *c, int line, const char *kind, const char *name,
               const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmc_verror(c, line, kind, name, field, fmt, ap);
	va_end(ap);
}
