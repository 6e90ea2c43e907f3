/* The Lua table `vitrine`: poweroff(), now(), freq(), stack(). */
#ifndef VITRINE_VIEW_H
#define VITRINE_VIEW_H

#include "lua.h"

void vitrine_view_open(lua_State *L);

#endif
