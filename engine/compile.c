/*
** Code generator for norm: one function per node kind, each emitting code that leaves
** exactly one value on the stack. Kleene og/eller short-circuit only on a definite
** value; quantifiers are iterator loops whose only backward jump is OP_LOOP.
*/
#include "compile.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "grammar/lexer.h"
#include "sema.h"
#include "words.h"
#include "stdlib/builtins.h"

typedef struct {
  const char *name;
  uint32_t slot;
  uint32_t type;
  ast_expr *subst;           /* a literal argument substituted for a definition parameter */
} cg_var;

/* Names in a hash index, so that checking and finding them costs O(1) per name. */
typedef struct {
  const char *name;
  uint32_t next;             /* the next entry with the same name, or UINT32_MAX */
  uint32_t guide, rule;      /* where: guideline and rule (for a parameter or definition,
                                guide is its index) */
} name_entry;

typedef struct {
  VEC(name_entry) e;
  hindex index;              /* the first entry of each name */
} name_table;

static bool name_eq(const void *ctx, uint32_t i)
{
  const void *const *k = ctx;
  const name_table *t = k[0];
  return !strcmp(t->e.items[i].name, k[1]);
}

static uint32_t names_find(const name_table *t, const char *name)
{
  const void *key[2] = { t, name };
  return hindex_find(&t->index, hash_bytes(name, strlen(name)), name_eq, key);
}

/* Adds name (after any entries with the same name); returns the first entry with it, or
** UINT32_MAX when it is new. */
static uint32_t names_add(name_table *t, const char *name, uint32_t guide, uint32_t rule)
{
  uint32_t first = names_find(t, name), at = (uint32_t)t->e.len;
  name_entry e = { name, UINT32_MAX, guide, rule };
  vec_push(&t->e, e);
  if (first == UINT32_MAX) {
    hindex_add(&t->index, hash_bytes(name, strlen(name)), at);
  } else {
    uint32_t k = first;
    while (t->e.items[k].next != UINT32_MAX) k = t->e.items[k].next;
    t->e.items[k].next = at;
  }
  return first;
}

static void names_free(name_table *t)
{
  vec_free(&t->e);
  hindex_free(&t->index);
}

typedef struct {
  ast_unit *u;
  srcset *src;
  bc_program *p;
  VEC(cg_var) scope;
  size_t barrier;            /* lookups stop here: a definition body sees only its parameters */
  uint32_t next_local, max_local, next_iter, max_iter;
  VEC(ast_def *) inlining;   /* definitions being inlined, to refuse recursion */
  VEC(ast_param *) evaluating;
  ast_uses *uses;            /* the rule or guideline being compiled records what it reaches */
  VEC(uint32_t) pending;     /* conditions compiled whose enclosing condition is not yet known */
  name_table params, defs;   /* the unit's parameters and definitions by name */
  hindex cond_index;         /* the condition table by (text, file, line, col, flags) */
  bool too_big;              /* inlining hit CG_MAX_CODE or CG_MAX_INLINE_DEPTH: stop compiling */
  char **rec_paths;          /* per record: its path from the root ("tiltak[]"), made on first use */
  uint32_t line_file;        /* only this file's lines go into the line table */
  uint32_t last_line;
  bool ok;
  /* Working space the compiler owns, so that nothing leaks if memory runs out (util.h):
  ** a condition's words, a fact's path, and texts for messages about errors (kept until
  ** the end: there are few). */
  buf words, words_false, path;
  VEC(buf *) tmps;
} cg;

/* A buffer for the text of an error message, freed with the compiler. */
static buf *cg_tmp(cg *c)
{
  vec_push(&c->tmps, NULL);                  /* its place first: a buffer made is in the list */
  buf *b = xcalloc(1, sizeof *b);
  c->tmps.items[c->tmps.len - 1] = b;
  return b;
}

/* src_span, interned (the copy is let go also if memory runs out). */
static uint32_t intern_span(cg *c, srcloc loc)
{
  char *t = src_span(c->src, loc);
  oom_cleanup hold;
  oom_hold_mem(&hold, t);
  uint32_t s = bc_intern(c->p, t, strlen(t));
  oom_pop(&hold);
  free(t);
  return s;
}

#define CG_MAX_INLINE_DEPTH 200
#define CG_MAX_CODE (8 << 20)

static uint32_t cg_expr(cg *c, ast_expr *e);
static void use_fact(cg *c, uint32_t rec, uint32_t f);

