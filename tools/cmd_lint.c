/*
** `norm lint RULES`: what compiles but is probably wrong. Duplicate rule ids in force at
** the same time; a rule without sources, quote or test; a bør without a documentation
** point; a parameter or definition never used; a condition that is always true or
** always false; validity dates that leave a rule never in force. Each is a diagnostic
** with file:line:col and a caret, in Norwegian.
*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <getopt.h>

#include "cli.h"
#include "commands.h"
#include "frontend.h"
#include "quote.h"
#include "ruletest.h"

const char *const usage_lint =
  "Bruk: norm lint [--kilder MAPPE] [STI]\n"
  "\n"
  "Ser etter det som kompilerer, men trolig er feil, i regelsettet i STI (standard: de\n"
  "leverte reglene): like regel-id-er som gjelder samtidig, regler uten kilder, sitat\n"
  "eller test (.normtest i samme mappe), bør-regler uten dokumentasjonspunkt, parametere\n"
  "og definisjoner som aldri brukes, vilkår som alltid er sanne eller alltid usanne,\n"
  "«når» i en regel per element som ikke gjelder elementet, og gyldighetsdatoer som gjør\n"
  "at en regel aldri gjelder.\n"
  "\n"
  "Valg:\n"
  "  --kilder MAPPE     kontroller også at hvert sitat står ordrett i dokumentet som\n"
  "                     retningslinjen oppgir («dokument \"fil.txt\"»), i MAPPE. Mellomrom,\n"
  "                     linjeskift, punkttegn i lister og grenser mellom tabellceller teller\n"
  "                     ikke; «[…]» i et sitat markerer en utelatelse\n"
  "  -h, --help         vis denne hjelpen\n"
  "\n"
  "Utgangsstatus: 0 ingen funn, 1 funn, 2 regelsettet kan ikke kompileres.\n";

typedef struct {
  srcset *src;
  const char *dir;           /* where the .normtest files are */
  rt_suite *tests;
  const char *sources;       /* --kilder: folder of the guideline documents, or NULL */
} linter;

/* --kilder: every quote of the guideline's rules against the document it names. */
static void lint_quotes(linter *l, const ast_guideline *g)
{
  bool any = false;
  for (size_t i = 0; i < g->rules.len; i++) any |= g->rules.items[i]->has_quote;
  if (!any) return;
  if (!g->has_document) {
    diag_at(l->src, DIAG_WARNING, g->loc, "retningslinjen %s oppgir ikke noe dokument («dokument \"fil.txt\"»); "
            "sitatene i den kan ikke kontrolleres", g->id);
    return;
  }
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", l->sources, g->document.s);
  size_t len;
  const char *err;
  char *doc = read_file(path, 64u << 20, &len, &err);
  if (!doc) {
    diag_at(l->src, DIAG_WARNING, g->document.loc, "dokumentet %s %s; sitatene i retningslinjen %s kan ikke kontrolleres",
            path, err, g->id);
    return;
  }
  for (size_t i = 0; i < g->rules.len; i++) {
    const ast_rule *r = g->rules.items[i];
    if (!r->has_quote) continue;
    buf why;
    buf_init(&why);
    if (!quote_in_text(doc, len, r->quote.s, &why))
      diag_at(l->src, DIAG_WARNING, r->quote.loc, "sitatet i %s står ikke ordrett i %s: %s; skriv det slik det står, "
              "og marker det som er utelatt med «[…]»", r->id, g->document.s, why.data);
    buf_free(&why);
  }
  free(doc);
}

static bool is_std(const srcset *s, srcloc l) { return s->files.items[l.file].path == NULL; }

/* ---- conditions that are always true or always false ---- */

typedef enum { CV_NONE, CV_NUM, CV_STR, CV_DATE, CV_BOOL } cv_kind;
typedef struct { cv_kind k; double num; const char *s; int32_t date; bool b; } cv;

static cv fold(const srcset *src, const ast_expr *e, int depth);

static cv cv_bool(bool b) { cv v = { CV_BOOL, 0, NULL, 0, b }; return v; }

static int cv_cmp(cv a, cv b)
{
  if (a.k == CV_NUM) return a.num < b.num ? -1 : a.num > b.num;
  if (a.k == CV_DATE) return a.date < b.date ? -1 : a.date > b.date;
  if (a.k == CV_STR) return strcmp(a.s, b.s);
  return (int)a.b - (int)b.b;
}

static bool same_text(const srcset *s, const ast_expr *a, const ast_expr *b)
{
  char *x = src_span(s, a->loc), *y = src_span(s, b->loc);
  bool same = !strcmp(x, y);
  free(x);
  free(y);
  return same;
}

