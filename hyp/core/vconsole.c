#include "vconsole.h"

#include "log.h"
#include "vm.h"

void vconsole_flush(struct vcpu *v)
{
	if (v->console.len)
		log_line(v->vm->id, v->console.line, v->console.len);
	v->console.len = 0;
}

/*
 * A full buffer goes out when the next byte comes, so that a CR LF line end
 * is seen whole: its CR is dropped, and any other CR stays in the line (the
 * console shows it, log.c, instead of letting it return to the line's start).
 */
void vconsole_putc(struct vcpu *v, char c)
{
	struct vconsole *con = &v->console;

	if (c == '\n') {
		if (con->len && con->line[con->len - 1] == '\r')
			con->len--;
		vconsole_flush(v);
		return;
	}
	if (con->len == VCONSOLE_LINE)
		vconsole_flush(v);
	con->line[con->len++] = c;
}
