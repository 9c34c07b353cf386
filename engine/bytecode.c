/*
** The program container: opcode metadata, strings, types.
*/
#include "bytecode.h"

#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "jsonw.h"

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
  free(p->same_id);
  p->same_id = NULL;
  for (size_t i = 0; i < p->strings.len; i++) free(p->strings.items[i]);
  vec_free(&p->strings);
  hindex_free(&p->string_index);
  for (size_t i = 0; i < p->consts.len; i++) vec_free(&p->consts.items[i].items);
  vec_free(&p->consts);
  for (size_t i = 0; i < p->types.len; i++) {
    vec_free(&p->types.items[i].values);
    vec_free(&p->types.items[i].labels);
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

struct intern_key { const bc_program *p; const char *s; size_t len; };

static bool intern_eq(const void *ctx, uint32_t i)
{
  const struct intern_key *k = ctx;
  const nstr *t = k->p->strings.items[i];
  return t->len == k->len && !memcmp(t->s, k->s, k->len);
}

uint32_t bc_intern(bc_program *p, const char *s, size_t len)
{
  /* strings are only ever appended: index those added since the last call */
  while (p->string_index.n < p->strings.len) {
    const nstr *t = p->strings.items[p->string_index.n];
    hindex_add(&p->string_index, hash_bytes(t->s, t->len), (uint32_t)p->string_index.n);
  }
  struct intern_key key = { p, s, len };
  uint32_t h = hash_bytes(s, len);
  uint32_t at = hindex_find(&p->string_index, h, intern_eq, &key);
  if (at != UINT32_MAX) return at;
  /* the string's place first, so that the index and the table agree if memory runs out */
  vec_push(&p->strings, NULL);
  p->strings.len--;
  nstr *t = xmalloc(sizeof *t + len + 1);
  t->len = (uint32_t)len;
  t->plain = jw_plain(s, len);
  memcpy(t->s, s, len);
  t->s[len] = 0;
  p->strings.items[p->strings.len++] = t;
  hindex_add(&p->string_index, h, (uint32_t)p->strings.len - 1);
  return (uint32_t)(p->strings.len - 1);
}

const char *bc_str(const bc_program *p, uint32_t id)
{
  return id < p->strings.len ? p->strings.items[id]->s : "";
}

const nstr *bc_nstr(const bc_program *p, uint32_t id)
{
  static const nstr empty = { 0, 1 };
  return id < p->strings.len ? p->strings.items[id] : &empty;
}

/* A list type's item type, down to the first type that is not a list (the verifier makes
** sure the chain ends; the bound keeps an unverified program from looping). */
static uint32_t item_type(const bc_program *p, uint32_t t)
{
  for (size_t k = 0; t < p->types.len && p->types.items[t].kind == TK_LIST && k <= p->types.len; k++)
    t = p->types.items[t].elem;
  return t;
}

bool bc_has_labels(const bc_program *p, uint32_t t)
{
  t = item_type(p, t);
  return t < p->types.len && p->types.items[t].kind == TK_TEXT && p->types.items[t].labels.len;
}

const char *bc_choice_label(const bc_program *p, uint32_t t, const char *s, size_t len)
{
  t = item_type(p, t);
  if (!bc_has_labels(p, t)) return NULL;
  const bc_type *ty = &p->types.items[t];
  for (size_t i = 0; i < ty->values.len && i < ty->labels.len; i++) {
    const nstr *v = p->strings.items[ty->values.items[i]];
    if (v->len == len && !memcmp(v->s, s, len)) return ty->labels.items[i] == BC_NONE ? NULL : bc_str(p, ty->labels.items[i]);
  }
  return NULL;
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

/* ---- what a rule decides with ---- */

static void logic_u32(buf *b, uint32_t v) { buf_put(b, &v, sizeof v); }

static void logic_str(buf *b, const bc_program *p, uint32_t id)
{
  const char *s = bc_str(p, id);
  logic_u32(b, (uint32_t)strlen(s));
  buf_puts(b, s);
}

static void logic_const(buf *b, const bc_program *p, uint32_t k)
{
  const bc_const *c = &p->consts.items[k];
  logic_u32(b, c->kind);
  switch (c->kind) {
  case K_NUM: buf_put(b, &c->num, sizeof c->num); break;
  case K_STR: case K_REGEX: logic_str(b, p, c->str); break;
  case K_DATE: logic_u32(b, (uint32_t)c->date); break;
  case K_DUR: logic_u32(b, (uint32_t)c->months); logic_u32(b, (uint32_t)c->days); break;
  case K_LIST:
    logic_u32(b, (uint32_t)c->items.len);
    for (size_t i = 0; i < c->items.len; i++) logic_const(b, p, c->items.items[i]);
    break;
  default: break;
  }
}

/* A block with every table reference replaced by what it refers to: constants by value,
** conditions by their text, so two programs compare however their tables are ordered. */
void bc_block_logic(const bc_program *p, uint32_t block, buf *b)
{
  if (block == BC_NONE) {
    logic_u32(b, BC_NONE);
    return;
  }
  const bc_block *k = &p->blocks.items[block];
  const uint8_t *code = p->code.items + k->start;
  logic_u32(b, k->len);
  for (uint32_t pc = 0; pc < k->len; pc += bc_ops[code[pc]].len) {
    uint8_t op = code[pc];
    buf_putc(b, (char)op);
    if (op == OP_CONST || op == OP_MATCH) logic_const(b, p, bc_u16(code + pc + 1));
    else if (op == OP_COND) logic_u32(b, p->conds.items[bc_u16(code + pc + 1)].flags);
    else buf_put(b, code + pc + 1, bc_ops[op].len - 1u);
  }
}

static void logic_schema(buf *b, const bc_program *p)
{
  logic_str(b, p, p->format);
  logic_u32(b, p->root);
  for (size_t i = 0; i < p->types.len; i++) {
    const bc_type *t = &p->types.items[i];
    logic_u32(b, t->kind); logic_u32(b, t->elem); logic_u32(b, t->rec); logic_u32(b, t->ref);
    for (size_t j = 0; j < t->values.len; j++) logic_str(b, p, t->values.items[j]);
    for (size_t j = 0; j < t->extra.len; j++) logic_str(b, p, t->extra.items[j]);
  }
  for (size_t i = 0; i < p->records.len; i++) {
    const bc_record *r = &p->records.items[i];
    logic_str(b, p, r->name);
    for (size_t j = 0; j < r->fields.len; j++) {
      logic_str(b, p, r->fields.items[j].name);
      logic_u32(b, r->fields.items[j].type);
      logic_u32(b, r->fields.items[j].required);
    }
  }
}

void bc_rule_logic(const bc_program *p, uint32_t rule, buf *out)
{
  const bc_rule *r = &p->rules.items[rule];
  const bc_guide *g = &p->guides.items[r->guide];
  logic_schema(out, p);
  logic_u32(out, (uint32_t)g->from); logic_u32(out, (uint32_t)g->to);
  bc_block_logic(p, g->cond, out);
  logic_u32(out, r->strength);
  logic_u32(out, (uint32_t)r->from); logic_u32(out, (uint32_t)r->to);
  logic_u32(out, r->var_local != BC_NONE);
  const uint32_t blocks[] = { r->coll, r->filter, r->scope, r->exception, r->check };
  for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) bc_block_logic(p, blocks[i], out);
  logic_u32(out, (uint32_t)r->docs.len);
  for (size_t i = 0; i < r->docs.len; i++) {
    logic_str(out, p, r->docs.items[i].type);
    logic_u32(out, r->docs.items[i].on_deviation);
    bc_block_logic(p, r->docs.items[i].check, out);
  }
  if (r->strength == ST_BOR) bc_block_logic(p, p->justified, out);
  logic_u32(out, (uint32_t)r->aliases.len);
  for (size_t i = 0; i < r->aliases.len; i++) logic_str(out, p, r->aliases.items[i]);
}
