/*
** Rendering checked conditions in Norwegian words (see words.h). One function per node
** kind; a value is rendered as a noun phrase, a condition as a clause.
*/
#include "words.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "stdlib/builtins.h"

static void value_words(const bc_program *p, const ast_expr *e, buf *out);

/* An identifier or enum value as words: underscores are spaces. */
static void spaced(const char *s, size_t n, buf *out)
{
  for (size_t i = 0; i < n; i++) buf_putc(out, s[i] == '_' ? ' ' : s[i]);
}

/* A text in the rules as words. Compared with a choice (type t), the choice's name for it;
** elsewhere (t is BC_NONE: an argument to a definition), the name every choice that has the
** value agrees on; otherwise the text with spaces for underscores. */
static void literal(const bc_program *p, uint32_t t, const char *s, size_t n, buf *out)
{
  const char *label = t != BC_NONE ? bc_choice_label(p, t, s, n) : NULL;
  for (size_t i = 0; i < p->types.len && t == BC_NONE; i++) {
    const bc_type *ty = &p->types.items[i];
    for (size_t k = 0; k < ty->values.len; k++) {
      const nstr *v = p->strings.items[ty->values.items[k]];
      if (v->len != n || memcmp(v->s, s, n)) continue;
      const char *l = k < ty->labels.len && ty->labels.items[k] != BC_NONE ? bc_str(p, ty->labels.items[k]) : NULL;
      if (!l || (label && strcmp(label, l))) { label = NULL; t = 0; break; }   /* no name, or names disagree */
      label = l;
    }
  }
  if (label) buf_puts(out, label);
  else spaced(s, n, out);
}

/* A side of a comparison: a text by the name the other side's choice gives it. */
static void compared(const bc_program *p, const ast_expr *e, const ast_expr *other, buf *out)
{
  if (e->kind == AST_STR && bc_has_labels(p, other->type)) literal(p, other->type, e->u.str.s, e->u.str.len, out);
  else value_words(p, e, out);
}

void words_field(const bc_program *p, uint32_t rec, uint32_t f, buf *out)
{
  if (rec >= p->records.len || f >= p->records.items[rec].fields.len) {
    buf_puts(out, "opplysningen");
    return;
  }
  const bc_field *fd = &p->records.items[rec].fields.items[f];
  if (fd->label != BC_NONE) buf_puts(out, bc_str(p, fd->label));
  else spaced(bc_str(p, fd->name), strlen(bc_str(p, fd->name)), out);
}

static void duration(int32_t mo, int32_t d, buf *out)
{
  if (mo && mo % 12 == 0 && !d) buf_printf(out, "%d år", mo / 12);
  else if (mo && !d) buf_printf(out, "%d %s", mo, mo == 1 ? "måned" : "måneder");
  else if (!mo && d && d % 7 == 0) buf_printf(out, "%d %s", d / 7, d == 7 ? "uke" : "uker");
  else if (!mo) buf_printf(out, "%d %s", d, d == 1 ? "dag" : "dager");
  else buf_printf(out, "%d %s og %d %s", mo, mo == 1 ? "måned" : "måneder", d, d == 1 ? "dag" : "dager");
}

static void number(double v, buf *out)
{
  if (v == floor(v) && fabs(v) < 1e15) {
    buf_printf(out, "%.0f", v);
    return;
  }
  char tmp[32];
  snprintf(tmp, sizeof tmp, "%.2f", v);
  for (char *q = tmp; *q; q++)
    if (*q == '.') *q = ',';
  buf_puts(out, tmp);
}

static uint32_t kind_of(const bc_program *p, uint32_t t) { return t < p->types.len ? p->types.items[t].kind : TK_ANY; }

/* The record type a value of type t is (or holds, for a list), or BC_NONE. */
static uint32_t record_of(const bc_program *p, uint32_t t)
{
  if (t >= p->types.len) return BC_NONE;
  if (p->types.items[t].kind == TK_LIST) t = p->types.items[t].elem;
  return t < p->types.len && p->types.items[t].kind == TK_REC ? p->types.items[t].rec : BC_NONE;
}

static const ast_def *def_of(const ast_expr *e)
{
  if (e->kind == AST_CALL) return e->u.call.def;
  if (e->kind == AST_NAME && e->u.name.kind == NAME_DEF) return e->u.name.def;
  return NULL;
}

