/*
** Built-in functions of the rule language, in one table: name, arity, argument and
** result types, the C function, and a line of documentation for editors. The compiler
** resolves calls against it; the VM calls through it by index (OP_CALL).
** Special forms that are not functions (skrevet, mangler, samsvarer, registrert) are compiled to
** their own opcodes and listed here only for documentation and name lookup.
*/
#ifndef NORM_BUILTINS_H
#define NORM_BUILTINS_H

#include "../engine/value.h"

struct vm;
typedef value (*std_fn)(struct vm *vm, const value *args);

#define STD_ANY_LIST 0xFFFF0001u   /* argument type: any list */
#define STD_ANY      0xFFFF0002u   /* argument type: anything */
#define STD_SPECIAL_WRITTEN 1
#define STD_SPECIAL_MISSING 2
#define STD_SPECIAL_MATCH 3
#define STD_SPECIAL_OR_EMPTY 4

typedef struct {
  const char *name;
  uint8_t argc;
  uint32_t args[3];
  uint32_t ret;
  std_fn fn;                 /* NULL for special forms */
  int special;
  const char *doc;
} std_builtin;

extern const std_builtin std_builtins[];
extern const size_t std_nbuiltins;

int std_lookup(const char *name);

#endif
