#include "vconsole.h"

#include "log.h"
#include "vm.h"

static void vconsole_emit(struct vm *vm)
{
	log_line(vm->cfg->name, vm->console.line, vm->console.len);
	vm->console.len = 0;
}

void vconsole_putc(struct vm *vm, char c)
{
	struct vconsole *con = &vm->console;

	if (c == '\r')
		return;
	spin_lock(&con->lock);
	if (c == '\n')
		vconsole_emit(vm);
	else {
		con->line[con->len++] = c;
		if (con->len == VCONSOLE_LINE)
			vconsole_emit(vm);
	}
	spin_unlock(&con->lock);
}

void vconsole_flush(struct vm *vm)
{
	spin_lock(&vm->console.lock);
	if (vm->console.len)
		vconsole_emit(vm);
	spin_unlock(&vm->console.lock);
}