static void error(cg *c, srcloc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void error(cg *c, srcloc loc, const char *fmt, ...)
{
  buf *b = cg_tmp(c);
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(b, fmt, ap);
  va_end(ap);
  diag_at(c->src, DIAG_ERROR, loc, "%s", b->data);
  c->ok = false;
}

static const char *type_name(cg *c, uint32_t t, buf *b)
{
  buf_reset(b);
  return bc_type_name(c->p, t, b);
}

/* ---- emitting ---- */

static void emit_byte(cg *c, uint8_t b) { vec_push(&c->p->code, b); }
static void emit_u16raw(cg *c, uint32_t v) { emit_byte(c, (uint8_t)(v & 0xFF)); emit_byte(c, (uint8_t)(v >> 8)); }

static void emit_op(cg *c, opcode op, srcloc loc)
{
  if (loc.file == c->line_file && loc.line && loc.line != c->last_line) {
    bc_line l = { (uint32_t)c->p->code.len, loc.line };
    vec_push(&c->p->lines, l);
    c->last_line = loc.line;
  }
  emit_byte(c, (uint8_t)op);
}

static void emit_u16(cg *c, opcode op, uint32_t a, srcloc loc)
{
  if (a > 0xFFFF) {
    error(c, loc, "regelsettet er for stort (mer enn 65535 konstanter, felt eller variabler)");
    a = 0;
  }
  emit_op(c, op, loc);
  emit_u16raw(c, a);
}

static size_t emit_jump(cg *c, opcode op, srcloc loc)
{
  emit_op(c, op, loc);
  size_t at = c->p->code.len;
  emit_u16raw(c, 0);
  return at;
}

static void patch_jump(cg *c, size_t at, srcloc loc)
{
  size_t off = c->p->code.len - (at + 2);
  if (off > 0xFFFF) {
    error(c, loc, "uttrykket er for stort til å oversettes (hopp over 65535 byte)");
    off = 0;
  }
  c->p->code.items[at] = (uint8_t)(off & 0xFF);
  c->p->code.items[at + 1] = (uint8_t)(off >> 8);
}

/* ---- constants ---- */

static uint32_t add_const(cg *c, bc_const k)
{
  for (size_t i = 0; i < c->p->consts.len; i++) {
    bc_const *o = &c->p->consts.items[i];
    if (o->kind != k.kind || o->items.len || k.items.len) continue;
    if ((k.kind == K_NUM && o->num == k.num) || ((k.kind == K_STR || k.kind == K_REGEX) && o->str == k.str) ||
        (k.kind == K_DATE && o->date == k.date) ||
        (k.kind == K_DUR && o->months == k.months && o->days == k.days))
      return (uint32_t)i;
  }
  vec_push(&c->p->consts, k);
  return (uint32_t)(c->p->consts.len - 1);
}

static bc_const literal_const(cg *c, const ast_expr *e)
{
  bc_const k;
  memset(&k, 0, sizeof k);
  switch (e->kind) {
  case AST_NUM: k.kind = K_NUM; k.num = e->u.num; break;
  case AST_STR: k.kind = K_STR; k.str = bc_intern(c->p, e->u.str.s, e->u.str.len); break;
  case AST_DATE: k.kind = K_DATE; k.date = e->u.date; break;
  case AST_DUR: k.kind = K_DUR; k.months = e->u.dur.months; k.days = e->u.dur.days; break;
  default: break;
  }
  return k;
}

static cond_kind kind_of_cond(const ast_expr *e)
{
  switch (e->kind) {
  case AST_BINARY: return e->u.bin.op == BIN_AND ? CK_AND : e->u.bin.op == BIN_OR ? CK_OR : CK_LEAF;
  case AST_NOT: return CK_NOT;
  case AST_QUANT: return e->u.quant.q == Q_ALL ? CK_ALL : CK_EXISTS;
  case AST_CALL: return e->u.call.def ? CK_DEF : CK_LEAF;
  case AST_NAME: return e->u.name.kind == NAME_DEF ? CK_DEF : CK_LEAF;
  default: return CK_LEAF;
  }
}

struct cond_key { const bc_program *p; uint32_t k[5]; };

static bool cond_eq(const void *ctx, uint32_t i)
{
  const struct cond_key *key = ctx;
  const bc_cond *k = &key->p->conds.items[i];
  return k->text == key->k[0] && k->file == key->k[1] && k->line == key->k[2] && k->col == key->k[3] && k->flags == key->k[4];
}

/* The condition table entry for e (one per place in the source and inlining state), made
** with its kind and its words (words.h) the first time. */
static uint32_t cond_for(cg *c, const ast_expr *e)
{
  srcloc loc = e->loc;
  uint32_t s = intern_span(c, loc);
  const char *fname = src_key(c->src, loc.file);
  uint32_t f = bc_intern(c->p, fname, strlen(fname));
  uint32_t flags = c->inlining.len ? COND_INLINED : 0;
  struct cond_key key = { c->p, { s, f, loc.line, loc.col, flags } };
  uint32_t h = hash_bytes(key.k, sizeof key.k);
  uint32_t at = hindex_find(&c->cond_index, h, cond_eq, &key);
  if (at != UINT32_MAX) return at;
  hindex_add(&c->cond_index, h, (uint32_t)c->p->conds.len);
  buf *w = &c->words, *wf = &c->words_false;
  buf_reset(w);
  buf_reset(wf);
  words_cond(c->p, e, true, w);
  words_cond(c->p, e, false, wf);
  bc_cond k = { s, f, loc.line, loc.col, flags, BC_NONE, (uint32_t)kind_of_cond(e),
                bc_intern(c->p, w->data ? w->data : "", w->len), bc_intern(c->p, wf->data ? wf->data : "", wf->len) };
  vec_push(&c->p->conds, k);
  return (uint32_t)(c->p->conds.len - 1);
}

/* Records e's value in the trace; the conditions compiled inside e since `mark` are its
** parts. Returns e's condition. */
static uint32_t emit_cond(cg *c, const ast_expr *e, size_t mark)
{
  uint32_t k = cond_for(c, e);
  emit_u16(c, OP_COND, k, e->loc);
  for (size_t i = mark; i < c->pending.len; i++)
    if (c->pending.items[i] != k) c->p->conds.items[c->pending.items[i]].parent = k;
  c->pending.len = mark;
  vec_push(&c->pending, k);
  return k;
}

/* ---- locals ---- */

static uint32_t new_local(cg *c)
{
  uint32_t s = c->next_local++;
  if (c->next_local > c->max_local) c->max_local = c->next_local;
  return s;
}

static void push_var(cg *c, const char *name, uint32_t slot, uint32_t type, ast_expr *subst)
{
  cg_var v = { name, slot, type, subst };
  vec_push(&c->scope, v);
}

static const cg_var *lookup_var(cg *c, const char *name)
{
  for (size_t i = c->scope.len; i > c->barrier; i--)
    if (!strcmp(c->scope.items[i - 1].name, name)) return &c->scope.items[i - 1];
  return NULL;
}

static ast_param *find_param(cg *c, const char *name)
{
  uint32_t k = names_find(&c->params, name);
  return k == UINT32_MAX ? NULL : c->u->params.items[c->params.e.items[k].guide];
}

static ast_def *find_def(cg *c, const char *name)
{
  uint32_t k = names_find(&c->defs, name);
  return k == UINT32_MAX ? NULL : c->u->defs.items[c->defs.e.items[k].guide];
}

/* ---- names ---- */

static void unknown_name(cg *c, ast_expr *e)
{
  const char *name = e->u.name.name;
  const char *cands[256];
  size_t n = 0;
  for (size_t i = c->scope.len; i > c->barrier && n < 256; i--) cands[n++] = c->scope.items[i - 1].name;
  for (size_t i = 0; i < c->u->params.len && n < 256; i++) cands[n++] = c->u->params.items[i]->name;
  for (size_t i = 0; i < c->u->defs.len && n < 256; i++) cands[n++] = c->u->defs.items[i]->name;
  const bc_record *root = &c->p->records.items[c->p->root];
  for (size_t i = 0; i < root->fields.len && n < 256; i++) cands[n++] = bc_str(c->p, root->fields.items[i].name);
  buf *b = cg_tmp(c);
  buf_printf(b, "ukjent navn «%s»", name);
  if (!sema_suggest_native(b, name, strlen(name))) sema_suggest(b, name, cands, n);
  if (b->len == strlen(name) + strlen("ukjent navn «»"))
    buf_puts(b, ": ikke en variabel, parameter, definisjon eller et felt i saksmappen");
  error(c, e->loc, "%s", b->data);
}

/* Semantic analysis: the parameter is used, and the rule or guideline being compiled reaches it. */
static void use_param(cg *c, ast_param *p)
{
  p->used = true;
  if (!c->uses) return;
  for (size_t i = 0; i < c->uses->params.len; i++)
    if (c->uses->params.items[i] == p) return;
  vec_push(&c->uses->params, p);
}

static uint32_t cg_param(cg *c, ast_param *p, srcloc at)
{
  for (size_t i = 0; i < c->evaluating.len; i++)
    if (c->evaluating.items[i] == p) {
      error(c, at, "parameteren «%s» er definert ved hjelp av seg selv", p->name);
      emit_op(c, OP_UNKNOWN, at);
      return TY_ERROR;
    }
  use_param(c, p);
  vec_push(&c->evaluating, p);
  size_t saved_barrier = c->barrier;
  c->barrier = c->scope.len;             /* a parameter sees no variables */
  uint32_t t = cg_expr(c, p->value);
  c->barrier = saved_barrier;
  c->evaluating.len--;
  return t;
}

static uint32_t cg_inline(cg *c, ast_def *d, ast_list *args, srcloc at);

static uint32_t cg_name(cg *c, ast_expr *e)
{
  const char *name = e->u.name.name;
  const cg_var *v = lookup_var(c, name);
  if (v) {
    e->u.name.kind = NAME_LOCAL;
    if (v->subst) {
      ast_expr *s = v->subst;
      /* Compile the literal where it was written, so diagnostics point at the caller. */
      return cg_expr(c, s);
    }
    emit_u16(c, OP_LOCAL, v->slot, e->loc);
    return v->type;
  }
  if (!strcmp(name, "vurderingsdato")) {
    e->u.name.kind = NAME_TODAY;
    emit_op(c, OP_TODAY, e->loc);
    return TY_DATE;
  }
  ast_param *p = find_param(c, name);
  if (p) {
    e->u.name.kind = NAME_PARAM;
    e->u.name.param = p;
    return cg_param(c, p, e->loc);
  }
  ast_def *d = find_def(c, name);
  if (d) {
    e->u.name.kind = NAME_DEF;
    e->u.name.def = d;
    if (d->params.len) {
      error(c, e->loc, "definisjonen «%s» tar %zu argument; skriv %s(…)", name, d->params.len, name);
      emit_op(c, OP_UNKNOWN, e->loc);
      return TY_ERROR;
    }
    ast_list none = { NULL, 0 };
    return cg_inline(c, d, &none, e->loc);
  }
  uint32_t f = sema_field(c->p, c->p->root, name);
  if (f != BC_NONE) {
    e->u.name.kind = NAME_ROOTFIELD;
    e->u.name.slot = f;
    use_fact(c, c->p->root, f);
    emit_op(c, OP_ROOT, e->loc);
    emit_u16(c, OP_FIELD, f, e->loc);
    return c->p->records.items[c->p->root].fields.items[f].type;
  }
  unknown_name(c, e);
  emit_op(c, OP_UNKNOWN, e->loc);
  return TY_ERROR;
}

/* The path of each record type from the case's root, "" for the root, "tiltak[]",
** "tiltak[].samtykker[]": the first way the schema reaches it. */
static void make_rec_paths(cg *c)
{
  size_t n = c->p->records.len;
  c->rec_paths = xcalloc(n + 1, sizeof *c->rec_paths);
  if (c->p->root >= n) return;
  c->rec_paths[c->p->root] = xstrdup("");
  uint32_t *queue = xcalloc(n + 1, sizeof *queue);
  oom_cleanup hold;
  oom_hold_mem(&hold, queue);
  size_t head = 0, tail = 0;
  queue[tail++] = c->p->root;
  while (head < tail) {
    uint32_t r = queue[head++];
    const bc_record *rd = &c->p->records.items[r];
    for (size_t i = 0; i < rd->fields.len; i++) {
      const bc_type *t = &c->p->types.items[rd->fields.items[i].type];
      bool list = t->kind == TK_LIST;
      if (list) t = &c->p->types.items[t->elem];
      if (t->kind != TK_REC || c->rec_paths[t->rec]) continue;
      buf *b = &c->path;
      buf_reset(b);
      buf_printf(b, "%s%s%s%s", c->rec_paths[r], *c->rec_paths[r] ? "." : "", bc_str(c->p, rd->fields.items[i].name), list ? "[]" : "");
      c->rec_paths[t->rec] = xstrdup(b->data);
      queue[tail++] = t->rec;
    }
  }
  oom_pop(&hold);
  free(queue);
}

/* Semantic analysis: the rule or guideline being compiled reads field f of record rec. */
static void use_fact(cg *c, uint32_t rec, uint32_t f)
{
  if (!c->uses) return;
  if (!c->rec_paths) make_rec_paths(c);
  const char *prefix = c->rec_paths[rec] ? c->rec_paths[rec] : "…";
  buf *b = &c->path;
  buf_reset(b);
  buf_printf(b, "%s%s%s", prefix, *prefix ? "." : "", bc_str(c->p, c->p->records.items[rec].fields.items[f].name));
  for (size_t i = 0; i < c->uses->facts.len; i++)
    if (!strcmp(c->uses->facts.items[i], b->data)) return;
  vec_push(&c->uses->facts, arena_strdup(&c->u->mem, b->data));
}

static uint32_t cg_field(cg *c, ast_expr *e)
{
  uint32_t bt = cg_expr(c, e->u.field.base);
  if (bt == TY_ERROR) return TY_ERROR;
  if (bt == TY_ANY) {            /* a parameter of an unused definition: checked for names only */
    emit_op(c, OP_POP, e->loc);
    emit_op(c, OP_UNKNOWN, e->loc);
    return TY_ANY;
  }
  const bc_type *t = &c->p->types.items[bt];
  if (t->kind != TK_REC) {
    if (t->kind == TK_LIST) {
      char *span = src_span(c->src, e->u.field.base->loc);
      oom_cleanup hold;
      oom_hold_mem(&hold, span);
      error(c, e->loc, "«%s» er en liste; bruk «finnes», «alle» eller «for hvert» for å se på elementene", span);
      oom_pop(&hold);
      free(span);
    } else
      error(c, e->loc, "«.%s»: verdien foran punktumet er %s, ikke en post med felt", e->u.field.name, type_name(c, bt, cg_tmp(c)));
    return TY_ERROR;
  }
  uint32_t f = sema_field(c->p, t->rec, e->u.field.name);
  if (f == BC_NONE) {
    buf *b = cg_tmp(c);
    const char *rname = bc_str(c->p, c->p->records.items[t->rec].name);
    buf_printf(b, "ukjent faktasti: posten «%s» har ikke feltet «%s»", rname, e->u.field.name);
    sema_suggest_field(b, c->p, t->rec, e->u.field.name);
    error(c, e->loc, "%s", b->data);
    return TY_ERROR;
  }
  e->u.field.field = f;
  use_fact(c, t->rec, f);
  emit_u16(c, OP_FIELD, f, e->loc);
  return c->p->records.items[t->rec].fields.items[f].type;
}

/* ---- calls ---- */

static const ast_expr *constant_string(cg *c, ast_expr *e)
{
  if (e->kind == AST_STR) return e;
  if (e->kind == AST_NAME && !lookup_var(c, e->u.name.name)) {
    ast_param *p = find_param(c, e->u.name.name);
    if (p && p->value->kind == AST_STR) {
      e->u.name.kind = NAME_PARAM;
      e->u.name.param = p;
      use_param(c, p);
      return p->value;
    }
  }
  if (e->kind == AST_NAME) {
    const cg_var *v = lookup_var(c, e->u.name.name);
    if (v && v->subst && v->subst->kind == AST_STR) return v->subst;
  }
  return NULL;
}

/* What is wrong with a pattern, in Norwegian: PCRE2's own messages are in English. The
** common mistakes are named; the rest by PCRE2's number (its documentation lists them). */
static const char *regex_problem(int code, char *tmp, size_t n)
{
  switch (code) {
  case PCRE2_ERROR_END_BACKSLASH: return "mønsteret slutter med \\ (skriv \\\\ for en bakstrek)";
  case PCRE2_ERROR_QUANTIFIER_OUT_OF_ORDER: return "tallene i {…} står i feil rekkefølge";
  case PCRE2_ERROR_QUANTIFIER_TOO_BIG: return "tallet i {…} er for stort";
  case PCRE2_ERROR_MISSING_SQUARE_BRACKET: return "[ uten avsluttende ]";
  case PCRE2_ERROR_CLASS_RANGE_ORDER: case PCRE2_ERROR_CLASS_INVALID_RANGE: return "et tegnområde i […] går baklengs eller er ugyldig";
  case PCRE2_ERROR_QUANTIFIER_INVALID: return "*, + eller ? står der det ikke er noe å gjenta";
  case PCRE2_ERROR_INVALID_AFTER_PARENS_QUERY: return "ukjent konstruksjon etter (?";
  case PCRE2_ERROR_MISSING_CLOSING_PARENTHESIS: return "( uten avsluttende )";
  case PCRE2_ERROR_UNMATCHED_CLOSING_PARENTHESIS: return ") uten ( foran";
  case PCRE2_ERROR_MISSING_COMMENT_CLOSING: return "(?# uten avsluttende )";
  case PCRE2_ERROR_PARENTHESES_NEST_TOO_DEEP: return "parentesene er nøstet for dypt";
  case PCRE2_ERROR_PATTERN_TOO_LARGE: case PCRE2_ERROR_PATTERN_TOO_COMPLICATED: return "mønsteret er for stort eller sammensatt";
  default:
    if (code < 0) return "mønsteret er ikke gyldig UTF-8";
    snprintf(tmp, n, "mønsteret kan ikke brukes (PCRE2-feil %d)", code);
    return tmp;
  }
}

static uint32_t cg_match(cg *c, ast_expr *e)
{
  ast_expr **a = e->u.call.args.items;
  uint32_t t = cg_expr(c, a[0]);
  if (!sema_assignable(c->p, TY_TEXT, t))
    error(c, a[0]->loc, "samsvarer(…) leter i en tekst; første argument er ikke tekst");
  const ast_expr *pat = constant_string(c, a[1]);
  if (!pat) {
    error(c, a[1]->loc, "mønsteret i samsvarer(…) må være en fast tekst i anførselstegn (eller en parameter med en slik tekst)");
    return TY_BOOL;
  }
  int code;
  PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat->u.str.s, pat->u.str.len, PCRE2_UTF | PCRE2_UCP, &code, &off, NULL);
  if (!re) {
    char tmp[64];
    error(c, pat->loc, "ugyldig regulært uttrykk ved tegn %zu: %s", (size_t)off, regex_problem(code, tmp, sizeof tmp));
    return TY_BOOL;
  }
  pcre2_code_free(re);
  bc_const k;
  memset(&k, 0, sizeof k);
  k.kind = K_REGEX;
  k.str = bc_intern(c->p, pat->u.str.s, pat->u.str.len);
  emit_u16(c, OP_MATCH, add_const(c, k), e->loc);
  return TY_BOOL;
}

