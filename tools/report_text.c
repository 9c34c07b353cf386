/*
** The text report for caseworkers: findings grouped by severity, each with its
** message, justification and sources, then the documentation points, then a summary.
*/
#include "report.h"

#include <string.h>

#include "date.h"
#include "explain.h"

static const char *const strength_label[] = { "krav", "bør", "kan" };

void report_value_text(const bc_program *p, value v, buf *b)
{
  char d[11];
  if (v.tag == V_UNKNOWN) buf_puts(b, "mangler");
  else if (v.tag == V_LIST && v.u.list->n == 0) buf_puts(b, "[] (tom liste)");
  else if (v.tag == V_DATE) { date_format_nb(v.u.date, d); buf_puts(b, d); }
  else if (v.tag == V_STR) buf_printf(b, "\"%.*s\"", (int)v.u.str->len, v.u.str->s);
  else vm_format(p, v, b);
}

/* The decisive explanation: at most six lines, each with the facts it rests on. */
static void put_explanation(explainer *x, const result *r, const finding *f, FILE *out, const char *dim, const char *reset)
{
  explanation e;
  oom_cleanup hold_e, hold_b;
  explanation_hold(&hold_e, &e);
  buf b;
  buf_init(&b);
  oom_hold_buf(&hold_b, &b);
  explain_with(x, r, f, &e);
  if (e.lines.len) fprintf(out, "    Hvorfor:\n");
  for (size_t i = 0; i < e.lines.len; i++) {
    const expl_line *l = &e.lines.items[i];
    fprintf(out, "      – %s", l->text);
    size_t shown = l->names_facts ? 0 : l->facts.len;
    for (size_t k = 0; k < shown; k++) {
      buf_reset(&b);
      explain_value(r->p, l->facts.items[k].type, l->facts.items[k].v, &b);
      fprintf(out, "%s%s%s: %s", k ? "; " : " (", dim, l->facts.items[k].label, b.data);
      fputs(reset, out);
    }
    fputs(shown ? ")\n" : "\n", out);
  }
  oom_pop(&hold_b);
  oom_pop(&hold_e);
  buf_free(&b);
  explanation_done(x, &e);
}

static void put_why(const result *r, const finding *f, FILE *out, const char *dim, const char *reset)
{
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  for (size_t i = 0; i < f->why.len; i++) {
    const why_entry *w = &f->why.items[i];
    buf_reset(&b);
    if (w->kind == TR_FACT) {
      report_value_text(r->p, w->v, &b);
      fprintf(out, "      %s%s = %s%s\n", dim, why_text(r, w), b.data, reset);
    } else if (w->kind == TR_NOTE || w->kind == TR_MORE) {
      fprintf(out, "      %smerknad: %s%s\n", dim, why_text(r, w), reset);
    } else {
      int t = v_truth(w->v);
      fprintf(out, "      %svilkår «%s»: %s%s\n", dim, why_text(r, w), t < 0 ? "ukjent" : t ? "sann" : "usann", reset);
    }
  }
  oom_pop(&hold);
  buf_free(&b);
}

void report_text(const result *r, FILE *out, const text_opts *o)
{
  const bc_program *p = r->p;
  const char *bold = o->color ? "\033[1m" : "", *dim = o->color ? "\033[2m" : "", *reset = o->color ? "\033[0m" : "";
  static const char *const colors[F__COUNT] = { "\033[1;31m", "\033[1;33m", "\033[1;35m", "\033[1;36m", "\033[1;32m", "\033[32m", "\033[2m" };
  char d[11];
  date_format_nb(r->date, d);
  fprintf(out, "%sSak %s%s, vurdert %s mot %s (sha256 %.12s…)\n", bold, r->sak_id ? r->sak_id : "(uten sak_id)", reset,
          d, bc_str(p, p->name), p->sha256_hex);
  static const fstatus order[] = { F_BRUDD, F_AVVIK, F_UKJENT, F_VURDER, F_BEGRUNNET, F_OPPFYLT, F_IKKE_AKTUELL };
  size_t groups = o->all ? 7 : 5;
  explainer *x = explainer_new();    /* one for all the case's findings */
  oom_cleanup hold_x;
  explainer_hold(&hold_x, x);
  for (size_t g = 0; g < groups; g++) {
    fstatus s = order[g];
    if (!r->counts[s]) continue;
    fprintf(out, "\n%s%s (%zu)%s\n", o->color ? colors[s] : "", fstatus_label[s], r->counts[s], reset);
    for (size_t i = 0; i < r->findings.len; i++) {
      const finding *f = &r->findings.items[i];
      if (f->status != s) continue;
      const bc_rule *rule = &p->rules.items[f->rule];
      fprintf(out, "  %s%s%s [%s]%s%s – %s\n", bold, bc_str(p, rule->id), reset, strength_label[rule->strength],
              f->item ? " gjelder " : "", f->item ? f->item : "", bc_str(p, rule->title));
      fprintf(out, "    %s\n", f->message);
      if (s != F_OPPFYLT && s != F_IKKE_AKTUELL) {
        put_explanation(x, r, f, out, dim, reset);
        if (o->trace) {
          fprintf(out, "    Begrunnelse (hele sporet):\n");
          put_why(r, f, out, dim, reset);
        }
        if (rule->sources.len) {
          fprintf(out, "    Kilder: ");
          for (size_t k = 0; k < rule->sources.len; k++)
            fprintf(out, "%s%s", k ? "; " : "", bc_str(p, rule->sources.items[k]));
          fputc('\n', out);
        }
      }
    }
  }
  oom_pop(&hold_x);
  explainer_free(x);
  if (r->docs.len) {
    fprintf(out, "\n%sDokumentasjonskrav%s\n", bold, reset);
    for (size_t i = 0; i < r->docs.len; i++) {
      const docreq *q = &r->docs.items[i];
      const bc_rule *rule = &p->rules.items[q->rule];
      fprintf(out, "  [%s] %s%s%s: %s\n", q->on_file ? "x" : " ", bc_str(p, rule->id), q->item ? " " : "",
              q->item ? q->item : "", bc_str(p, rule->docs.items[q->doc].text));
    }
  }
  fprintf(out, "\nOppsummering: %zu brudd, %zu avvik, %zu begrunnet avvik, %zu vurder, %zu ukjent, %zu oppfylt, %zu ikke aktuell\n",
          r->counts[F_BRUDD], r->counts[F_AVVIK], r->counts[F_BEGRUNNET], r->counts[F_VURDER], r->counts[F_UKJENT],
          r->counts[F_OPPFYLT], r->counts[F_IKKE_AKTUELL]);
}

void report_text_buf(const result *r, const text_opts *o, buf *out)
{
  mstream m;
  report_text(r, mstream_open(&m), o);
  mstream_close_to(&m, out);
}
