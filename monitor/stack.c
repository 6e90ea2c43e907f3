/*
 * The monitor's C stack, with a guard page below it: the page is left
 * out of the monitor's own translation (monitor/ARCH/stack_arch.c). An
 * overflow is then a page fault taken by rt's vectors (on a stack of
 * their own), reported to the hypervisor as the monitor's fault, and the
 * VM's on-fault policy applies (restart, for a monitor). Lua's C-call
 * limit (monitor.mk) keeps every known recursion well above the guard:
 * the guard is for what nobody foresaw.
 *
 * The stack is painted at start, so vitrine.stack() can say how deep it
 * has ever been.
 */
#include "stack.h"

#include <stdint.h>
#include <string.h>

#include "field.h"
#include "lauxlib.h"
#include "stack_arch.h"

#define STACK_PAGE 4096u
#define STACK_PAINT 0x5a5a5a5a5a5a5a5aull

/* The guard page, then the stack: an overflow runs into the guard, never into other data. */
static uint8_t stack_area[STACK_PAGE + STACK_SIZE] __attribute__((aligned(STACK_PAGE)));

static uint64_t *stack_bottom(void)
{
	return (uint64_t *)(stack_area + STACK_PAGE);
}

void stack_run(void (*fn)(void))
{
	uint64_t *p = stack_bottom();

	for (size_t i = 0; i < STACK_SIZE / sizeof *p; i++)
		p[i] = STACK_PAINT;
	stack_arch_guard((uintptr_t)stack_area);
	stack_arch_jump(fn, stack_area + sizeof stack_area);
}

size_t stack_deepest(void)
{
	const uint64_t *p = stack_bottom();
	size_t i = 0;

	while (i < STACK_SIZE / sizeof *p && p[i] == STACK_PAINT)
		i++;
	return STACK_SIZE - i * sizeof *p;
}

/* vitrine.stack(): {size =, deepest =, guard = address of the unmapped page}. */
int stack_lua(lua_State *L)
{
	lua_createtable(L, 0, 3);
	field_int(L, "size", STACK_SIZE);
	field_int(L, "deepest", (lua_Integer)stack_deepest());
	field_int(L, "guard", (lua_Integer)(uintptr_t)stack_area);
	return 1;
}