static uint32_t cg_builtin(cg *c, ast_expr *e, int bi)
{
  const std_builtin *b = &std_builtins[bi];
  ast_list *args = &e->u.call.args;
  if (args->len != b->argc) {
    error(c, e->loc, "%s(…) tar %u argument, ikke %zu", b->name, b->argc, args->len);
    return TY_ERROR;
  }
  if (b->special == STD_SPECIAL_MATCH) return cg_match(c, e);
  uint32_t first = TY_ANY;
  for (size_t i = 0; i < args->len; i++) {
    uint32_t t = cg_expr(c, args->items[i]);
    if (i == 0) first = t;
    uint32_t want = b->args[i];
    bool ok = want == STD_ANY || t == TY_ERROR ||
              (want == STD_ANY_LIST ? c->p->types.items[t].kind == TK_LIST || t == TY_ANY : sema_assignable(c->p, want, t));
    if (!ok) {
      error(c, args->items[i]->loc, "argument %zu til %s(…) skal være %s, men er %s", i + 1, b->name,
            bc_type_name(c->p, want, cg_tmp(c)), type_name(c, t, cg_tmp(c)));
    }
  }
  if (b->special == STD_SPECIAL_WRITTEN) emit_op(c, OP_WRITTEN, e->loc);
  else if (b->special == STD_SPECIAL_MISSING) emit_op(c, OP_MISSING, e->loc);
  else if (b->special == STD_SPECIAL_OR_EMPTY) {
    emit_op(c, OP_OR_EMPTY, e->loc);
    return first;                /* the list's own type */
  } else {
    emit_u16(c, OP_CALL, (uint32_t)bi, e->loc);
    emit_byte(c, (uint8_t)b->argc);
  }
  return b->ret;
}

