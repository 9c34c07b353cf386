/*
** The HTML report: one self-contained file (inline CSS, the decision path as inline SVG,
** no scripts, no external requests) that a person can open, print on A4 and file. Semantic
** headings and tables with headers for screen readers; every status is written out, so
** colour is never the only signal. With several cases, an index table comes first.
*/
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "explain.h"
#include "graph.h"
#include "report.h"
#include "report_html.h"

struct report_html {
  FILE *articles;              /* every case's section, written when the document ends */
  char *text;
  size_t len;
  buf index;                   /* one table row per case */
  size_t ncases;
  const bc_program *p;
  GVC_t *gvc;
};

static const char *const strength_word[] = { "krav", "bør", "kan" };

static void esc(FILE *out, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default: fputc(*s, out);
    }
  }
}

void html_escape(buf *b, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '&': buf_puts(b, "&amp;"); break;
    case '<': buf_puts(b, "&lt;"); break;
    case '>': buf_puts(b, "&gt;"); break;
    case '"': buf_puts(b, "&quot;"); break;
    case '\'': buf_puts(b, "&#39;"); break;
    default: buf_putc(b, *s);
    }
  }
}

report_html *html_begin(GVC_t *gvc)
{
  report_html *h = xcalloc(1, sizeof *h);
  h->gvc = gvc;
  h->articles = open_memstream(&h->text, &h->len);
  buf_init(&h->index);
  if (!h->articles) {
    html_free(h);
    oom_raise();
  }
  return h;
}

/* The decisive explanation first: a list a caseworker reads, each point with its facts. */
static void explanation_list(FILE *o, const result *r, const finding *f)
{
  explanation e;
  buf b;
  buf_init(&b);
  oom_cleanup hold_e, hold_b;
  explanation_hold(&hold_e, &e);
  oom_hold_buf(&hold_b, &b);
  explain_finding(r, f, &e);
  if (e.lines.len) fputs("<div class=\"forklaring\"><h5>Hvorfor</h5>\n<ul>\n", o);
  for (size_t i = 0; i < e.lines.len; i++) {
    const expl_line *l = &e.lines.items[i];
    fputs("<li>", o);
    esc(o, l->text);
    if (l->facts.len && !l->names_facts) {
      fputs(" <span class=\"fakta\">(", o);
      for (size_t k = 0; k < l->facts.len; k++) {
        buf_reset(&b);
        explain_value(r->p, l->facts.items[k].type, l->facts.items[k].v, &b);
        if (k) fputs("; ", o);
        esc(o, l->facts.items[k].label);
        fputs(": ", o);
        esc(o, b.data ? b.data : "");
      }
      fputs(")</span>", o);
    }
    fputs("</li>\n", o);
  }
  if (e.lines.len) fputs("</ul></div>\n", o);
  oom_pop(&hold_b);
  oom_pop(&hold_e);
  buf_free(&b);
  explanation_free(&e);
}

static void why_table(FILE *o, const result *r, const finding *f)
{
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  /* the whole trace stays, folded: for whoever needs to check the reasoning step by step */
  fputs("<details class=\"spor\"><summary>Hele sporet: alle vilkår og fakta som ble vurdert</summary>\n", o);
  fputs("<table class=\"begrunnelse\"><caption>Begrunnelse: vilkår og fakta i den rekkefølgen de ble vurdert</caption>\n"
        "<thead><tr><th scope=\"col\">Vilkår eller faktum</th><th scope=\"col\">Verdi</th></tr></thead><tbody>\n", o);
  for (size_t i = 0; i < f->why.len; i++) {
    const why_entry *w = &f->why.items[i];
    buf_reset(&b);
    fputs("<tr><td>", o);
    if (w->kind == TR_FACT) {
      fputs("faktum <code>", o);
      esc(o, why_text(r, w));
      fputs("</code>", o);
      report_value_text(r->p, w->v, &b);
    } else if (w->kind == TR_NOTE || w->kind == TR_MORE) {
      fputs("merknad: ", o);
      esc(o, why_text(r, w));
    } else {
      fputs(w->kind == TR_GUIDE ? "retningslinjen gjelder når <code>" : "vilkår <code>", o);
      esc(o, why_text(r, w));
      fputs("</code>", o);
      int t = v_truth(w->v);
      buf_puts(&b, t < 0 ? "ukjent" : t ? "sann" : "usann");
    }
    fputs("</td><td>", o);
    esc(o, b.data ? b.data : "");
    fputs("</td></tr>\n", o);
  }
  fputs("</tbody></table>\n</details>\n", o);
  oom_pop(&hold);
  buf_free(&b);
}