static cv fold(const srcset *src, const ast_expr *e, int depth)
{
  cv none = { CV_NONE, 0, NULL, 0, false };
  if (!e || depth > 64) return none;
  switch (e->kind) {
  case AST_NUM: { cv v = { CV_NUM, e->u.num, NULL, 0, false }; return v; }
  case AST_STR: { cv v = { CV_STR, 0, e->u.str.s, 0, false }; return v; }
  case AST_DATE: { cv v = { CV_DATE, 0, NULL, e->u.date, false }; return v; }
  case AST_BOOL: return cv_bool(e->u.boolean);
  case AST_NAME:
    return e->u.name.kind == NAME_PARAM && e->u.name.param ? fold(src, e->u.name.param->value, depth + 1) : none;
  case AST_NOT: {
    cv a = fold(src, e->u.unary, depth + 1);
    return a.k == CV_BOOL ? cv_bool(!a.b) : none;
  }
  case AST_BINARY: {
    cv a = fold(src, e->u.bin.l, depth + 1), b = fold(src, e->u.bin.r, depth + 1);
    ast_binop op = e->u.bin.op;
    if (op == BIN_AND) {
      if ((a.k == CV_BOOL && !a.b) || (b.k == CV_BOOL && !b.b)) return cv_bool(false);
      return a.k == CV_BOOL && b.k == CV_BOOL ? cv_bool(true) : none;
    }
    if (op == BIN_OR) {
      if ((a.k == CV_BOOL && a.b) || (b.k == CV_BOOL && b.b)) return cv_bool(true);
      return a.k == CV_BOOL && b.k == CV_BOOL ? cv_bool(false) : none;
    }
    bool cmp = op == BIN_EQ || op == BIN_NE || op == BIN_LT || op == BIN_LE || op == BIN_GT || op == BIN_GE;
    if (!cmp) return none;
    int c;
    if (a.k != CV_NONE && a.k == b.k) c = cv_cmp(a, b);
    else if (same_text(src, e->u.bin.l, e->u.bin.r)) c = 0;   /* x = x, x < x … */
    else return none;
    switch (op) {
    case BIN_EQ: return cv_bool(c == 0);
    case BIN_NE: return cv_bool(c != 0);
    case BIN_LT: return cv_bool(c < 0);
    case BIN_LE: return cv_bool(c <= 0);
    case BIN_GT: return cv_bool(c > 0);
    default: return cv_bool(c >= 0);
    }
  }
  default: return none;
  }
}

/* Reports the outermost sub-expressions of e that are constant booleans. */
static void constant_conds(linter *l, const ast_expr *e, const char *where)
{
  if (!e) return;
  cv v = fold(l->src, e, 0);
  if (v.k == CV_BOOL) {
    diag_at(l->src, DIAG_WARNING, e->loc, "vilkåret i %s er alltid %s, uansett sak", where, v.b ? "sant" : "usant");
    return;
  }
  switch (e->kind) {
  case AST_NOT: case AST_NEG: constant_conds(l, e->u.unary, where); break;
  case AST_BINARY: constant_conds(l, e->u.bin.l, where); constant_conds(l, e->u.bin.r, where); break;
  case AST_QUANT:
    constant_conds(l, e->u.quant.filter, where);
    constant_conds(l, e->u.quant.body, where);
    break;
  case AST_CALL:
    for (size_t i = 0; i < e->u.call.args.len; i++) constant_conds(l, e->u.call.args.items[i], where);
    break;
  default: break;
  }
}

/* ---- per rule ---- */

/* Whether e reads the variable `var` (the rule's item), as semantic analysis resolved it. */
static bool reads_var(const ast_expr *e, const char *var)
{
  if (!e) return false;
  switch (e->kind) {
  case AST_NAME: return e->u.name.kind == NAME_LOCAL && !strcmp(e->u.name.name, var);
  case AST_FIELD: return reads_var(e->u.field.base, var);
  case AST_CALL:
    for (size_t i = 0; i < e->u.call.args.len; i++)
      if (reads_var(e->u.call.args.items[i], var)) return true;
    return false;
  case AST_NOT: case AST_NEG: return reads_var(e->u.unary, var);
  case AST_BINARY: return reads_var(e->u.bin.l, var) || reads_var(e->u.bin.r, var);
  case AST_QUANT:
    return reads_var(e->u.quant.coll, var) ||
           (strcmp(e->u.quant.var, var) && (reads_var(e->u.quant.filter, var) || reads_var(e->u.quant.body, var)));
  case AST_LIST:
    for (size_t i = 0; i < e->u.list.len; i++)
      if (reads_var(e->u.list.items[i], var)) return true;
    return false;
  default: return false;
  }
}