static bool is_literal(const ast_expr *e)
{
  return e->kind == AST_STR || e->kind == AST_NUM || e->kind == AST_DATE || e->kind == AST_DUR || e->kind == AST_BOOL;
}

static uint32_t cg_inline(cg *c, ast_def *d, ast_list *args, srcloc at)
{
  for (size_t i = 0; i < c->inlining.len; i++)
    if (c->inlining.items[i] == d) {
      error(c, at, "definisjonen «%s» bruker seg selv (direkte eller gjennom andre); det er ikke tillatt", d->name);
      emit_op(c, OP_UNKNOWN, at);
      return TY_ERROR;
    }
  /* Definitions are inlined: a chain of them, or one used many times by the next, must not
  ** grow the program without bound. */
  if (c->inlining.len >= CG_MAX_INLINE_DEPTH || c->p->code.len > CG_MAX_CODE) {
    if (c->too_big) {                   /* said once; what follows would only repeat it */
      emit_op(c, OP_UNKNOWN, at);
      return TY_ERROR;
    }
    c->too_big = true;
    error(c, at, c->inlining.len >= CG_MAX_INLINE_DEPTH
                   ? "definisjonene bruker hverandre i mer enn %d ledd; skriv dem enklere"
                   : "regelsettet blir for stort når definisjonene settes inn (over %d MB bytekode); "
                     "en definisjon brukes trolig mange ganger av en annen, som igjen brukes mange ganger",
          c->inlining.len >= CG_MAX_INLINE_DEPTH ? CG_MAX_INLINE_DEPTH : CG_MAX_CODE >> 20);
    emit_op(c, OP_UNKNOWN, at);
    return TY_ERROR;
  }
  if (args->len != d->params.len) {
    error(c, at, "definisjonen «%s» tar %zu argument, ikke %zu", d->name, d->params.len, args->len);
    emit_op(c, OP_UNKNOWN, at);
    return TY_ERROR;
  }
  d->used = true;
  if (c->uses) {
    bool seen = false;
    for (size_t i = 0; i < c->uses->defs.len && !seen; i++) seen = c->uses->defs.items[i] == d;
    if (!seen) vec_push(&c->uses->defs, d);
  }
  /* Arguments are evaluated in the caller's scope, into fresh locals. */
  uint32_t slots[16], types[16], saved_local = c->next_local;
  if (args->len > 16) {
    error(c, at, "en definisjon kan ha høyst 16 parametere");
    emit_op(c, OP_UNKNOWN, at);
    return TY_ERROR;
  }
  for (size_t i = 0; i < args->len; i++) {
    if (is_literal(args->items[i])) { slots[i] = BC_NONE; types[i] = TY_ANY; continue; }
    types[i] = cg_expr(c, args->items[i]);
    slots[i] = new_local(c);
    emit_u16(c, OP_SETLOCAL, slots[i], args->items[i]->loc);
  }
  size_t saved_len = c->scope.len, saved_barrier = c->barrier;
  c->barrier = c->scope.len;
  for (size_t i = 0; i < args->len; i++)
    push_var(c, d->params.items[i], slots[i], types[i], slots[i] == BC_NONE ? args->items[i] : NULL);
  vec_push(&c->inlining, d);
  uint32_t t = cg_expr(c, d->body);
  c->inlining.len--;
  c->scope.len = saved_len;
  c->barrier = saved_barrier;
  c->next_local = saved_local;
  return t;
}

static uint32_t cg_call(cg *c, ast_expr *e)
{
  const char *name = e->u.call.name;
  if (lookup_var(c, name)) {
    error(c, e->u.call.name_loc, "«%s» er en variabel, ikke en funksjon", name);
    return TY_ERROR;
  }
  ast_def *d = find_def(c, name);
  if (d) {
    e->u.call.def = d;
    e->u.call.builtin = -1;
    return cg_inline(c, d, &e->u.call.args, e->loc);
  }
  int bi = std_lookup(name);
  if (bi >= 0) {
    e->u.call.builtin = bi;
    return cg_builtin(c, e, bi);
  }
  const char *cands[256];
  size_t n = 0;
  for (size_t i = 0; i < std_nbuiltins; i++) cands[n++] = std_builtins[i].name;
  for (size_t i = 0; i < c->u->defs.len && n < 256; i++) cands[n++] = c->u->defs.items[i]->name;
  buf *b = cg_tmp(c);
  buf_printf(b, "ukjent funksjon «%s»", name);
  sema_suggest(b, name, cands, n);
  error(c, e->u.call.name_loc, "%s", b->data);
  return TY_ERROR;
}

/* ---- operators ---- */

static void check_enum_literal(cg *c, uint32_t t, ast_expr *lit)
{
  /* a definition's parameter given a literal (dokumentert("type")) is checked where it was written */
  if (lit->kind == AST_NAME) {
    const cg_var *v = lookup_var(c, lit->u.name.name);
    if (v && v->subst) lit = v->subst;
  }
  if (lit->kind != AST_STR) return;
  buf *why = &c->path;
  buf_reset(why);
  if (!sema_enum_ok(c->p, t, lit->u.str.s, lit->u.str.len, why)) error(c, lit->loc, "%s", why->data);
}

static uint32_t cg_logic(cg *c, ast_expr *e)
{
  bool is_and = e->u.bin.op == BIN_AND;
  uint32_t lt = cg_expr(c, e->u.bin.l);
  size_t j = emit_jump(c, is_and ? OP_JUMP_FALSE : OP_JUMP_TRUE, e->loc);
  uint32_t rt = cg_expr(c, e->u.bin.r);
  emit_op(c, is_and ? OP_AND : OP_OR, e->loc);
  patch_jump(c, j, e->loc);
  const char *why = NULL;
  if (sema_binary(c->p, e->u.bin.op, lt, rt, &why) == TY_ERROR && lt != TY_ERROR && rt != TY_ERROR) {
    error(c, sema_is_bool(lt) ? e->u.bin.r->loc : e->u.bin.l->loc,
          "%s; her står %s", why, type_name(c, sema_is_bool(lt) ? rt : lt, cg_tmp(c)));
    return TY_ERROR;
  }
  return TY_BOOL;
}

