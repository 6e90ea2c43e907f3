#include "vconsole.h"

#include "log.h"
#include "vm.h"

void vconsole_flush(struct vcpu *v)
{
	if (v->console.len)
		log_line(v->vm->id, v->console.line, v->console.len);
	v->console.len = 0;
}

void vconsole_putc(struct vcpu *v, char c)
{
	struct vconsole *con = &v->console;

	if (c == '\r')
		return;
	if (c != '\n')
		con->line[con->len++] = c;
	if (c == '\n' || con->len == VCONSOLE_LINE)
		vconsole_flush(v);
}
