/* Cache colours in the hypervisor's messages. */
#include "color.h"

#include "fmt.h"
#include "log.h"

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

void color_audit_log(const char *vm, uint32_t colors, uint64_t frames, uint64_t outside)
{
	char list[64];

	if (!colors)
		log_printf("VM %s: uncoloured (its memory spans every colour)\n", vm);
	else
		log_printf("VM %s: colours %s: %llu coloured frames mapped, %llu outside their "
		           "colours\n",
		           vm, color_list(colors, list, sizeof list), (unsigned long long)frames,
		           (unsigned long long)outside);
}
