/*
** The rule set as a picture: guidelines → rules → the parameters, definitions and fact
** paths each rule depends on (definitions → what they depend on in turn), so an editor
** sees what a change touches. Built from the checked syntax tree.
*/
#include <string.h>

#include "graph_impl.h"

typedef struct { const char *name; char *path; } scope_var;

typedef struct {
  Agraph_t *g;
  const ast_unit *u;
  VEC(scope_var) vars;         /* loop and quantifier variables in scope, innermost last */
  size_t base;                 /* vars below this are outside the definition being drawn */
  VEC(const ast_def *) defs_drawn;
} deps;

static void depend(deps *d, Agnode_t *from, const char *kind, const char *name, const char *label, const char *shape)
{
  buf id;
  buf_init(&id);
  buf_printf(&id, "%s:%s", kind, name);
  Agnode_t *n = agnode(d->g, id.data, 0);
  if (!n) {
    n = gr_node(d->g, id.data, label);
    agsafeset(n, "shape", (char *)shape, "");
  }
  if (!agedge(d->g, from, n, NULL, 0)) gr_edge(d->g, from, n);
  buf_free(&id);
}

/* Names resolve as the compiler resolves them: a variable in scope, a parameter, a
** definition, else a field of the case's root. */
static const scope_var *find_var(const deps *d, const char *name)
{
  for (size_t i = d->vars.len; i-- > d->base;)
    if (!strcmp(d->vars.items[i].name, name)) return &d->vars.items[i];
  return NULL;
}

/* The fact path an expression reads, "tiltak[].start", or false when it is not one. */
static bool fact_path(deps *d, const ast_expr *e, buf *out)
{
  if (e->kind == AST_NAME) {
    const scope_var *v = find_var(d, e->u.name.name);
    if (v) {
      buf_puts(out, v->path);
      return true;
    }
    if (e->u.name.kind != NAME_UNRESOLVED && e->u.name.kind != NAME_ROOTFIELD && e->u.name.kind != NAME_LOCAL) return false;
    buf_puts(out, e->u.name.name);
    return true;
  }
  if (e->kind == AST_FIELD && fact_path(d, e->u.field.base, out)) {
    buf_printf(out, ".%s", e->u.field.name);
    return true;
  }
  return false;
}

static void walk(deps *d, Agnode_t *from, const ast_expr *e);
static void unbind(deps *d);

static void draw_def(deps *d, const ast_def *def)
{
  for (size_t i = 0; i < d->defs_drawn.len; i++)
    if (d->defs_drawn.items[i] == def) return;
  vec_push(&d->defs_drawn, def);
  buf id;
  buf_init(&id);
  buf_printf(&id, "definisjon:%s", def->name);
  Agnode_t *n = agnode(d->g, id.data, 0);
  size_t saved = d->base, len = d->vars.len;
  d->base = d->vars.len;                                    /* a definition sees only its parameters */
  for (size_t i = 0; i < def->params.len; i++) {
    buf p;
    buf_init(&p);
    buf_printf(&p, "‹%s›", def->params.items[i]);
    scope_var v = { def->params.items[i], buf_take(&p) };
    vec_push(&d->vars, v);
  }
  walk(d, n, def->body);
  while (d->vars.len > len) unbind(d);
  d->base = saved;
  buf_free(&id);
}

static void bind(deps *d, const char *var, const ast_expr *coll)
{
  buf p;
  buf_init(&p);
  /* registrert(x) and other one-argument calls range over x */
  const ast_expr *c = coll->kind == AST_CALL && coll->u.call.args.len == 1 ? coll->u.call.args.items[0] : coll;
  if (!fact_path(d, c, &p)) buf_puts(&p, "…");
  buf_puts(&p, "[]");
  scope_var v = { var, buf_take(&p) };
  vec_push(&d->vars, v);
}

static void unbind(deps *d)
{
  free(d->vars.items[--d->vars.len].path);
}

