/* Cache colours in the hypervisor's messages. */
#include "color.h"

#include "fmt.h"

const char *color_list(uint32_t set, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (uint32_t c = 0; c < 32 && n < size; c++) {
		uint32_t e = c;

		if (!(set >> c & 1))
			continue;
		while (e + 1 < 32 && set >> (e + 1) & 1)
			e++;
		n += (size_t)fmt_snprintf(buf + n, size - n, e > c ? "%s%u-%u" : "%s%u",
		                          n ? "," : "", c, e);
		c = e;
	}
	return buf;
}