static bool overlaps(int32_t a0, int32_t a1, int32_t b0, int32_t b1) { return a0 <= b1 && b0 <= a1; }

static void lint_rule(linter *l, ast_unit *u, const ast_guideline *g, const ast_rule *r)
{
  if (!r->sources.len) diag_at(l->src, DIAG_WARNING, r->id_loc, "regelen %s har ingen kilder («kilder …»)", r->id);
  if (!r->has_quote)
    diag_at(l->src, DIAG_WARNING, r->id_loc, "regelen %s siterer ikke retningslinjen («sitat …»)", r->id);
  if (r->strength == STRENGTH_BOR && !r->docs.len)
    diag_at(l->src, DIAG_WARNING, r->id_loc,
            "bør-regelen %s har ikke noe dokumentasjonspunkt; et avvik skal dokumenteres og begrunnes "
            "(«dokumenter avviksbegrunnelse \"…\" ved avvik»)", r->id);
  if (l->tests && !rt_suite_mentions(l->tests, r->id))
    diag_at(l->src, DIAG_WARNING, r->id_loc, "regelen %s har ingen test («forvent %s …» i en .normtest-fil i %s)", r->id,
            r->id, l->dir);
  int32_t gf = g->has_from ? g->from : INT32_MIN, gt = g->has_to ? g->to : INT32_MAX;
  int32_t rf = r->has_from ? r->from : INT32_MIN, rt = r->has_to ? r->to : INT32_MAX;
  if (rf > rt)
    diag_at(l->src, DIAG_WARNING, r->id_loc, "regelen %s gjelder aldri: gjelder_fra er etter gjelder_til", r->id);
  else if (!overlaps(rf, rt, gf, gt))
    diag_at(l->src, DIAG_WARNING, r->id_loc,
            "regelen %s gjelder aldri: gyldigheten ligger utenfor retningslinjen %s sin", r->id, g->id);
  /* The same id in force at the same time in another guideline (version). */
  for (size_t i = 0; i < u->guidelines.len; i++) {
    const ast_guideline *h = u->guidelines.items[i];
    if (h == g) continue;
    for (size_t j = 0; j < h->rules.len; j++) {
      const ast_rule *o = h->rules.items[j];
      if (strcmp(o->id, r->id) || o->loc.off >= r->loc.off) continue;
      int32_t hf = h->has_from ? h->from : INT32_MIN, ht = h->has_to ? h->to : INT32_MAX;
      int32_t of = o->has_from ? o->from : INT32_MIN, ot = o->has_to ? o->to : INT32_MAX;
      int32_t a0 = rf > gf ? rf : gf, a1 = rt < gt ? rt : gt, b0 = of > hf ? of : hf, b1 = ot < ht ? ot : ht;
      if (overlaps(a0, a1, b0, b1) && o->loc.file == r->loc.file)
        diag_at(l->src, DIAG_WARNING, r->id_loc, "regel-id-en %s er også brukt på linje %u, og begge gjelder samtidig",
                r->id, o->id_loc.line);
      else if (overlaps(a0, a1, b0, b1))
        diag_at(l->src, DIAG_WARNING, r->id_loc, "regel-id-en %s er også brukt i %s, linje %u, og begge gjelder samtidig",
                r->id, l->src->files.items[o->loc.file].name, o->id_loc.line);
    }
  }
  /* A per-item rule's «når» that never reads the item is a condition on the case: when it is
  ** false, no item is in scope, which the catalogue reports as one ikke_aktuell for the case. */
  if (r->var && r->scope && !reads_var(r->scope, r->var))
    diag_at(l->src, DIAG_WARNING, r->scope->loc,
            "«når» i regelen %s gjelder hele saken, ikke det enkelte «%s»: er det usant, gir regelen ett "
            "ikke_aktuell per element i stedet for ett for saken; flytt vilkåret til «for hvert %s i … der …»",
            r->id, r->var, r->var);
  /* an explanation says what a definition means, in the words the editor gave it */
  for (size_t i = 0; i < r->uses.defs.len; i++) {
    const ast_def *d = r->uses.defs.items[i];
    if (!d->has_phrase)
      diag_at(l->src, DIAG_WARNING, d->loc, "definisjonen «%s» (brukt av %s) har ingen tekst som sier hva den betyr; "
              "skriv «definisjon %s%s \"…\" ikke \"…\" = …», så forklaringene kan bruke den",
              d->name, r->id, d->name, d->params.len ? "(…)" : "");
  }
  constant_conds(l, r->filter, "«der»");
  constant_conds(l, r->scope, "«når»");
  constant_conds(l, r->exception, "«unntak»");
  constant_conds(l, r->check, "«krev»");
}

