#include "vconsole.h"

#include "log.h"
#include "vm.h"

void vconsole_end(struct vconsole *con, uint32_t vm)
{
	if (con->len)
		log_line(vm, con->line, con->len);
	con->len = 0;
}

/*
 * A full buffer goes out when the next byte comes, so that a CR LF line end
 * is seen whole: its CR is dropped, and any other CR stays in the line (the
 * console shows it, log.c, instead of letting it return to the line's start).
 */
void vconsole_put(struct vconsole *con, uint32_t vm, char c)
{
	if (c == '\n') {
		if (con->len && con->line[con->len - 1] == '\r')
			con->len--;
		vconsole_end(con, vm);
		return;
	}
	if (con->len == VCONSOLE_LINE)
		vconsole_end(con, vm);
	con->line[con->len++] = c;
}

void vconsole_putc(struct vcpu *v, char c)
{
	vconsole_put(&v->console, v->vm->id, c);
}

void vconsole_flush(struct vcpu *v)
{
	vconsole_end(&v->console, v->vm->id);
}