static uint32_t cg_binary(cg *c, ast_expr *e)
{
  ast_binop op = e->u.bin.op;
  if (op == BIN_AND || op == BIN_OR) return cg_logic(c, e);
  uint32_t lt = cg_expr(c, e->u.bin.l);
  uint32_t rt = cg_expr(c, e->u.bin.r);
  const char *why = NULL;
  uint32_t t = sema_binary(c->p, op, lt, rt, &why);
  if (t == TY_ERROR) {
    /* A date ± a parameter that is a bare number: the unit is missing where the parameter is
    ** declared, so say it there, once, however many rules use it. */
    ast_expr *num = (op == BIN_ADD || op == BIN_SUB) && lt == TY_DATE && rt == TY_NUM ? e->u.bin.r
                  : op == BIN_ADD && rt == TY_DATE && lt == TY_NUM ? e->u.bin.l : NULL;
    if (num && num->kind == AST_NAME && num->u.name.kind == NAME_PARAM && num->u.name.param->value->kind == AST_NUM) {
      ast_param *prm = num->u.name.param;
      error(c, prm->value->loc, "parameteren «%s» er et tall uten enhet, men legges til eller trekkes fra en dato; "
            "skriv en varighet, f.eks. «%g uker», «%g måneder» eller «%g dager»", prm->name,
            prm->value->u.num, prm->value->u.num, prm->value->u.num);
      emit_op(c, OP_POP, e->loc);
      return TY_ERROR;
    }
    if (lt != TY_ERROR && rt != TY_ERROR) {
      buf *a = cg_tmp(c), *b = cg_tmp(c);
      bc_type_name(c->p, lt, a);
      bc_type_name(c->p, rt, b);
      error(c, e->loc, "%s (venstre side er %s, høyre side er %s)", why, a->data, b->data);
    }
    emit_op(c, OP_POP, e->loc);
    return TY_ERROR;
  }
  if (op == BIN_EQ || op == BIN_NE) {
    check_enum_literal(c, lt, e->u.bin.r);
    check_enum_literal(c, rt, e->u.bin.l);
  }
  if (op == BIN_IN && e->u.bin.r->kind == AST_LIST)
    for (size_t i = 0; i < e->u.bin.r->u.list.len; i++) check_enum_literal(c, lt, e->u.bin.r->u.list.items[i]);
  if (op == BIN_IN && e->u.bin.l->kind == AST_STR && rt != TY_ANY)
    check_enum_literal(c, c->p->types.items[rt].elem, e->u.bin.l);
  static const opcode ops[] = {
    [BIN_ADD] = OP_ADD, [BIN_SUB] = OP_SUB, [BIN_MUL] = OP_MUL, [BIN_DIV] = OP_DIV,
    [BIN_EQ] = OP_EQ, [BIN_NE] = OP_NE, [BIN_LT] = OP_LT, [BIN_LE] = OP_LE,
    [BIN_GT] = OP_GT, [BIN_GE] = OP_GE, [BIN_IN] = OP_IN,
  };
  opcode o = ops[op];
  if (t == TY_DATE && (op == BIN_ADD || op == BIN_SUB)) o = op == BIN_ADD ? OP_DATE_ADD : OP_DATE_SUB;
  emit_op(c, o, e->loc);
  return t;
}

/* ---- quantifiers ---- */

static uint32_t cg_quant(cg *c, ast_expr *e)
{
  ast_quant q = e->u.quant.q;
  uint32_t ct = cg_expr(c, e->u.quant.coll);
  uint32_t elem = TY_ANY;
  if (ct != TY_ERROR && ct != TY_ANY) {
    if (c->p->types.items[ct].kind != TK_LIST) {
      error(c, e->u.quant.coll->loc, "etter «%s %s i» må det stå en liste, men dette er %s",
            q == Q_EXISTS ? "finnes" : q == Q_ALL ? "alle" : "antall(", e->u.quant.var, type_name(c, ct, cg_tmp(c)));
    } else {
      elem = c->p->types.items[ct].elem;
    }
  }
  uint32_t saved_local = c->next_local;
  uint32_t it = c->next_iter++;
  if (c->next_iter > c->max_iter) c->max_iter = c->next_iter;
  uint32_t slot = new_local(c);
  emit_u16(c, OP_ITER_INIT, it, e->loc);
  if (q == Q_COUNT) {
    bc_const k;
    memset(&k, 0, sizeof k);
    k.kind = K_NUM;
    emit_u16(c, OP_CONST, add_const(c, k), e->loc);
  } else {
    emit_op(c, q == Q_EXISTS ? OP_FALSE : OP_TRUE, e->loc);
  }
  size_t top = c->p->code.len;
  emit_op(c, OP_ITER_NEXT, e->loc);
  emit_u16raw(c, it);
  emit_u16raw(c, slot);
  size_t exit_at = c->p->code.len;
  emit_u16raw(c, 0);
  push_var(c, e->u.quant.var, slot, elem, NULL);
  size_t exits[2];
  size_t nexits = 1;
  exits[0] = exit_at;
  ast_expr *f = e->u.quant.filter, *body = e->u.quant.body;
  if (q == Q_COUNT) {
    if (f) {
      uint32_t ft = cg_expr(c, f);
      if (!sema_is_bool(ft) && ft != TY_ERROR) error(c, f->loc, "filteret etter «der» må være et vilkår");
    } else {
      emit_op(c, OP_TRUE, e->loc);
    }
    emit_op(c, OP_COUNT_STEP, e->loc);
  } else {
    size_t skip = 0;
    if (f) {
      uint32_t ft = cg_expr(c, f);
      if (!sema_is_bool(ft) && ft != TY_ERROR) error(c, f->loc, "filteret etter «der» må være et vilkår");
      if (q == Q_ALL) emit_op(c, OP_NOT, f->loc);
      skip = emit_jump(c, q == Q_EXISTS ? OP_JUMP_FALSE : OP_JUMP_TRUE, f->loc);
    }
    uint32_t bt = cg_expr(c, body);
    if (!sema_is_bool(bt) && bt != TY_ERROR) error(c, body->loc, "det som står etter «:» må være et vilkår");
    if (f) {
      emit_op(c, q == Q_EXISTS ? OP_AND : OP_OR, e->loc);
      patch_jump(c, skip, e->loc);
    }
    exits[nexits++] = emit_jump(c, q == Q_EXISTS ? OP_ANY_STEP : OP_ALL_STEP, e->loc);
  }
  emit_op(c, OP_LOOP, e->loc);
  size_t back = c->p->code.len + 2 - top;
  emit_u16raw(c, back > 0xFFFF ? 0 : (uint32_t)back);
  if (back > 0xFFFF) error(c, e->loc, "uttrykket er for stort til å oversettes (løkke over 65535 byte)");
  for (size_t i = 0; i < nexits; i++) patch_jump(c, exits[i], e->loc);
  emit_u16(c, OP_ITER_END, it, e->loc);
  c->scope.len--;
  c->next_iter--;
  c->next_local = saved_local;              /* every slot taken inside is dead now */
  return q == Q_COUNT ? TY_NUM : TY_BOOL;
}

static uint32_t cg_list(cg *c, ast_expr *e)
{
  bc_const k;
  memset(&k, 0, sizeof k);
  k.kind = K_LIST;
  uint32_t elem = TY_ANY;
  for (size_t i = 0; i < e->u.list.len; i++) {
    ast_expr *x = e->u.list.items[i];
    if (x->kind != AST_STR && x->kind != AST_NUM && x->kind != AST_DATE) {
      error(c, x->loc, "en liste i [ … ] kan bare inneholde faste verdier (tekst, tall eller datoer)");
      continue;
    }
    uint32_t t = x->kind == AST_STR ? TY_TEXT : x->kind == AST_NUM ? TY_NUM : TY_DATE;
    if (elem != TY_ANY && t != elem) error(c, x->loc, "alle verdiene i en liste må ha samme type");
    elem = t;
    vec_push(&k.items, add_const(c, literal_const(c, x)));
  }
  vec_push(&c->p->consts, k);
  emit_u16(c, OP_CONST, (uint32_t)(c->p->consts.len - 1), e->loc);
  return bc_list_of(c->p, elem);
}

/* Every part of a condition that is itself a condition is recorded in the trace with its
** value – comparisons, calls, quantifiers, facts that are yes or no, and og/eller/ikke –
** so that an explanation can say which parts decided the outcome. */
static bool is_cond(const ast_expr *e, uint32_t t)
{
  if (t != TY_BOOL) return false;
  return e->kind != AST_BOOL && e->kind != AST_UNKNOWN;
}