static void run_lint(void *ctx, ast_unit *u, const bc_program *p)
{
  linter *l = ctx;
  (void)p;
  for (size_t i = 0; i < u->guidelines.len; i++) {
    const ast_guideline *g = u->guidelines.items[i];
    if (g->has_from && g->has_to && g->from > g->to)
      diag_at(l->src, DIAG_WARNING, g->loc, "retningslinjen %s gjelder aldri: gjelder_fra er etter gjelder_til", g->id);
    constant_conds(l, g->cond, "«gjelder_når»");
    for (size_t j = 0; j < g->rules.len; j++) lint_rule(l, u, g, g->rules.items[j]);
    if (l->sources) lint_quotes(l, g);
  }
  for (size_t i = 0; i < u->params.len; i++) {
    const ast_param *a = u->params.items[i];
    if (!a->used && !is_std(u->src, a->loc))
      diag_at(l->src, DIAG_WARNING, a->loc, "parameteren «%s» brukes ikke av noen regel", a->name);
  }
  /* a choice value written as code (rad_og_veiledning) reaches people unless it has a name */
  for (size_t i = 0; i < u->typespecs.len; i++) {
    const ast_typespec *t = u->typespecs.items[i];
    if (strcmp(t->name, "valg") || is_std(u->src, t->loc)) continue;
    for (size_t k = 0; k < t->args.len; k++)
      if (!t->arg_labels.items[k].s && memchr(t->args.items[k].s, '_', t->args.items[k].len))
        diag_at(l->src, DIAG_WARNING, t->args.items[k].loc, "verdien «%s» har ikke noe navn, og vises slik i meldinger "
                "og forklaringer; skriv \"%s\" = \"det folk kaller den\"", t->args.items[k].s, t->args.items[k].s);
  }
  for (size_t i = 0; i < u->defs.len; i++) {
    const ast_def *d = u->defs.items[i];
    if (!is_std(u->src, d->loc)) {
      if (!d->used) diag_at(l->src, DIAG_WARNING, d->loc, "definisjonen «%s» brukes ikke", d->name);
      constant_conds(l, d->body, "definisjonen");
    }
  }
}

int cmd_lint(int argc, char **argv)
{
  static const struct option opts[] = {
    { "kilder", required_argument, 0, 'k' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  const char *sources = NULL;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'k': sources = optarg; break;
    case 'h': fputs(usage_lint, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("lint", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (argc - optind > 1) return cli_usage_error("lint", "%s", "bare én regelmappe eller regelfil");
  struct stat st;
  if (sources && (stat(sources, &st) != 0 || !S_ISDIR(st.st_mode)))
    return cli_usage_error("lint", "--kilder: «%s» er ikke en mappe", sources);
  char def[PATH_MAX], dir[PATH_MAX];
  const char *path = optind < argc ? argv[optind] : cli_default_rules(def, sizeof def);
  snprintf(dir, sizeof dir, "%s", path);
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else strcpy(dir, ".");
  }
  bool color = cli_use_color("auto", stderr);
  bc_program p;
  if (!fe_load_ruleset(path, &p, stderr, color)) return EXIT_USAGE;
  linter l = { NULL, dir, rt_suite_new(&p, NULL), sources };
  cli_names names;
  if (cli_list_dir(dir, ".normtest", &names)) {
    for (size_t i = 0; i < names.len; i++) {
      char full[PATH_MAX + 256];
      snprintf(full, sizeof full, "%s/%s", dir, names.items[i]);
      rt_suite_add_file(l.tests, full, stderr);
    }
    cli_names_free(&names);
  }
  srcset src;
  src_init(&src);
  l.src = &src;
  const char *paths[1] = { path };
  bool ok = fe_analyze(&src, paths, 1, NULL, run_lint, &l);
  size_t warnings = 0;
  for (size_t i = 0; i < src.diags.len; i++) warnings += src.diags.items[i].level == DIAG_WARNING;
  diag_print_all(&src, stderr, color);
  if (ok) fprintf(stderr, "%zu %s\n", warnings, warnings == 1 ? "funn" : "funn");
  src_free(&src);
  rt_suite_free(l.tests);
  bc_free(&p);
  return !ok ? EXIT_USAGE : warnings ? EXIT_FINDINGS : EXIT_CLEAN;
}
