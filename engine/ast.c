/*
** AST construction helpers. Nodes live in the unit's arena; vectors hanging off
** declarations are heap-allocated and released by ast_unit_free.
*/
#include "ast.h"

#include <stdlib.h>
#include <string.h>

void ast_unit_init(ast_unit *u, srcset *src)
{
  memset(u, 0, sizeof *u);
  arena_init(&u->mem);
  u->src = src;
}


void ast_unit_free(ast_unit *u)
{
  for (size_t i = 0; i < u->guidelines.len; i++) {
    ast_guideline *g = u->guidelines.items[i];
    for (size_t j = 0; j < g->rules.len; j++) {
      ast_rule *r = g->rules.items[j];
      vec_free(&r->sources);
      vec_free(&r->aliases);
      vec_free(&r->docs);
      vec_free(&r->uses.params);
      vec_free(&r->uses.defs);
      vec_free(&r->uses.facts);
    }
    vec_free(&g->rules);
    vec_free(&g->uses.params);
    vec_free(&g->uses.defs);
    vec_free(&g->uses.facts);
  }
  for (size_t i = 0; i < u->defs.len; i++) {
    vec_free(&u->defs.items[i]->params);
    vec_free(&u->defs.items[i]->param_locs);
  }
  for (size_t i = 0; i < u->records.len; i++) {
    ast_record *r = u->records.items[i];
    vec_free(&r->fields);
  }
  for (size_t i = 0; i < u->typespecs.len; i++) {
    vec_free(&u->typespecs.items[i]->args);
    vec_free(&u->typespecs.items[i]->idargs);
  }
  vec_free(&u->typespecs);
  vec_free(&u->guidelines);
  vec_free(&u->params);
  vec_free(&u->defs);
  vec_free(&u->records);
  vec_free(&u->imports);
  arena_free(&u->mem);
}

ast_expr *ast_new(ast_unit *u, ast_kind kind, srcloc loc)
{
  ast_expr *e = arena_alloc(&u->mem, sizeof *e);
  e->kind = kind;
  e->loc = loc;
  return e;
}

ast_expr *ast_binary(ast_unit *u, ast_binop op, ast_expr *l, ast_expr *r, srcloc loc)
{
  ast_expr *e = ast_new(u, AST_BINARY, loc);
  e->u.bin.op = op;
  e->u.bin.l = l;
  e->u.bin.r = r;
  return e;
}

srcloc loc_join(srcloc a, srcloc b)
{
  srcloc r = a;
  r.end_line = b.end_line;
  r.end_col = b.end_col;
  r.end_off = b.end_off;
  return r;
}

void ast_list_push(ast_unit *u, ast_list *l, ast_expr *e)
{
  /* Arena-backed growth: lists are short (call arguments, list literals). */
  ast_expr **items = arena_alloc(&u->mem, (l->len + 1) * sizeof *items);
  if (l->len) memcpy(items, l->items, l->len * sizeof *items);
  items[l->len++] = e;
  l->items = items;
}