static uint32_t cg_expr(cg *c, ast_expr *e)
{
  size_t mark = c->pending.len;
  uint32_t t = TY_ERROR;
  switch (e->kind) {
  case AST_NUM: case AST_STR: case AST_DATE: case AST_DUR:
    emit_u16(c, OP_CONST, add_const(c, literal_const(c, e)), e->loc);
    t = e->kind == AST_NUM ? TY_NUM : e->kind == AST_STR ? TY_TEXT : e->kind == AST_DATE ? TY_DATE : TY_DUR;
    break;
  case AST_BOOL: emit_op(c, e->u.boolean ? OP_TRUE : OP_FALSE, e->loc); t = TY_BOOL; break;
  case AST_UNKNOWN: emit_op(c, OP_UNKNOWN, e->loc); t = TY_ANY; break;
  case AST_NAME:
    if (!lookup_var(c, e->u.name.name) && find_def(c, e->u.name.name)) e->u.name.kind = NAME_DEF;
    t = cg_name(c, e);
    break;
  case AST_FIELD: t = cg_field(c, e); break;
  case AST_CALL: t = cg_call(c, e); break;
  case AST_NOT:
    t = cg_expr(c, e->u.unary);
    if (!sema_is_bool(t) && t != TY_ERROR) { error(c, e->loc, "«ikke» må stå foran et vilkår"); t = TY_ERROR; }
    emit_op(c, OP_NOT, e->loc);
    if (t != TY_ERROR) t = TY_BOOL;
    break;
  case AST_NEG:
    t = cg_expr(c, e->u.unary);
    if (t != TY_NUM && t != TY_ANY && t != TY_ERROR) { error(c, e->loc, "minus foran noe som ikke er et tall"); t = TY_ERROR; }
    emit_op(c, OP_NEG, e->loc);
    break;
  case AST_BINARY: t = cg_binary(c, e); break;
  case AST_QUANT: t = cg_quant(c, e); break;
  case AST_LIST: t = cg_list(c, e); break;
  }
  e->type = t;
  if (is_cond(e, t)) emit_cond(c, e, mark);
  return t;
}

/* ---- blocks ---- */

static uint32_t block_begin(cg *c, block_kind kind)
{
  bc_block b = { (uint32_t)c->p->code.len, 0, 0, 0, 0, kind };
  vec_push(&c->p->blocks, b);
  c->last_line = 0;
  c->pending.len = 0;                 /* a block's conditions are parts of nothing outside it */
  return (uint32_t)(c->p->blocks.len - 1);
}

static void block_end(cg *c, uint32_t b, srcloc loc)
{
  emit_op(c, OP_RETURN, loc);
  c->p->blocks.items[b].len = (uint32_t)(c->p->code.len - c->p->blocks.items[b].start);
}

/* A block computing a condition; *top is the whole condition's entry (BC_NONE when it is
** not one, like a constant). */
static uint32_t cg_cond_block(cg *c, block_kind kind, ast_expr *e, const char *what, uint32_t *top)
{
  uint32_t b = block_begin(c, kind);
  uint32_t t = cg_expr(c, e);
  if (!sema_is_bool(t) && t != TY_ERROR) {
    error(c, e->loc, "%s må være et vilkår (sann/usann), men dette er %s", what, type_name(c, t, cg_tmp(c)));
  }
  *top = is_cond(e, t) ? cond_for(c, e) : BC_NONE;
  c->pending.len = 0;
  block_end(c, b, e->loc);
  return b;
}

static srcloc loc_at_offset(cg *c, uint32_t file, uint32_t off)
{
  const srcfile *f = &c->src->files.items[file];
  srcloc l = { file, 1, 1, 1, 1, 0, 0 };
  for (uint32_t i = 0; i < off && i < f->len; i++) {
    if (f->text[i] == '\n') { l.line++; l.col = 1; }
    else if (((unsigned char)f->text[i] & 0xC0) != 0x80) l.col++;
  }
  l.off = off;
  return l;
}

/* Compiles a message with {uttrykk} interpolations into a block that EMITs its parts. */
static uint32_t cg_message(cg *c, block_kind kind, const ast_string *m)
{
  uint32_t b = block_begin(c, kind);
  const char *s = m->s;
  size_t n = m->len, i = 0;
  buf lit;
  buf_init(&lit);
  oom_cleanup hold;
  oom_hold_buf(&hold, &lit);
  const srcfile *f = &c->src->files.items[m->loc.file];
  while (i <= n) {
    if (i < n && s[i] == '\\' && i + 1 < n && (s[i + 1] == '{' || s[i + 1] == '}')) {
      buf_putc(&lit, s[i + 1]);
      i += 2;
      continue;
    }
    if (i < n && s[i] != '{') { buf_putc(&lit, s[i++]); continue; }
    /* «hver {intervall}»: the word goes with the duration, which says it in the right form */
    bool every = false;
    char word[8] = "";
    if (i < n) {
      size_t cut = lit.len >= 6 && !strncasecmp(lit.data + lit.len - 6, "hvert ", 6) ? 6
                 : lit.len >= 5 && !strncasecmp(lit.data + lit.len - 5, "hver ", 5) ? 5 : 0;
      if (cut && (lit.len == cut || lit.data[lit.len - cut - 1] == ' ')) {
        every = true;
        memcpy(word, lit.data + lit.len - cut, cut);         /* as written, for a value that is not a duration */
        word[cut] = 0;
        lit.len -= cut;
        lit.data[lit.len] = 0;
      }
    }
    if (lit.len) {
      bc_const k;
      memset(&k, 0, sizeof k);
      k.kind = K_STR;
      k.str = bc_intern(c->p, lit.data, lit.len);
      emit_u16(c, OP_CONST, add_const(c, k), m->loc);
      emit_op(c, OP_EMIT, m->loc);
      buf_reset(&lit);
    }
    if (i >= n) break;
    size_t j = i + 1;
    bool in_str = false;
    while (j < n && (in_str || s[j] != '}')) { if (s[j] == '"') in_str = !in_str; j++; }
    if (j >= n) {
      error(c, m->loc, "meldingen har «{» uten avsluttende «}»; skriv \\{ for en klammeparentes");
      break;
    }
    /* Locate the expression in the source so diagnostics point into the string. */
    size_t len = j - i - 1;
    srcloc at = m->loc;
    for (uint32_t k = m->loc.off; k + len + 1 < m->loc.end_off && k + len + 1 < f->len; k++)
      if (f->text[k] == '{' && !memcmp(f->text + k + 1, s + i + 1, len) && f->text[k + 1 + len] == '}') {
        at = loc_at_offset(c, m->loc.file, k + 1);
        break;
      }
    if (!lex_parse_expr(c->u, at.file, s + i + 1, len, at.line, at.col, at.off) || !c->u->parsed_expr) {
      if (c->u->parsed_expr == NULL && len == 0) error(c, m->loc, "tom {} i meldingen");
      c->ok = false;
    } else {
      uint32_t t = cg_expr(c, c->u->parsed_expr);
      if (every && t == TY_DUR) {
        emit_op(c, OP_EMIT_EVERY, m->loc);
      } else {
        if (every) {                            /* not a duration: the word stays as written */
          bc_const k;
          memset(&k, 0, sizeof k);
          k.kind = K_STR;
          k.str = bc_intern(c->p, word, strlen(word));
          emit_u16(c, OP_CONST, add_const(c, k), m->loc);
          emit_op(c, OP_EMIT, m->loc);           /* emitted before the value under it */
        }
        if (t <= 0xFFFF && bc_has_labels(c->p, t)) emit_u16(c, OP_EMIT_LABEL, (uint16_t)t, m->loc);
        else emit_op(c, OP_EMIT, m->loc);
      }
    }
    i = j + 1;
  }
  oom_pop(&hold);
  buf_free(&lit);
  emit_op(c, OP_TRUE, m->loc);
  block_end(c, b, m->loc);
  return b;
}

static uint32_t str_or_none(cg *c, const ast_string *s, bool has)
{
  return has ? bc_intern(c->p, s->s, s->len) : BC_NONE;
}