/* A definition's phrase with its {…} filled: a parameter by its argument's words, a field
** of a parameter that is a record by a marker the explanation fills with the case's value. */
static void phrase(const bc_program *p, const ast_def *d, const ast_list *args, const ast_string *ph, buf *out)
{
  const char *s = ph->s, *end = ph->s + ph->len;
  while (s < end) {
    const char *open = memchr(s, '{', (size_t)(end - s));
    const char *close = open ? memchr(open, '}', (size_t)(end - open)) : NULL;
    if (!open || !close) {
      buf_put(out, s, (size_t)(end - s));
      break;
    }
    buf_put(out, s, (size_t)(open - s));
    const char *in = open + 1, *dot = memchr(in, '.', (size_t)(close - in));
    size_t plen = (size_t)((dot ? dot : close) - in);
    const ast_expr *arg = NULL;
    for (size_t i = 0; i < d->params.len && args && i < args->len; i++)
      if (strlen(d->params.items[i]) == plen && !strncmp(d->params.items[i], in, plen)) arg = args->items[i];
    uint32_t rec = arg ? record_of(p, arg->type) : BC_NONE;
    uint32_t f = BC_NONE;
    if (dot && rec != BC_NONE) {
      const bc_record *r = &p->records.items[rec];
      for (size_t i = 0; i < r->fields.len; i++)
        if (strlen(bc_str(p, r->fields.items[i].name)) == (size_t)(close - dot - 1) &&
            !strncmp(bc_str(p, r->fields.items[i].name), dot + 1, (size_t)(close - dot - 1)))
          f = (uint32_t)i;
    }
    if (f != BC_NONE) buf_printf(out, "%c%u:%u%c", WORDS_MARK, rec, f, WORDS_MARK);
    else if (arg && !dot) value_words(p, arg, out);
    else spaced(in, (size_t)(close - in), out);
    s = close + 1;
  }
}

static void args_words(const bc_program *p, const ast_list *args, buf *out)
{
  for (size_t i = 0; i < args->len; i++) {
    if (i) buf_puts(out, ", ");
    value_words(p, args->items[i], out);
  }
}

static void builtin_value(const bc_program *p, const ast_expr *e, buf *out)
{
  const char *n = e->u.call.name;
  const ast_list *a = &e->u.call.args;
  if (!strcmp(n, "registrert") && a->len == 1) { value_words(p, a->items[0], out); return; }
  if (!strcmp(n, "lengde") && a->len == 1) { buf_puts(out, "antall "); value_words(p, a->items[0], out); return; }
  if (!strcmp(n, "alder") && a->len == 1) {     /* «barnets fødselsdato» → «barnets alder» */
    buf d;
    buf_init(&d);
    oom_cleanup hold;
    oom_hold_buf(&hold, &d);
    value_words(p, a->items[0], &d);
    char *at = d.data ? strstr(d.data, "fødselsdato") : NULL;
    if (at) {
      buf_put(out, d.data, (size_t)(at - d.data));
      buf_puts(out, "alder");
      buf_puts(out, at + strlen("fødselsdato"));
    } else {
      buf_puts(out, "alderen ut fra ");
      buf_puts(out, d.data ? d.data : "");
    }
    oom_pop(&hold);
    buf_free(&d);
    return;
  }
  static const char *const between[][2] = { { "dager_mellom", "dager" }, { "måneder_mellom", "måneder" }, { "år_mellom", "år" } };
  for (size_t i = 0; i < 3; i++)
    if (!strcmp(n, between[i][0]) && a->len == 2) {
      buf_printf(out, "%s fra ", between[i][1]);
      value_words(p, a->items[0], out);
      buf_puts(out, " til ");
      value_words(p, a->items[1], out);
      return;
    }
  spaced(n, strlen(n), out);
  buf_puts(out, " (");
  args_words(p, a, out);
  buf_putc(out, ')');
}

static void quant_head(const bc_program *p, const ast_expr *e, buf *out)
{
  value_words(p, e->u.quant.coll, out);
  if (e->u.quant.filter) {
    buf_puts(out, " (der ");
    words_cond(p, e->u.quant.filter, true, out);
    buf_putc(out, ')');
  }
}

