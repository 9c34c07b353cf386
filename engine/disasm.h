/*
** `norm disasm`: a readable listing of a verified program.
*/
#ifndef NORM_DISASM_H
#define NORM_DISASM_H

#include <stdio.h>

#include "bytecode.h"

void disasm_block(const bc_program *p, uint32_t block, FILE *out);
/* The whole program, or one rule when only_rule is not NULL. */
void disasm_program(const bc_program *p, const char *only_rule, FILE *out);

#endif