static void fix_locals(cg *c, size_t first_block)
{
  for (size_t i = first_block; i < c->p->blocks.len; i++) {
    c->p->blocks.items[i].nlocals = c->max_local;
    c->p->blocks.items[i].niters = c->max_iter;
  }
}

static void reset_frame(cg *c, uint32_t file)
{
  c->scope.len = 0;
  c->barrier = 0;
  c->next_local = c->max_local = c->next_iter = c->max_iter = 0;
  c->line_file = file;
}

static void free_rule_lists(void *arg)
{
  bc_rule *br = arg;
  vec_free(&br->sources);
  vec_free(&br->aliases);
  vec_free(&br->docs);
}

static void cg_rule(cg *c, ast_rule *r, uint32_t guide)
{
  if (c->too_big) return;
  bc_rule br;
  memset(&br, 0, sizeof br);
  oom_cleanup hold;                          /* its lists, until the rule is in the program */
  oom_push(&hold, free_rule_lists, &br);
  br.id = bc_intern(c->p, r->id, strlen(r->id));
  br.title = bc_intern(c->p, r->title.s, r->title.len);
  br.quote = str_or_none(c, &r->quote, r->has_quote);
  br.guide = guide;
  br.strength = r->strength == STRENGTH_KRAV ? ST_KRAV : r->strength == STRENGTH_BOR ? ST_BOR : ST_KAN;
  const bc_guide *g = &c->p->guides.items[guide];
  br.from = r->has_from ? r->from : g->from;
  br.to = r->has_to ? r->to : g->to;
  if ((r->has_from && r->from < g->from) || (r->has_to && r->to > g->to))
    diag_at(c->src, DIAG_WARNING, r->id_loc,
            "regelen %s gjelder utover retningslinjens gyldighet; den gjelder bare mens retningslinjen gjør det", r->id);
  if (br.from < g->from) br.from = g->from;
  if (br.to > g->to) br.to = g->to;
  if (br.from > br.to) error(c, r->id_loc, "regelen %s er aldri i kraft: gjelder_fra er etter gjelder_til", r->id);
  br.line = r->loc.line;
  br.var_local = BC_NONE;
  br.coll = br.filter = br.scope = br.exception = br.check = br.message = br.message_ok = BC_NONE;
  br.filter_top = br.scope_top = br.exception_top = br.check_top = BC_NONE;
  br.check_text = BC_NONE;
  for (size_t i = 0; i < r->sources.len; i++)
    vec_push(&br.sources, bc_intern(c->p, r->sources.items[i].s, r->sources.items[i].len));
  for (size_t i = 0; i < r->aliases.len; i++)
    vec_push(&br.aliases, bc_intern(c->p, r->aliases.items[i], strlen(r->aliases.items[i])));

  reset_frame(c, r->loc.file);
  c->uses = &r->uses;
  size_t first = c->p->blocks.len;
  if (r->var) {
    br.coll = block_begin(c, BLOCK_COLL);
    uint32_t ct = cg_expr(c, r->coll);
    block_end(c, br.coll, r->coll->loc);
    uint32_t elem = TY_ANY;
    if (ct != TY_ERROR && c->p->types.items[ct].kind != TK_LIST)
      error(c, r->coll->loc, "«for hvert %s i …» må gå over en liste", r->var);
    else if (ct != TY_ERROR)
      elem = c->p->types.items[ct].elem;
    br.var_local = new_local(c);
    push_var(c, r->var, br.var_local, elem, NULL);
    if (r->filter) br.filter = cg_cond_block(c, BLOCK_FILTER, r->filter, "filteret etter «der»", &br.filter_top);
  }
  if (r->scope) br.scope = cg_cond_block(c, BLOCK_SCOPE, r->scope, "«når»", &br.scope_top);
  if (r->exception) br.exception = cg_cond_block(c, BLOCK_EXCEPTION, r->exception, "«unntak»", &br.exception_top);
  if (r->check) {
    br.check = cg_cond_block(c, BLOCK_CHECK, r->check, "«krev»", &br.check_top);
    br.check_text = intern_span(c, r->check->loc);
  }
  if (r->has_message) br.message = cg_message(c, BLOCK_MESSAGE, &r->message);
  if (r->has_message_ok) br.message_ok = cg_message(c, BLOCK_MESSAGE_OK, &r->message_ok);
  ast_def *documented = find_def(c, "dokumentert");
  for (size_t i = 0; i < r->docs.len; i++) {
    ast_docpoint *d = &r->docs.items[i];
    bc_doc bd = { bc_intern(c->p, d->type, strlen(d->type)), bc_intern(c->p, d->text.s, d->text.len),
                  d->on_deviation, BC_NONE };
    if (!documented) {
      error(c, d->type_loc, "«dokumenter» krever en definisjon «dokumentert(type)» i preluden");
    } else {
      /* Inline dokumentert("type") with the type written where the rule wrote it. */
      ast_expr *arg = ast_new(c->u, AST_STR, d->type_loc);
      arg->u.str.s = d->type;
      arg->u.str.len = strlen(d->type);
      ast_list args = { NULL, 0 };
      ast_list_push(c->u, &args, arg);
      bd.check = block_begin(c, BLOCK_DOC);
      uint32_t saved = c->line_file;
      uint32_t t = cg_inline(c, documented, &args, d->type_loc);
      c->line_file = saved;
      if (!sema_is_bool(t) && t != TY_ERROR) error(c, documented->loc, "«dokumentert» må gi et vilkår");
      block_end(c, bd.check, d->type_loc);
    }
    vec_push(&br.docs, bd);
  }
  fix_locals(c, first);
  c->uses = NULL;
  vec_push(&c->p->rules, br);
  oom_pop(&hold);
}

/* ---- declarations and checks across them ---- */

struct version { int32_t from, to; uint32_t at; };

static int cmp_version(const void *a, const void *b)
{
  const struct version *x = a, *y = b;
  if (x->from != y->from) return x->from < y->from ? -1 : 1;
  return (x->at > y->at) - (x->at < y->at);
}

/* Versions of one guideline id must not be in force at the same time: sorted by start,
** each must start after every earlier one has ended. */
typedef VEC(struct version) version_list;
static void free_versions(void *v) { vec_free((version_list *)v); }

static void check_versions(cg *c, name_table *guides)
{
  ast_unit *u = c->u;
  version_list v = { 0 };
  oom_cleanup hold;
  oom_push(&hold, free_versions, &v);
  for (size_t gi = 0; gi < u->guidelines.len; gi++) {
    ast_guideline *g = u->guidelines.items[gi];
    uint32_t first = names_find(guides, g->id);
    if (first != gi || guides->e.items[first].next == UINT32_MAX) continue;   /* one version */
    v.len = 0;
    for (uint32_t k = first; k != UINT32_MAX; k = guides->e.items[k].next) {
      ast_guideline *h = u->guidelines.items[k];
      struct version x = { h->has_from ? h->from : INT32_MIN, h->has_to ? h->to : INT32_MAX, k };
      vec_push(&v, x);
    }
    qsort(v.items, v.len, sizeof *v.items, cmp_version);
    size_t open = 0;                          /* the version that ends last so far */
    for (size_t k = 1; k < v.len; k++) {
      if (v.items[k].from <= v.items[open].to) {
        uint32_t later = v.items[k].at > v.items[open].at ? v.items[k].at : v.items[open].at;
        error(c, u->guidelines.items[later]->loc,
              "to versjoner av retningslinjen %s gjelder samtidig; gi dem gjelder_fra/gjelder_til som ikke overlapper",
              g->id);
      }
      if (v.items[k].to > v.items[open].to) open = k;
    }
  }
  oom_pop(&hold);
  vec_free(&v);
}

static void free_two_tables(void *t)
{
  names_free(&((name_table *)t)[0]);
  names_free(&((name_table *)t)[1]);
}