static void walk(deps *d, Agnode_t *from, const ast_expr *e)
{
  if (!e) return;
  buf b;
  buf_init(&b);
  switch (e->kind) {
  case AST_NAME: {
    /* as semantic analysis resolved it */
    const ast_param *param = e->u.name.kind == NAME_PARAM ? e->u.name.param : NULL;
    const ast_def *def = e->u.name.kind == NAME_DEF ? e->u.name.def : NULL;
    if (param) {
      char *text = src_span(d->u->src, param->value->loc);
      buf_printf(&b, "parameter %s = %s", e->u.name.name, text);
      free(text);
      depend(d, from, "parameter", e->u.name.name, b.data, "cds");
    } else if (def) {
      buf_printf(&b, "definisjon %s", e->u.name.name);
      depend(d, from, "definisjon", e->u.name.name, b.data, "component");
      draw_def(d, def);
    } else if (!find_var(d, e->u.name.name) && fact_path(d, e, &b)) {
      depend(d, from, "fakta", b.data, b.data, "note");
    }
    break;
  }
  case AST_FIELD:
    if (fact_path(d, e, &b)) depend(d, from, "fakta", b.data, b.data, "note");
    else walk(d, from, e->u.field.base);
    break;
  case AST_CALL: {
    const ast_def *def = e->u.call.def;
    if (def) {
      buf_printf(&b, "definisjon %s(", e->u.call.name);
      for (size_t i = 0; i < def->params.len; i++) buf_printf(&b, "%s%s", i ? ", " : "", def->params.items[i]);
      buf_putc(&b, ')');
      depend(d, from, "definisjon", e->u.call.name, b.data, "component");
      draw_def(d, def);
    }
    for (size_t i = 0; i < e->u.call.args.len; i++) walk(d, from, e->u.call.args.items[i]);
    break;
  }
  case AST_NOT: case AST_NEG: walk(d, from, e->u.unary); break;
  case AST_BINARY: walk(d, from, e->u.bin.l); walk(d, from, e->u.bin.r); break;
  case AST_LIST: for (size_t i = 0; i < e->u.list.len; i++) walk(d, from, e->u.list.items[i]); break;
  case AST_QUANT:
    walk(d, from, e->u.quant.coll);
    bind(d, e->u.quant.var, e->u.quant.coll);
    walk(d, from, e->u.quant.filter);
    walk(d, from, e->u.quant.body);
    unbind(d);
    break;
  default:
    break;
  }
  buf_free(&b);
}

Agraph_t *graph_ruleset(const ast_unit *u, const bc_program *p)
{
  Agraph_t *g = gr_open("regelsett");
  deps d = { g, u, { 0 }, 0, { 0 } };
  static const char *const strength_word[] = { "krav", "bør", "kan" };
  buf b;
  buf_init(&b);
  buf_printf(&b, "Regelsett %s\n(sha256 %.12s…)", bc_str(p, p->name), p->sha256_hex);
  Agnode_t *root = gr_node(g, "regelsett", b.data);
  agsafeset(root, "shape", "folder", "");
  for (size_t i = 0; i < u->guidelines.len; i++) {
    const ast_guideline *gl = u->guidelines.items[i];
    buf_reset(&b);
    buf_printf(&b, "retningslinje:%s:%zu", gl->id, i);
    char *name = buf_take(&b);
    buf_printf(&b, "Retningslinje %s\n%s", gl->id, gl->title.s);
    Agnode_t *gn = gr_node(g, name, b.data);
    agsafeset(gn, "shape", "box", "");
    agsafeset(gn, "style", "bold", "");
    gr_edge(g, root, gn);
    walk(&d, gn, gl->cond);
    free(name);
    for (size_t k = 0; k < gl->rules.len; k++) {
      const ast_rule *r = gl->rules.items[k];
      buf_reset(&b);
      buf_printf(&b, "regel:%s:%zu", r->id, i);
      name = buf_take(&b);
      buf_printf(&b, "%s (%s)\n%s", r->id, strength_word[r->strength], r->title.s);
      Agnode_t *rn = gr_node(g, name, b.data);
      gr_strength_shape(rn, (uint32_t)r->strength);
      gr_edge(g, gn, rn);
      walk(&d, rn, r->coll);
      if (r->var) bind(&d, r->var, r->coll);
      walk(&d, rn, r->filter);
      walk(&d, rn, r->scope);
      walk(&d, rn, r->exception);
      walk(&d, rn, r->check);
      if (r->var) unbind(&d);
      free(name);
    }
  }
  gr_legend(g, false, true);
  vec_free(&d.vars);
  vec_free(&d.defs_drawn);
  buf_free(&b);
  return g;
}
