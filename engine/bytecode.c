/*
** The program container: opcode metadata, strings, types.
*/
#include "bytecode.h"

#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define SHAPE_LEN_NONE 1
#define SHAPE_LEN_U16 3
#define SHAPE_LEN_JUMP 3
#define SHAPE_LEN_LOOP 3
#define SHAPE_LEN_NEXT 7
#define SHAPE_LEN_CALL 4

const op_info bc_ops[OP__COUNT] = {
#define OPCODE(name, shape, pop, push, doc) { #name, SHAPE_##shape, pop, push, doc, SHAPE_LEN_##shape },
#include "opcodes.h"
#undef OPCODE
};

void bc_init(bc_program *p)
{
  memset(p, 0, sizeof *p);
  p->justified = BC_NONE;
  p->format = p->name = BC_NONE;
  static const uint32_t builtin[TY__BUILTIN] = { TK_ERROR, TK_BOOL, TK_NUM, TK_TEXT, TK_DATE, TK_DUR, TK_ANY };
  for (int i = 0; i < TY__BUILTIN; i++) bc_type_new(p, builtin[i]);
}

void bc_free(bc_program *p)
{
  if (p->regex)
    for (size_t i = 0; i < p->consts.len; i++) pcre2_code_free(p->regex[i]);
  free(p->regex);
  p->regex = NULL;
  for (size_t i = 0; i < p->strings.len; i++) free(p->strings.items[i]);
  vec_free(&p->strings);
  for (size_t i = 0; i < p->consts.len; i++) vec_free(&p->consts.items[i].items);
  vec_free(&p->consts);
  for (size_t i = 0; i < p->types.len; i++) {
    vec_free(&p->types.items[i].values);
    vec_free(&p->types.items[i].extra);
  }
  vec_free(&p->types);
  for (size_t i = 0; i < p->records.len; i++) vec_free(&p->records.items[i].fields);
  vec_free(&p->records);
  vec_free(&p->conds);
  vec_free(&p->guides);
  for (size_t i = 0; i < p->rules.len; i++) {
    vec_free(&p->rules.items[i].sources);
    vec_free(&p->rules.items[i].aliases);
    vec_free(&p->rules.items[i].docs);
  }
  vec_free(&p->rules);
  vec_free(&p->blocks);
  vec_free(&p->lines);
  vec_free(&p->code);
}

uint32_t bc_intern(bc_program *p, const char *s, size_t len)
{
  for (size_t i = 0; i < p->strings.len; i++) {
    const nstr *t = p->strings.items[i];
    if (t->len == len && !memcmp(t->s, s, len)) return (uint32_t)i;
  }
  nstr *t = xmalloc(sizeof *t + len + 1);
  t->len = (uint32_t)len;
  memcpy(t->s, s, len);
  t->s[len] = 0;
  vec_push(&p->strings, t);
  return (uint32_t)(p->strings.len - 1);
}

const char *bc_str(const bc_program *p, uint32_t id)
{
  return id < p->strings.len ? p->strings.items[id]->s : "";
}

uint32_t bc_type_new(bc_program *p, uint32_t kind)
{
  bc_type t;
  memset(&t, 0, sizeof t);
  t.kind = kind;
  t.elem = t.rec = t.ref = BC_NONE;
  vec_push(&p->types, t);
  return (uint32_t)(p->types.len - 1);
}

uint32_t bc_list_of(bc_program *p, uint32_t elem)
{
  for (size_t i = 0; i < p->types.len; i++)
    if (p->types.items[i].kind == TK_LIST && p->types.items[i].elem == elem) return (uint32_t)i;
  uint32_t t = bc_type_new(p, TK_LIST);
  p->types.items[t].elem = elem;
  return t;
}

const char *bc_type_name(const bc_program *p, uint32_t t, buf *out)
{
  static const char *const names[] = { "feil", "sannhetsverdi", "tall", "tekst", "dato", "varighet", "ukjent" };
  if (t >= p->types.len) { buf_puts(out, "?"); return out->data; }
  const bc_type *ty = &p->types.items[t];
  switch (ty->kind) {
  case TK_LIST:
    buf_puts(out, "liste av ");
    bc_type_name(p, ty->elem, out);
    break;
  case TK_REC:
    buf_puts(out, bc_str(p, p->records.items[ty->rec].name));
    break;
  default:
    buf_puts(out, names[ty->kind]);
  }
  return out->data;
}

uint32_t bc_line_of(const bc_program *p, uint32_t pc)
{
  uint32_t line = 0;
  /* lines are sorted by pc; a binary search finds the last entry at or before pc */
  size_t lo = 0, hi = p->lines.len;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (p->lines.items[mid].pc <= pc) { line = p->lines.items[mid].line; lo = mid + 1; }
    else hi = mid;
  }
  return line;
}