static void check_ids(cg *c)
{
  ast_unit *u = c->u;
  name_table tables[2], *guides = &tables[0], *rules = &tables[1];
  memset(tables, 0, sizeof tables);
  oom_cleanup hold;
  oom_push(&hold, free_two_tables, tables);
  for (size_t gi = 0; gi < u->guidelines.len; gi++) names_add(guides, u->guidelines.items[gi]->id, (uint32_t)gi, 0);
  check_versions(c, guides);
  /* A rule id may appear again in another version of the same guideline, nowhere else; an
  ** earlier rule's aliases count as its ids. */
  for (size_t gi = 0; gi < u->guidelines.len; gi++) {
    ast_guideline *g = u->guidelines.items[gi];
    for (size_t ri = 0; ri < g->rules.len; ri++) {
      ast_rule *r = g->rules.items[ri];
      const ast_rule *last = NULL;
      for (uint32_t k = names_find(rules, r->id); k != UINT32_MAX; k = rules->e.items[k].next) {
        ast_guideline *h = u->guidelines.items[rules->e.items[k].guide];
        ast_rule *o = h->rules.items[rules->e.items[k].rule];
        if (o == last) continue;                 /* its id and an alias both match */
        last = o;
        if (h == g)
          error(c, r->id_loc, "regel-id-en %s er allerede brukt på linje %u", r->id, o->id_loc.line);
        else if (strcmp(h->id, g->id))
          error(c, r->id_loc, "regel-id-en %s er allerede brukt i retningslinjen %s", r->id, h->id);
      }
      names_add(rules, r->id, (uint32_t)gi, (uint32_t)ri);
      for (size_t a = 0; a < r->aliases.len; a++) names_add(rules, r->aliases.items[a], (uint32_t)gi, (uint32_t)ri);
    }
  }
  oom_pop(&hold);
  free_two_tables(tables);
  for (size_t i = 0; i < u->params.len; i++)
    if (names_add(&c->params, u->params.items[i]->name, (uint32_t)i, 0) != UINT32_MAX)
      error(c, u->params.items[i]->loc, "parameteren «%s» er allerede definert", u->params.items[i]->name);
  for (size_t i = 0; i < u->defs.len; i++) {
    if (names_add(&c->defs, u->defs.items[i]->name, (uint32_t)i, 0) != UINT32_MAX)
      error(c, u->defs.items[i]->loc, "definisjonen «%s» er allerede definert", u->defs.items[i]->name);
    if (std_lookup(u->defs.items[i]->name) >= 0)
      error(c, u->defs.items[i]->loc, "«%s» er navnet på en innebygd funksjon", u->defs.items[i]->name);
  }
}

static bool param_is_constant(const ast_expr *e)
{
  switch (e->kind) {
  case AST_NUM: case AST_STR: case AST_DATE: case AST_DUR: case AST_BOOL: case AST_NAME: case AST_LIST:
    return true;
  case AST_NEG: return param_is_constant(e->u.unary);
  case AST_BINARY:
    return e->u.bin.op <= BIN_DIV && param_is_constant(e->u.bin.l) && param_is_constant(e->u.bin.r);
  default: return false;
  }
}

/* Type-checks what no rule uses, so mistakes there are still reported; the code is dropped. */
static void check_unused(cg *c)
{
  size_t code_len = c->p->code.len, lines = c->p->lines.len, blocks = c->p->blocks.len;
  for (size_t i = 0; i < c->u->params.len; i++) {
    ast_param *p = c->u->params.items[i];
    if (!param_is_constant(p->value))
      error(c, p->value->loc, "en parameter må være en fast verdi (tall, varighet, dato, tekst eller en annen parameter)");
    if (!p->used) {
      reset_frame(c, BC_NONE);
      cg_param(c, p, p->loc);
      p->used = false;
    }
  }
  for (size_t i = 0; i < c->u->defs.len; i++) {
    ast_def *d = c->u->defs.items[i];
    if (d->used) continue;
    reset_frame(c, BC_NONE);
    for (size_t k = 0; k < d->params.len; k++) push_var(c, d->params.items[k], new_local(c), TY_ANY, NULL);
    c->barrier = 0;
    vec_push(&c->inlining, d);
    cg_expr(c, d->body);
    c->inlining.len--;
    d->used = false;
  }
  c->p->code.len = code_len;
  c->p->lines.len = lines;
  c->p->blocks.len = blocks;
}

static void free_cg(void *arg)
{
  cg *c = arg;
  for (size_t i = 0; c->rec_paths && i < c->p->records.len; i++) free(c->rec_paths[i]);
  free(c->rec_paths);
  c->rec_paths = NULL;
  vec_free(&c->scope);
  names_free(&c->params);
  names_free(&c->defs);
  hindex_free(&c->cond_index);
  vec_free(&c->inlining);
  vec_free(&c->evaluating);
  vec_free(&c->pending);
  buf_free(&c->words);
  buf_free(&c->words_false);
  buf_free(&c->path);
  for (size_t i = 0; i < c->tmps.len; i++) {
    if (c->tmps.items[i]) buf_free(c->tmps.items[i]);
    free(c->tmps.items[i]);
  }
  vec_free(&c->tmps);
}

bool cg_program(ast_unit *u, bc_program *p, const char *default_name)
{
  cg c;
  memset(&c, 0, sizeof c);
  c.u = u;
  c.src = u->src;
  c.p = p;
  c.ok = true;
  oom_cleanup hold;
  oom_push(&hold, free_cg, &c);
  if (!sema_schema(u, p)) {
    oom_pop(&hold);
    free_cg(&c);
    return false;
  }
  p->name = u->has_ruleset_name ? bc_intern(p, u->ruleset_name.s, u->ruleset_name.len)
                                : bc_intern(p, default_name, strlen(default_name));
  check_ids(&c);
  for (size_t gi = 0; gi < u->guidelines.len; gi++) {
    ast_guideline *g = u->guidelines.items[gi];
    bc_guide bg;
    memset(&bg, 0, sizeof bg);
    bg.id = bc_intern(p, g->id, strlen(g->id));
    bg.title = bc_intern(p, g->title.s, g->title.len);
    bg.publisher = str_or_none(&c, &g->publisher, g->has_publisher);
    bg.document = str_or_none(&c, &g->document, g->has_document);
    bg.version = str_or_none(&c, &g->version, g->has_version);
    bg.updated = g->has_updated ? g->updated : INT32_MIN;
    bg.from = g->has_from ? g->from : INT32_MIN;
    bg.to = g->has_to ? g->to : INT32_MAX;
    if (bg.from > bg.to) error(&c, g->loc, "retningslinjen %s er aldri i kraft: gjelder_fra er etter gjelder_til", g->id);
    bg.file = bc_intern(p, src_key(u->src, g->loc.file), strlen(src_key(u->src, g->loc.file)));
    bg.cond = bg.cond_text = bg.cond_top = BC_NONE;
    if (g->cond) {
      reset_frame(&c, g->loc.file);
      size_t first = p->blocks.len;
      c.uses = &g->uses;
      bg.cond = cg_cond_block(&c, BLOCK_GUIDE_COND, g->cond, "«gjelder_når»", &bg.cond_top);
      c.uses = NULL;
      bg.cond_text = intern_span(&c, g->cond->loc);
      fix_locals(&c, first);
    }
    vec_push(&p->guides, bg);
    for (size_t ri = 0; ri < g->rules.len; ri++) cg_rule(&c, g->rules.items[ri], (uint32_t)gi);
  }
  ast_def *just = find_def(&c, "avvik_begrunnet");
  if (just) {
    reset_frame(&c, BC_NONE);
    size_t first = p->blocks.len;
    p->justified = block_begin(&c, BLOCK_JUSTIFIED);
    ast_list none = { NULL, 0 };
    cg_inline(&c, just, &none, just->loc);
    block_end(&c, p->justified, just->loc);
    fix_locals(&c, first);
  }
  if (!c.too_big) check_unused(&c);
  if (c.max_local > BC_MAX_LOCALS || c.max_iter > BC_MAX_ITERS) {
    diag_plain(u->src, DIAG_ERROR, "en regel er for sammensatt (for mange variabler eller nøstede løkker)");
    c.ok = false;
  }
  oom_pop(&hold);
  free_cg(&c);
  return c.ok && u->src->errors == 0;
}