/* A diagram as inline SVG in a figure with a caption (the picture is never the only place
** its content is said). */
static void figure(report_html *h, FILE *o, Agraph_t *g, const char *label, const char *caption)
{
  size_t len = 0;
  char *svg = graph_svg(h->gvc, g, &len);
  const char *start = svg ? strstr(svg, "<svg") : NULL;
  if (start) {
    fputs("<figure class=\"sti\" role=\"group\" aria-label=\"", o);
    esc(o, label);
    fputs("\">\n", o);
    fputs(start, o);
    fputs("<figcaption>", o);
    esc(o, caption);
    fputs("</figcaption>\n</figure>\n", o);
  } else {
    fputs("<p>Diagrammet kunne ikke tegnes.</p>\n", o);
  }
  free(svg);
}

static void finding_section(report_html *h, FILE *o, const result *r, size_t fi)
{
  const finding *f = &r->findings.items[fi];
  const bc_program *p = r->p;
  const bc_rule *rule = &p->rules.items[f->rule];
  fprintf(o, "<section class=\"funn s-%s\">\n<h4><span class=\"status\">", fstatus_name[f->status]);
  esc(o, fstatus_label[f->status]);
  fputs(":</span> ", o);
  esc(o, bc_str(p, rule->id));
  fputs(" – ", o);
  esc(o, bc_str(p, rule->title));
  fprintf(o, " <span class=\"styrke\">(%s)</span></h4>\n", strength_word[rule->strength]);
  if (f->item) {
    fputs("<p class=\"element\">Gjelder ", o);
    esc(o, f->item);
    fputs("</p>\n", o);
  }
  fputs("<p class=\"melding\">", o);
  esc(o, f->message);
  fputs("</p>\n", o);
  explanation_list(o, r, f);
  if (f->status == F_BRUDD || f->status == F_AVVIK || f->status == F_UKJENT || f->status == F_VURDER) {
    Agraph_t *g = graph_finding(r, fi);
    oom_cleanup hold;
    graph_hold(&hold, g);
    char cap[256];
    snprintf(cap, sizeof cap, "Hvorfor %s ble %s: det som avgjorde utfallet, og opplysningene det bygger på.",
             bc_str(p, rule->id), fstatus_name[f->status]);
    figure(h, o, g, "Hvorfor funnet ble som det ble", cap);
    oom_pop(&hold);
    agclose(g);
  }
  why_table(o, r, f);
  if (rule->sources.len) {
    fputs("<p class=\"kilder\"><strong>Kilder:</strong> ", o);
    for (size_t k = 0; k < rule->sources.len; k++) {
      if (k) fputs("; ", o);
      esc(o, bc_str(p, rule->sources.items[k]));
    }
    fputs("</p>\n", o);
  }
  if (rule->quote != BC_NONE && *bc_str(p, rule->quote)) {
    fputs("<blockquote><p>«", o);
    esc(o, bc_str(p, rule->quote));
    fputs("»</p></blockquote>\n", o);
  }
  fputs("</section>\n", o);
}

static void summary_row(report_html *h, const result *r, const char *anchor)
{
  char d[11];
  date_format_nb(r->date, d);
  buf_printf(&h->index, "<tr><th scope=\"row\"><a href=\"#%s\">", anchor);
  html_escape(&h->index, r->sak_id ? r->sak_id : "(uten sak_id)");
  buf_printf(&h->index, "</a></th><td>%s</td>", d);
  static const fstatus order[] = { F_BRUDD, F_AVVIK, F_UKJENT, F_VURDER, F_BEGRUNNET, F_OPPFYLT, F_IKKE_AKTUELL };
  for (size_t i = 0; i < 7; i++) buf_printf(&h->index, "<td>%zu</td>", r->counts[order[i]]);
  buf_puts(&h->index, "</tr>\n");
}

