/*
** `norm doc RULES`: the rule catalogue in Markdown, generated from the rule files
** themselves — guidelines, rules (id, strength, title, quote, sources, scope, check,
** validity, documentation points) and the parameters each rule depends on — so the
** published list of rules can never disagree with the rules. docs/regler.md is its output.
*/
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "date.h"
#include "frontend.h"

const char *const usage_doc =
  "Bruk: norm doc [STI]\n"
  "\n"
  "Skriver regelkatalogen (Markdown) for regelsettet i STI (standard: de leverte reglene)\n"
  "til standard ut: retningslinjer, regler med id, styrke, tittel, sitat, kilder,\n"
  "gyldighet, vilkår, dokumentasjonspunkter og parametere. Eksempel:\n"
  "  norm doc rules/ > docs/regler.md\n";

static bool is_std(const srcset *s, srcloc l)
{
  return s->files.items[l.file].path == NULL;       /* embedded stdlib */
}

static const char *file_name(const srcset *s, srcloc l) { return s->files.items[l.file].name; }

/* Source text on one line (continuation lines joined), for a Markdown code span. */
static void code(const srcset *s, const ast_expr *e, FILE *out)
{
  char *t = src_span(s, e->loc);
  fputc('`', out);
  bool space = false;
  for (const char *p = t; *p; p++) {
    if (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r') { space = true; continue; }
    if (space) fputc(' ', out);
    space = false;
    fputc(*p == '`' ? '\'' : *p, out);
  }
  fputc('`', out);
  free(t);
}

static void md_text(const char *s, FILE *out)
{
  for (; *s; s++) {
    if (*s == '|' || *s == '*' || *s == '_' || *s == '<' || *s == '[') fputc('\\', out);
    fputc(*s, out);
  }
}

static void date_nb(int32_t d, FILE *out)
{
  char b[16];
  date_format_nb(d, b);
  fputs(b, out);
}

static const char *strength_name(strength s) { return s == STRENGTH_KRAV ? "krav" : s == STRENGTH_BOR ? "bør" : "kan"; }

static void rule_doc(const srcset *s, const ast_rule *r, FILE *out)
{
  fprintf(out, "### %s – ", r->id);
  md_text(r->title.s, out);
  fprintf(out, " (%s)\n\n", strength_name(r->strength));
  if (r->has_quote) {
    fputs("> «", out);
    md_text(r->quote.s, out);
    fputs("»\n\n", out);
  }
  fputs("- **Kilder:** ", out);
  for (size_t i = 0; i < r->sources.len; i++) {
    if (i) fputs("; ", out);
    md_text(r->sources.items[i].s, out);
  }
  if (!r->sources.len) fputs("(ingen)", out);
  fputc('\n', out);
  if (r->has_from || r->has_to) {
    fputs("- **Gyldig:** ", out);
    if (r->has_from) { fputs("fra ", out); date_nb(r->from, out); }
    if (r->has_to) { fputs(r->has_from ? " til og med " : "til og med ", out); date_nb(r->to, out); }
    fputs(" (innenfor retningslinjens gyldighet)\n", out);
  }
  if (r->coll) {
    fprintf(out, "- **Per element:** for hvert `%s` i ", r->var);
    code(s, r->coll, out);
    if (r->filter) { fputs(" der ", out); code(s, r->filter, out); }
    fputc('\n', out);
  }
  if (r->scope) { fputs("- **Når:** ", out); code(s, r->scope, out); fputc('\n', out); }
  if (r->exception) { fputs("- **Unntak:** ", out); code(s, r->exception, out); fputc('\n', out); }
  if (r->check) { fputs("- **Krav:** ", out); code(s, r->check, out); fputc('\n', out); }
  /* The parameters the rule reaches, also through definitions: as semantic analysis found them. */
  const ast_uses *u = &r->uses;
  if (u->params.len) {
    fputs("- **Parametere:** ", out);
    for (size_t i = 0; i < u->params.len; i++) {
      fprintf(out, "%s`%s` = ", i ? ", " : "", u->params.items[i]->name);
      code(s, u->params.items[i]->value, out);
    }
    fputc('\n', out);
  }
  if (u->facts.len) {
    fputs("- **Opplysninger fra saksmappen:** ", out);
    for (size_t i = 0; i < u->facts.len; i++) fprintf(out, "%s`%s`", i ? ", " : "", u->facts.items[i]);
    fputc('\n', out);
  }
  for (size_t i = 0; i < r->docs.len; i++) {
    fprintf(out, "- **Dokumentasjon%s:** `%s` – ", r->docs.items[i].on_deviation ? " ved avvik" : "", r->docs.items[i].type);
    md_text(r->docs.items[i].text.s, out);
    fputc('\n', out);
  }
  if (r->aliases.len) {
    fputs("- **Tidligere id:** ", out);
    for (size_t i = 0; i < r->aliases.len; i++) fprintf(out, "%s%s", i ? ", " : "", r->aliases.items[i]);
    fputc('\n', out);
  }
  fprintf(out, "- **Regelfil:** `%s`, linje %u\n\n", file_name(s, r->loc), r->loc.line);
}

static void guideline_doc(const srcset *s, const ast_guideline *g, FILE *out)
{
  fprintf(out, "## %s – ", g->id);
  md_text(g->title.s, out);
  fputs("\n\n", out);
  if (g->has_publisher) { fputs("- **Utgiver:** ", out); md_text(g->publisher.s, out); fputc('\n', out); }
  if (g->has_version) { fputs("- **Versjon:** ", out); md_text(g->version.s, out); fputc('\n', out); }
  if (g->has_updated) { fputs("- **Sist oppdatert:** ", out); date_nb(g->updated, out); fputc('\n', out); }
  fputs("- **I kraft:** ", out);
  if (g->has_from) { fputs("fra ", out); date_nb(g->from, out); }
  if (g->has_to) { fputs(" til og med ", out); date_nb(g->to, out); }
  if (!g->has_from && !g->has_to) fputs("alltid", out);
  fputc('\n', out);
  if (g->has_document) fprintf(out, "- **Kildedokument:** `%s`\n", g->document.s);
  if (g->cond) { fputs("- **Gjelder når:** ", out); code(s, g->cond, out); fputc('\n', out); }
  fprintf(out, "- **Regelfil:** `%s`\n\n", file_name(s, g->loc));
  fputs("| Id | Styrke | Tittel |\n|---|---|---|\n", out);
  for (size_t i = 0; i < g->rules.len; i++) {
    fprintf(out, "| [%s](#", g->rules.items[i]->id);
    for (const char *p = g->rules.items[i]->id; *p; p++) fputc(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p, out);
    fprintf(out, ") | %s | ", strength_name(g->rules.items[i]->strength));
    md_text(g->rules.items[i]->title.s, out);
    fputs(" |\n", out);
  }
  fputc('\n', out);
  for (size_t i = 0; i < g->rules.len; i++) rule_doc(s, g->rules.items[i], out);
}

static void write_doc(void *ctx, ast_unit *u, const bc_program *p)
{
  FILE *out = ctx;
  size_t nrules = 0;
  for (size_t i = 0; i < u->guidelines.len; i++) nrules += u->guidelines.items[i]->rules.len;
  fprintf(out, "# Regelkatalog: %s\n\n", bc_str(p, p->name));
  fputs("Generert av `norm doc` fra regelfilene; rediger regelfilene, ikke denne siden.\n", out);
  fprintf(out, "Regelsettet har %zu retningslinjer og %zu regler.\n\n", u->guidelines.len, nrules);
  fputs("Styrke: **krav** (ikke oppfylt gir brudd), **bør** (ikke oppfylt gir avvik; begrunnet avvik når saksmappen "
        "har en avviksbegrunnelse), **kan** (et punkt å vurdere, aldri en feil).\n\n", out);
  for (size_t i = 0; i < u->guidelines.len; i++) guideline_doc(u->src, u->guidelines.items[i], out);
  fputs("## Parametere\n\n| Navn | Verdi | Regelfil |\n|---|---|---|\n", out);
  for (size_t i = 0; i < u->params.len; i++) {
    const ast_param *a = u->params.items[i];
    if (is_std(u->src, a->loc)) continue;
    fprintf(out, "| `%s` | ", a->name);
    code(u->src, a->value, out);
    fprintf(out, " | `%s`, linje %u |\n", file_name(u->src, a->loc), a->loc.line);
  }
}

int cmd_doc(int argc, char **argv)
{
  if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    fputs(usage_doc, stdout);
    return EXIT_CLEAN;
  }
  if (argc > 2) return cli_usage_error("doc", "%s", "bare én regelmappe eller regelfil");
  if (argc == 2 && argv[1][0] == '-') return cli_usage_error("doc", "ukjent valg «%s»", argv[1]);
  char def[4096];
  const char *path = argc == 2 ? argv[1] : cli_default_rules(def, sizeof def);
  srcset src;
  src_init(&src);
  const char *paths[1] = { path };
  bool ok = fe_analyze(&src, paths, 1, NULL, write_doc, stdout);
  diag_print_all(&src, stderr, cli_use_color("auto", stderr));
  src_free(&src);
  return ok ? EXIT_CLEAN : EXIT_USAGE;
}