static void value_words(const bc_program *p, const ast_expr *e, buf *out)
{
  char d[16];
  switch (e->kind) {
  case AST_NUM: number(e->u.num, out); return;
  case AST_STR: literal(p, BC_NONE, e->u.str.s, e->u.str.len, out); return;
  case AST_DATE: date_format_nb(e->u.date, d); buf_puts(out, d); return;
  case AST_DUR: duration(e->u.dur.months, e->u.dur.days, out); return;
  case AST_BOOL: buf_puts(out, e->u.boolean ? "ja" : "nei"); return;
  case AST_UNKNOWN: buf_puts(out, "ukjent"); return;
  case AST_NAME:
    switch (e->u.name.kind) {
    case NAME_PARAM: value_words(p, e->u.name.param->value, out); return;
    case NAME_TODAY: buf_puts(out, "vurderingsdatoen"); return;
    case NAME_ROOTFIELD:
      words_field(p, p->root, e->u.name.slot, out);
      buf_printf(out, "%c%u:%u%c", WORDS_FACT, p->root, e->u.name.slot, WORDS_FACT);
      return;
    case NAME_DEF: words_cond(p, e, true, out); return;
    default: {
      uint32_t rec = record_of(p, e->type);
      if (rec != BC_NONE) buf_puts(out, bc_str(p, p->records.items[rec].name));
      else buf_puts(out, "verdien");          /* an element of a list of values: «verdien er …» */
      return;
    }
    }
  case AST_FIELD: {
    uint32_t rec = record_of(p, e->u.field.base->type);
    if (rec != BC_NONE && kind_of(p, e->u.field.base->type) == TK_REC) {
      words_field(p, rec, e->u.field.field, out);
      buf_printf(out, "%c%u:%u%c", WORDS_FACT, rec, e->u.field.field, WORDS_FACT);
    } else {
      spaced(e->u.field.name, strlen(e->u.field.name), out);
    }
    return;
  }
  case AST_CALL:
    if (e->u.call.def || kind_of(p, e->type) == TK_BOOL) words_cond(p, e, true, out);
    else builtin_value(p, e, out);
    return;
  case AST_NEG: buf_puts(out, "minus "); value_words(p, e->u.unary, out); return;
  case AST_BINARY: {
    ast_binop op = e->u.bin.op;
    bool date = kind_of(p, e->u.bin.l->type) == TK_DATE;
    if ((op == BIN_ADD || op == BIN_SUB) && date) {    /* start + 6 måneder: «6 måneder etter start» */
      value_words(p, e->u.bin.r, out);
      buf_puts(out, op == BIN_ADD ? " etter " : " før ");
      value_words(p, e->u.bin.l, out);
      return;
    }
    static const char *const arith[] = { [BIN_ADD] = " pluss ", [BIN_SUB] = " minus ", [BIN_MUL] = " ganger ", [BIN_DIV] = " delt på " };
    if (op <= BIN_DIV) {
      value_words(p, e->u.bin.l, out);
      buf_puts(out, arith[op]);
      value_words(p, e->u.bin.r, out);
      return;
    }
    words_cond(p, e, true, out);
    return;
  }
  case AST_QUANT:
    if (e->u.quant.q == Q_COUNT) {
      buf_puts(out, "antall ");
      quant_head(p, e, out);
      return;
    }
    words_cond(p, e, true, out);
    return;
  case AST_LIST:
    for (size_t i = 0; i < e->u.list.len; i++) {
      if (i) buf_puts(out, i + 1 == e->u.list.len ? " eller " : ", ");
      value_words(p, e->u.list.items[i], out);
    }
    return;
  case AST_NOT: words_cond(p, e, true, out); return;
  }
}

/* The verb of a comparison, when it holds and when it does not, by the kind compared. */
static const char *compare_verb(ast_binop op, bool dates, bool holds)
{
  static const char *const date_words[][2] = {
    [BIN_LT] = { "er før", "er ikke før" }, [BIN_LE] = { "er ikke etter", "er etter" },
    [BIN_GT] = { "er etter", "er ikke etter" }, [BIN_GE] = { "er ikke før", "er før" },
  };
  static const char *const num_words[][2] = {
    [BIN_LT] = { "er under", "er ikke under" }, [BIN_LE] = { "er høyst", "er over" },
    [BIN_GT] = { "er over", "er ikke over" }, [BIN_GE] = { "er minst", "er under" },
  };
  switch (op) {
  case BIN_EQ: return holds ? "er" : "er ikke";
  case BIN_NE: return holds ? "er ikke" : "er";
  case BIN_IN: return holds ? "er blant" : "er ikke blant";
  case BIN_LT: case BIN_LE: case BIN_GT: case BIN_GE: return (dates ? date_words : num_words)[op][holds ? 0 : 1];
  default: return holds ? "er" : "er ikke";
  }
}

/* The parts of a chain of one operator (a og b og c), flattened. */
static void chain(const ast_expr *e, ast_binop op, const ast_expr **parts, size_t *n, size_t max)
{
  if (e->kind == AST_BINARY && e->u.bin.op == op) {
    chain(e->u.bin.l, op, parts, n, max);
    chain(e->u.bin.r, op, parts, n, max);
  } else if (*n < max) {
    parts[(*n)++] = e;
  }
}

static void builtin_cond(const bc_program *p, const ast_expr *e, bool holds, buf *out)
{
  const char *n = e->u.call.name;
  const ast_list *a = &e->u.call.args;
  static const char *const forms[][3] = {
    { "skrevet", "er fylt ut", "er ikke fylt ut" },
    { "mangler", "er ikke registrert", "er registrert" },
    { "samsvarer", "har riktig form", "har ikke riktig form" },
    { "gjelder_regel", "gjelder denne regelen", "gjelder ikke denne regelen" },
    { "gjelder_element", "gjelder dette elementet", "gjelder ikke dette elementet" },
    { "inneholder", "inneholder", "inneholder ikke" },
  };
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
    if (!strcmp(n, forms[i][0]) && a->len >= 1) {
      value_words(p, a->items[0], out);
      buf_printf(out, " %s", forms[i][holds ? 1 : 2]);
      if (!strcmp(n, "inneholder") && a->len == 2) {
        buf_putc(out, ' ');
        value_words(p, a->items[1], out);
      }
      return;
    }
  if (!holds) buf_puts(out, "ikke: ");
  builtin_value(p, e, out);
}