void html_add(report_html *h, const result *r)
{
  FILE *o = h->articles;
  const bc_program *p = r->p;
  h->p = p;
  char anchor[32], d[11];
  snprintf(anchor, sizeof anchor, "sak-%zu", ++h->ncases);
  summary_row(h, r, anchor);
  date_format_nb(r->date, d);
  fprintf(o, "<article id=\"%s\">\n<h2>Sak ", anchor);
  esc(o, r->sak_id ? r->sak_id : "(uten sak_id)");
  fputs("</h2>\n<dl class=\"meta\"><dt>Vurderingsdato</dt><dd>", o);
  fprintf(o, "%s</dd><dt>Regelsett</dt><dd>", d);
  esc(o, bc_str(p, p->name));
  fprintf(o, "</dd><dt>Regelsettets SHA-256</dt><dd><code>%s</code></dd></dl>\n", p->sha256_hex);

  static const fstatus order[] = { F_BRUDD, F_AVVIK, F_UKJENT, F_VURDER, F_BEGRUNNET, F_OPPFYLT, F_IKKE_AKTUELL };
  fputs("<h3>Oppsummering</h3>\n<table class=\"oppsummering\"><caption>Antall funn etter status</caption>\n"
        "<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Antall</th></tr></thead><tbody>\n", o);
  for (size_t i = 0; i < 7; i++)
    fprintf(o, "<tr class=\"s-%s\"><th scope=\"row\">%s</th><td>%zu</td></tr>\n", fstatus_name[order[i]],
            fstatus_label[order[i]], r->counts[order[i]]);
  fputs("</tbody></table>\n<h3>Funn</h3>\n", o);
  size_t shown = 0;
  for (size_t g = 0; g < 5; g++)
    for (size_t i = 0; i < r->findings.len; i++)
      if (r->findings.items[i].status == order[g]) {
        finding_section(h, o, r, i);
        shown++;
      }
  if (!shown) fputs("<p>Ingen brudd, avvik, ukjente funn eller funn å vurdere.</p>\n", o);
  fputs("<h4>Oppfylt og ikke aktuelt</h4>\n<table class=\"ok\"><caption>Regler som er oppfylt eller ikke aktuelle for saken</caption>\n"
        "<thead><tr><th scope=\"col\">Regel</th><th scope=\"col\">Gjelder</th><th scope=\"col\">Status</th>"
        "<th scope=\"col\">Melding</th></tr></thead><tbody>\n", o);
  for (size_t g = 5; g < 7; g++)
    for (size_t i = 0; i < r->findings.len; i++) {
      const finding *f = &r->findings.items[i];
      if (f->status != order[g]) continue;
      fprintf(o, "<tr class=\"s-%s\"><th scope=\"row\">", fstatus_name[f->status]);
      esc(o, bc_str(p, p->rules.items[f->rule].id));
      fputs("</th><td>", o);
      esc(o, f->item ? f->item : "");
      fprintf(o, "</td><td>%s</td><td>", fstatus_label[f->status]);
      esc(o, f->message);
      fputs("</td></tr>\n", o);
    }
  fputs("</tbody></table>\n", o);

  fputs("<h3>Dokumentasjonskrav</h3>\n", o);
  if (!r->docs.len) {
    fputs("<p>Ingen dokumentasjonskrav for denne saken.</p>\n", o);
  } else {
    fputs("<table class=\"dok\"><caption>Hva saksmappen skal dokumentere, og om det står der</caption>\n"
          "<thead><tr><th scope=\"col\">Regel</th><th scope=\"col\">Gjelder</th><th scope=\"col\">Dokumentasjon</th>"
          "<th scope=\"col\">I saksmappen</th></tr></thead><tbody>\n", o);
    for (size_t i = 0; i < r->docs.len; i++) {
      const docreq *q = &r->docs.items[i];
      const bc_rule *rule = &p->rules.items[q->rule];
      fputs("<tr><th scope=\"row\">", o);
      esc(o, bc_str(p, rule->id));
      fputs("</th><td>", o);
      esc(o, q->item ? q->item : "");
      fputs("</td><td>", o);
      esc(o, bc_str(p, rule->docs.items[q->doc].text));
      fprintf(o, "</td><td class=\"%s\">%s</td></tr>\n", q->on_file ? "ja" : "nei", q->on_file ? "ja" : "nei, mangler");
    }
    fputs("</tbody></table>\n", o);
  }

  fputs("<h3>Oversikt</h3>\n", o);
  Agraph_t *g = graph_overview(r);
  oom_cleanup hold;
  graph_hold(&hold, g);
  figure(h, o, g, "Oversikt over saken",
         "Saken, retningslinjene og reglene, samlet etter status. Hvorfor hvert funn ble som det ble, står ved funnet.");
  oom_pop(&hold);
  agclose(g);
  fputs("</article>\n", o);
}

