/*
** The bytecode verifier: nothing runs until it has checked every table index, every
** instruction, every jump, the stack depth on every path, that every loop can only
** walk a list forward, and that every regular expression compiles under the limits;
** then the types on every path (abstract interpretation over the schema's types): no
** instruction gets a value of a type it cannot take, no field index lies beyond its
** record, and no iterator is read before this run started it. Together with the VM
** clearing what a run did not set, nothing from one case can reach another.
*/
#ifndef NORM_VERIFY_H
#define NORM_VERIFY_H

#include "bytecode.h"

#define NORM_RE_MAX_PATTERN 4096u
#define NORM_RE_MATCH_LIMIT 100000u
#define NORM_RE_DEPTH_LIMIT 5000u
#define NORM_RE_HEAP_LIMIT_KIB 16384u

/* Checks p; compiles its regexes into p->regex. False with a reason in *why (caller frees). */
bool bc_verify(bc_program *p, char **why);

#endif
