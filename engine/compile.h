/*
** The compiler: from a parsed, complete ast_unit to a bc_program (not yet serialized).
** Type-checks as it generates (definitions are inlined, typed at each call site).
** Diagnostics go to the unit's srcset; the program is valid only when it returns true.
*/
#ifndef NORM_COMPILE_H
#define NORM_COMPILE_H

#include "ast.h"
#include "bytecode.h"

bool cg_program(ast_unit *u, bc_program *p, const char *default_name);

#endif