static const char *const css =
  "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#111;line-height:1.4}"
  "h1{font-size:1.5rem}h2{border-bottom:2px solid #333;margin-top:2rem}"
  "table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #999;padding:.2rem .5rem;text-align:left;vertical-align:top}"
  "caption{text-align:left;font-style:italic}code{font-size:.9em}"
  "dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem}dl.meta dt{font-weight:bold}dl.meta dd{margin:0}"
  ".funn{border-left:.5rem solid #999;padding:.1rem .8rem;margin:1rem 0;break-inside:avoid}"
  ".forklaring h5{margin:.4rem 0 .1rem;font-size:1rem}.forklaring ul{margin:.1rem 0 .5rem 1.2rem;padding:0}"
  ".fakta{color:#333}details.spor summary{cursor:pointer;color:#333}"
  ".s-brudd{border-color:#b00020;background:#fdecee}.s-avvik{border-color:#c25e00;background:#fff4e6}"
  ".s-ukjent{border-color:#6a3d9a;background:#f5eefb}.s-vurder{border-color:#1f5fbf;background:#eef4ff}"
  ".s-begrunnet_avvik{border-color:#9a7b00;background:#fffbe6}.s-oppfylt{background:#eef8ef}.s-ikke_aktuell{background:#f4f4f4}"
  ".status{text-transform:uppercase;font-size:.85em;letter-spacing:.05em}"
  "blockquote{margin:.5rem 0;padding-left:1rem;border-left:3px solid #ccc;font-style:italic}"
  "td.nei{font-weight:bold}figure.sti{margin:0;overflow-x:auto}figure.sti svg{max-width:100%;height:auto}"
  "@page{size:A4;margin:15mm}@media print{body{max-width:none;margin:0}article{break-before:page}"
  "a{color:inherit;text-decoration:none}figure.sti{overflow:visible}}";

void html_end(report_html *h, FILE *out)
{
  FILE *articles = h->articles;
  h->articles = NULL;
  if (fclose(articles) != 0) {        /* a section could not be written whole: memory ran out */
    html_free(h);
    oom_raise();
  }
  fputs("<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
  fputs(h->ncases == 1 ? "Vurdering av saken" : "Vurdering av sakene", out);
  fprintf(out, " – norm</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n"
          "<h1>Vurdering etter Bufdirs faglige retningslinjer</h1>\n", css);
  if (h->ncases > 1) {
    fprintf(out, "<section id=\"oversikt\">\n<h2>Oversikt</h2>\n<table><caption>%zu saker med antall funn etter status</caption>\n"
            "<thead><tr><th scope=\"col\">Sak</th><th scope=\"col\">Vurdert</th><th scope=\"col\">Brudd</th>"
            "<th scope=\"col\">Avvik</th><th scope=\"col\">Ukjent</th><th scope=\"col\">Vurder</th>"
            "<th scope=\"col\">Begrunnet avvik</th><th scope=\"col\">Oppfylt</th><th scope=\"col\">Ikke aktuell</th></tr></thead>\n"
            "<tbody>\n%s</tbody></table>\n</section>\n", h->ncases, h->index.data ? h->index.data : "");
  }
  if (h->len) fwrite(h->text, 1, h->len, out);
  fputs("</main>\n</body>\n</html>\n", out);
  html_free(h);
}

void html_free(report_html *h)
{
  if (h->articles) fclose(h->articles);
  free(h->text);
  buf_free(&h->index);
  free(h);
}
