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
    vec_free(&u->typespecs.items[i]->arg_labels);
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

/* The parts of e, for walks that must not recurse (ast_check_depth). */
static size_t children(const ast_expr *e, const ast_expr **out)
{
  size_t n = 0;
  switch (e->kind) {
  case AST_FIELD: out[n++] = e->u.field.base; break;
  case AST_CALL: for (size_t i = 0; i < e->u.call.args.len && n < 64; i++) out[n++] = e->u.call.args.items[i]; break;
  case AST_NOT: case AST_NEG: out[n++] = e->u.unary; break;
  case AST_BINARY: out[n++] = e->u.bin.l; out[n++] = e->u.bin.r; break;
  case AST_QUANT: out[n++] = e->u.quant.coll; out[n++] = e->u.quant.filter; out[n++] = e->u.quant.body; break;
  case AST_LIST: for (size_t i = 0; i < e->u.list.len && n < 64; i++) out[n++] = e->u.list.items[i]; break;
  default: break;
  }
  return n;
}

typedef struct { const ast_expr *e; size_t d; } depth_item;
typedef VEC(depth_item) item_stack;
static void free_item_stack(void *s) { vec_free((item_stack *)s); }

/* Depth of e, walked with an explicit stack; stops counting past limit. */
static size_t depth_of(const ast_expr *root, size_t limit, const ast_expr **deepest)
{
  item_stack stack = { 0 };
  oom_cleanup hold;
  oom_push(&hold, free_item_stack, &stack);
  depth_item first = { root, 1 };
  vec_push(&stack, first);
  size_t max = 0;
  while (stack.len) {
    depth_item it = stack.items[--stack.len];
    if (!it.e) continue;
    if (it.d > max) {
      max = it.d;
      *deepest = it.e;
    }
    if (max > limit) break;
    const ast_expr *kids[64];
    size_t n = children(it.e, kids);
    /* a long list or call is wide, not deep; its items are still checked */
    if (it.e->kind == AST_LIST || it.e->kind == AST_CALL) {
      const ast_list *l = it.e->kind == AST_LIST ? &it.e->u.list : &it.e->u.call.args;
      for (size_t i = 64; i < l->len; i++) {
        depth_item more = { l->items[i], it.d + 1 };
        vec_push(&stack, more);
      }
    }
    for (size_t i = 0; i < n; i++) {
      depth_item next = { kids[i], it.d + 1 };
      vec_push(&stack, next);
    }
  }
  oom_pop(&hold);
  vec_free(&stack);
  return max;
}

static bool depth_ok(const ast_unit *u, const ast_expr *e, const char *what)
{
  if (!e) return true;
  const ast_expr *deepest = e;
  if (depth_of(e, AST_MAX_DEPTH, &deepest) <= AST_MAX_DEPTH) return true;
  diag_at(u->src, DIAG_ERROR, e->loc, "%s er nøstet i mer enn %d nivåer (for eksempel svært mange «og» etter hverandre); "
          "del det opp med definisjoner", what, AST_MAX_DEPTH);
  return false;
}

bool ast_check_depth(const ast_unit *u)
{
  bool ok = true;
  for (size_t i = 0; i < u->params.len; i++) ok = depth_ok(u, u->params.items[i]->value, "parameteren") && ok;
  for (size_t i = 0; i < u->defs.len; i++) ok = depth_ok(u, u->defs.items[i]->body, "definisjonen") && ok;
  for (size_t g = 0; g < u->guidelines.len; g++) {
    const ast_guideline *gl = u->guidelines.items[g];
    ok = depth_ok(u, gl->cond, "vilkåret") && ok;
    for (size_t i = 0; i < gl->rules.len; i++) {
      const ast_rule *r = gl->rules.items[i];
      const ast_expr *parts[] = { r->coll, r->filter, r->scope, r->exception, r->check };
      for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) ok = depth_ok(u, parts[k], "uttrykket") && ok;
    }
  }
  return ok;
}