void words_cond(const bc_program *p, const ast_expr *e, bool holds, buf *out)
{
  const ast_def *d = def_of(e);
  if (d) {
    const ast_list *args = e->kind == AST_CALL ? &e->u.call.args : NULL;
    if (holds && d->has_phrase) phrase(p, d, args, &d->phrase, out);
    else if (!holds && d->has_phrase_false) phrase(p, d, args, &d->phrase_false, out);
    else {
      if (!holds) buf_puts(out, "det er ikke slik at ");
      if (d->has_phrase) phrase(p, d, args, &d->phrase, out);
      else {
        spaced(d->name, strlen(d->name), out);
        if (args && args->len) {
          buf_puts(out, " (");
          args_words(p, args, out);
          buf_putc(out, ')');
        }
      }
    }
    return;
  }
  switch (e->kind) {
  case AST_NOT: words_cond(p, e->u.unary, !holds, out); return;
  case AST_BOOL: buf_puts(out, e->u.boolean == holds ? "sant" : "usant"); return;
  case AST_CALL: builtin_cond(p, e, holds, out); return;
  case AST_QUANT: {
    bool all = e->u.quant.q == Q_ALL;
    buf_puts(out, all ? (holds ? "alle " : "ikke alle ") : (holds ? "minst én av " : "ingen av "));
    quant_head(p, e, out);
    buf_puts(out, ": ");
    words_cond(p, e->u.quant.body, true, out);
    return;
  }
  case AST_BINARY: {
    ast_binop op = e->u.bin.op;
    if (op == BIN_AND || op == BIN_OR) {
      const ast_expr *parts[16];
      size_t n = 0;
      chain(e, op, parts, &n, 16);
      /* og that holds, eller that does not: every part as it is; the others say so first */
      bool every = (op == BIN_AND) == holds;
      if (!every) buf_puts(out, op == BIN_AND ? "ikke alt av dette: " : "ingen av disse: ");
      for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(out, every ? (i + 1 == n ? (op == BIN_AND ? " og " : " eller ") : ", ") : "; ");
        words_cond(p, parts[i], every ? holds : true, out);
      }
      return;
    }
    if (op == BIN_IN && e->u.bin.r->kind == AST_LIST) {     /* type i ["a", "b"]: «type er a eller b» */
      value_words(p, e->u.bin.l, out);
      buf_puts(out, holds ? " er " : " er verken ");
      for (size_t i = 0; i < e->u.bin.r->u.list.len; i++) {
        if (i) buf_puts(out, i + 1 == e->u.bin.r->u.list.len ? " eller " : ", ");
        compared(p, e->u.bin.r->u.list.items[i], e->u.bin.l, out);
      }
      return;
    }
    /* lengde(L) > 0: «tiltakene: minst én registrert» */
    const ast_expr *cnt = e->u.bin.l;
    if (cnt->kind == AST_CALL && !cnt->u.call.def && !strcmp(cnt->u.call.name, "lengde") && cnt->u.call.args.len == 1 &&
        e->u.bin.r->kind == AST_NUM && ((op == BIN_GT && e->u.bin.r->u.num == 0) || (op == BIN_GE && e->u.bin.r->u.num == 1))) {
      value_words(p, cnt->u.call.args.items[0], out);
      buf_puts(out, holds ? ": minst én registrert" : ": ingen registrert");
      return;
    }
    bool dates = kind_of(p, e->u.bin.l->type) == TK_DATE || kind_of(p, e->u.bin.r->type) == TK_DATE;
    compared(p, e->u.bin.l, e->u.bin.r, out);
    buf_printf(out, " %s ", compare_verb(op, dates, holds));
    compared(p, e->u.bin.r, e->u.bin.l, out);
    /* an age is counted in years */
    const ast_expr *l = e->u.bin.l;
    if (l->kind == AST_CALL && !l->u.call.def && (!strcmp(l->u.call.name, "alder") || !strcmp(l->u.call.name, "alder_ved")) &&
        kind_of(p, e->u.bin.r->type) == TK_NUM)
      buf_puts(out, " år");
    return;
  }
  default:
    /* a fact that is itself yes or no: «tolk brukt: ja» */
    value_words(p, e, out);
    buf_puts(out, holds ? ": ja" : ": nei");
    return;
  }
}
