/*
 * The QEMU plugins' (tools/llc/, tools/el2count/) parsing of a number in an
 * option "name=value": decimal, 0x hex or 0 octal, nothing after it.
 */
#ifndef PLUGIN_OPT_H
#define PLUGIN_OPT_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* *r = v, the value of option opt; else says so, prefixed by the plugin's name, and -1. */
static inline int plugin_number(const char *plugin, const char *opt, const char *v, uint64_t *r)
{
	char *end;

	errno = 0;
	*r = strtoull(v, &end, 0);
	if (!*v || *end || errno || *v == '-') {
		fprintf(stderr, "%s: bad number in %s\n", plugin, opt);
		return -1;
	}
	return 0;
}

#endif
