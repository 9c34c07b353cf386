/*
** `norm diff OLD NEW CASES…`: evaluates every case with two versions of the rule set and
** reports what a new version would change — per rule, how many cases changed status and
** how; then each changed case with its differing findings; then rules added, removed or
** with changed metadata. Text for people, or JSON (norm-diff/1).
*/
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "commands.h"
#include "date.h"
#include "eval.h"
#include "frontend.h"

const char *const usage_diff =
  "Bruk: norm diff [VALG] GAMMEL NY SAKSMAPPE…\n"
  "\n"
  "Vurderer hver saksmappe med to versjoner av regelsettet og viser hva den nye versjonen\n"
  "endrer: per regel hvor mange saker som får en annen status, og hvordan; deretter hver\n"
  "sak med funnene som er ulike; og regler som er lagt til, fjernet eller har endrede\n"
  "metadata. GAMMEL og NY er regelmapper, regelfiler eller .normc. SAKSMAPPE er en fil,\n"
  "en mappe, en NDJSON-fil eller - (standard inn).\n"
  "\n"
  "Valg:\n"
  "  --dato ÅÅÅÅ-MM-DD  vurderingsdato for alle sakene (standard: sakens egen)\n"
  "  --format text|json tekst (standard) eller JSON (norm-diff/1)\n"
  "  -h, --help         vis denne hjelpen\n"
  "\n"
  "Utgangsstatus: 0 ingen forskjeller, 1 forskjeller, 2 feil bruk eller saker som ikke\n"
  "kunne leses (de andre sakene vurderes likevel).\n";

typedef struct {
  char *rule, *item;
  int from, to;              /* fstatus, or -1 when the finding is absent in that version */
} change;

typedef struct {
  char *name, *sak_id;
  VEC(change) changes;
} changed_case;

typedef struct {
  const char *rule;          /* points into a change */
  int from, to;
  size_t cases;
} transition;

typedef struct {
  bc_program old, new;
  vm *vold, *vnew;
  bool has_date;
  int32_t date;
  size_t ncases;
  bool bad_input;
  VEC(changed_case) changed;
} differ;

static const char *st_name(int s) { return s < 0 ? "(ingen)" : fstatus_name[s]; }

static bool load(const bc_program *p, const char *name, const char *text, size_t len, ncase *c)
{
  buf errors;
  buf_init(&errors);
  bool ok = case_load(p, text, len, c, &errors);
  if (!ok) cli_print_case_errors("norm diff", name, errors.data);
  buf_free(&errors);
  return ok;
}

static const finding *find_same(const result *r, const bc_program *p, const char *rule, const char *item)
{
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    if (strcmp(bc_str(p, p->rules.items[f->rule].id), rule)) continue;
    if ((f->item == NULL) != (item == NULL) || (item && strcmp(item, f->item))) continue;
    return f;
  }
  return NULL;
}

static void add_change(changed_case *cc, const char *rule, const char *item, int from, int to)
{
  change ch = { xstrdup(rule), item ? xstrdup(item) : NULL, from, to };
  vec_push(&cc->changes, ch);
}

static void diff_case(void *ctx, const char *name, const char *text, size_t len)
{
  differ *d = ctx;
  ncase co, cn;
  bool ok_old = load(&d->old, name, text, len, &co);
  bool ok_new = ok_old && load(&d->new, name, text, len, &cn);
  if (!ok_old || !ok_new) {
    d->bad_input = true;
    case_free(&co);
    if (ok_old) case_free(&cn);
    return;
  }
  d->ncases++;
  int32_t date = d->has_date ? d->date : co.has_date ? co.date : date_today();
  result ro, rn;
  eval_case(d->vold, &co, date, &ro);
  eval_case(d->vnew, &cn, date, &rn);
  if (ro.error != VM_OK || rn.error != VM_OK) {
    fprintf(stderr, "norm diff: %s: regel %s: %s\n", name, ro.error != VM_OK ? ro.error_rule : rn.error_rule,
            vm_status_text(ro.error != VM_OK ? ro.error : rn.error));
    d->bad_input = true;
  } else {
    changed_case cc = { 0 };
    for (size_t i = 0; i < ro.findings.len; i++) {
      const finding *f = &ro.findings.items[i];
      const char *rule = bc_str(&d->old, d->old.rules.items[f->rule].id);
      const finding *g = find_same(&rn, &d->new, rule, f->item);
      if (!g || g->status != f->status) add_change(&cc, rule, f->item, (int)f->status, g ? (int)g->status : -1);
    }
    for (size_t i = 0; i < rn.findings.len; i++) {
      const finding *g = &rn.findings.items[i];
      const char *rule = bc_str(&d->new, d->new.rules.items[g->rule].id);
      if (!find_same(&ro, &d->old, rule, g->item)) add_change(&cc, rule, g->item, -1, (int)g->status);
    }
    if (cc.changes.len) {
      cc.name = xstrdup(name);
      cc.sak_id = xstrdup(co.sak_id ? co.sak_id : "");
      vec_push(&d->changed, cc);
    }
  }
  result_free(&ro);
  result_free(&rn);
  case_free(&co);
  case_free(&cn);
}

/* ---- the summary per rule ---- */

typedef VEC(transition) transitions;

static int cmp_transition(const void *a, const void *b)
{
  const transition *x = a, *y = b;
  int c = strcmp(x->rule, y->rule);
  if (c) return c;
  if (x->from != y->from) return x->from - y->from;
  return x->to - y->to;
}

/* A case counts once per (rule, from, to), however many of its items changed that way. */
static void summarize(const differ *d, transitions *out)
{
  for (size_t i = 0; i < d->changed.len; i++) {
    const changed_case *cc = &d->changed.items[i];
    for (size_t j = 0; j < cc->changes.len; j++) {
      const change *ch = &cc->changes.items[j];
      bool dup = false;
      for (size_t k = 0; k < j && !dup; k++) {
        const change *p = &cc->changes.items[k];
        dup = !strcmp(p->rule, ch->rule) && p->from == ch->from && p->to == ch->to;
      }
      if (dup) continue;
      size_t t = 0;
      while (t < out->len && !(!strcmp(out->items[t].rule, ch->rule) && out->items[t].from == ch->from &&
                               out->items[t].to == ch->to))
        t++;
      if (t == out->len) {
        transition n = { ch->rule, ch->from, ch->to, 0 };
        vec_push(out, n);
      }
      out->items[t].cases++;
    }
  }
  if (out->len) qsort(out->items, out->len, sizeof *out->items, cmp_transition);
}

/* ---- rules added, removed, changed ---- */

static int rule_index(const bc_program *p, const char *id)
{
  for (size_t i = 0; i < p->rules.len; i++)
    if (!strcmp(bc_str(p, p->rules.items[i].id), id)) return (int)i;
  return -1;
}

static bool same_strs(const bc_program *a, const bc_program *b, uint32_t x, uint32_t y)
{
  return !strcmp(bc_str(a, x), bc_str(b, y));
}

/* The metadata fields that differ between two versions of a rule, comma-separated. */
static void meta_diff(const bc_program *a, const bc_rule *x, const bc_program *b, const bc_rule *y, buf *out)
{
  if (x->strength != y->strength) buf_puts(out, "styrke, ");
  if (!same_strs(a, b, x->title, y->title)) buf_puts(out, "tittel, ");
  if (!same_strs(a, b, x->quote, y->quote)) buf_puts(out, "sitat, ");
  bool src = x->sources.len == y->sources.len;
  for (size_t i = 0; src && i < x->sources.len; i++) src = same_strs(a, b, x->sources.items[i], y->sources.items[i]);
  if (!src) buf_puts(out, "kilder, ");
  if (x->from != y->from || x->to != y->to || a->guides.items[x->guide].from != b->guides.items[y->guide].from ||
      a->guides.items[x->guide].to != b->guides.items[y->guide].to)
    buf_puts(out, "gyldighet, ");
  if (!same_strs(a, b, x->check_text, y->check_text)) buf_puts(out, "krav-uttrykk, ");
  if (x->docs.len != y->docs.len) buf_puts(out, "dokumentasjonspunkter, ");
  if (out->len >= 2) out->data[out->len -= 2] = 0;
}

/* Rules added, removed, or whose metadata changed: computed once, read by both outputs
** and the exit status. Ids point into the programs; `fields` are owned. */
typedef struct { const char *id, *title; char *fields; } rule_change;
typedef VEC(rule_change) rule_changes;
typedef struct { rule_changes added, removed, meta; } rules_diff;

static void compare_rules(const differ *d, rules_diff *out)
{
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < d->new.rules.len; i++) {
    const bc_rule *y = &d->new.rules.items[i];
    rule_change rc = { bc_str(&d->new, y->id), bc_str(&d->new, y->title), NULL };
    int k = rule_index(&d->old, rc.id);
    if (k < 0) {
      vec_push(&out->added, rc);
      continue;
    }
    buf m;
    buf_init(&m);
    meta_diff(&d->old, &d->old.rules.items[k], &d->new, y, &m);
    if (m.len) {
      rc.fields = buf_take(&m);
      vec_push(&out->meta, rc);
    }
    buf_free(&m);
  }
  for (size_t i = 0; i < d->old.rules.len; i++) {
    const bc_rule *x = &d->old.rules.items[i];
    rule_change rc = { bc_str(&d->old, x->id), bc_str(&d->old, x->title), NULL };
    if (rule_index(&d->new, rc.id) < 0) vec_push(&out->removed, rc);
  }
}

static void rules_diff_free(rules_diff *r)
{
  for (size_t i = 0; i < r->meta.len; i++) free(r->meta.items[i].fields);
  vec_free(&r->added);
  vec_free(&r->removed);
  vec_free(&r->meta);
}

/* ---- output ---- */

static void print_text(const differ *d, const transitions *ts, const rules_diff *rd)
{
  printf("Gammelt regelsett: %s (sha256 %.12s…)\n", bc_str(&d->old, d->old.name), d->old.sha256_hex);
  printf("Nytt regelsett:    %s (sha256 %.12s…)\n", bc_str(&d->new, d->new.name), d->new.sha256_hex);
  printf("Saker vurdert: %zu; saker med endrede funn: %zu\n", d->ncases, d->changed.len);
  if (ts->len) {
    puts("\nEndringer per regel:");
    for (size_t i = 0; i < ts->len; i++)
      printf("  %s: %zu %s %s → %s\n", ts->items[i].rule, ts->items[i].cases, ts->items[i].cases == 1 ? "sak" : "saker",
             st_name(ts->items[i].from), st_name(ts->items[i].to));
  }
  static const char *const heads[3] = { "\nRegler lagt til:", "\nRegler fjernet:", "\nRegler med endrede metadata:" };
  const rule_changes *lists[3] = { &rd->added, &rd->removed, &rd->meta };
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < lists[l]->len; i++) {
      const rule_change *rc = &lists[l]->items[i];
      if (!i) puts(heads[l]);
      if (rc->fields) printf("  %s: %s\n", rc->id, rc->fields);
      else printf("  %s – %s\n", rc->id, rc->title);
    }
  if (d->changed.len) puts("\nEndrede saker:");
  for (size_t i = 0; i < d->changed.len; i++) {
    const changed_case *cc = &d->changed.items[i];
    printf("  %s (%s)\n", cc->sak_id, cc->name);
    for (size_t j = 0; j < cc->changes.len; j++) {
      const change *ch = &cc->changes.items[j];
      printf("    %s%s%s: %s → %s\n", ch->rule, ch->item ? " " : "", ch->item ? ch->item : "", st_name(ch->from),
             st_name(ch->to));
    }
  }
}

static json_t *js_status(int s) { return s < 0 ? json_null() : json_string(fstatus_name[s]); }

static json_t *js_ruleset(const bc_program *p)
{
  return json_pack("{s:s, s:s}", "navn", bc_str(p, p->name), "sha256", p->sha256_hex);
}

static void print_json(const differ *d, const transitions *ts, const rules_diff *rd)
{
  json_t *root = json_object();
  json_object_set_new(root, "format", json_string("norm-diff/1"));
  json_object_set_new(root, "gammel", js_ruleset(&d->old));
  json_object_set_new(root, "ny", js_ruleset(&d->new));
  json_object_set_new(root, "saker", json_integer((json_int_t)d->ncases));
  json_object_set_new(root, "endrede_saker", json_integer((json_int_t)d->changed.len));
  json_t *per = json_array();
  for (size_t i = 0; i < ts->len; i++)
    json_array_append_new(per, json_pack("{s:s, s:o, s:o, s:I}", "regel", ts->items[i].rule, "fra",
                                         js_status(ts->items[i].from), "til", js_status(ts->items[i].to), "saker",
                                         (json_int_t)ts->items[i].cases));
  json_object_set_new(root, "per_regel", per);
  json_t *added = json_array(), *removed = json_array(), *meta = json_array();
  for (size_t i = 0; i < rd->added.len; i++) json_array_append_new(added, json_string(rd->added.items[i].id));
  for (size_t i = 0; i < rd->removed.len; i++) json_array_append_new(removed, json_string(rd->removed.items[i].id));
  for (size_t i = 0; i < rd->meta.len; i++)
    json_array_append_new(meta, json_pack("{s:s, s:s}", "regel", rd->meta.items[i].id, "felt", rd->meta.items[i].fields));
  json_object_set_new(root, "lagt_til", added);
  json_object_set_new(root, "fjernet", removed);
  json_object_set_new(root, "endret_metadata", meta);
  json_t *cases = json_array();
  for (size_t i = 0; i < d->changed.len; i++) {
    const changed_case *cc = &d->changed.items[i];
    json_t *fs = json_array();
    for (size_t j = 0; j < cc->changes.len; j++) {
      const change *ch = &cc->changes.items[j];
      json_t *o = json_pack("{s:s}", "regel", ch->rule);
      if (ch->item) json_object_set_new(o, "gjelder", json_string(ch->item));
      json_object_set_new(o, "fra", js_status(ch->from));
      json_object_set_new(o, "til", js_status(ch->to));
      json_array_append_new(fs, o);
    }
    json_array_append_new(cases, json_pack("{s:s, s:s, s:o}", "sak_id", cc->sak_id, "kilde", cc->name, "funn", fs));
  }
  json_object_set_new(root, "saker_endret", cases);
  char *s = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  puts(s);
  free(s);
  json_decref(root);
}

static void differ_free(differ *d)
{
  for (size_t i = 0; i < d->changed.len; i++) {
    changed_case *cc = &d->changed.items[i];
    for (size_t j = 0; j < cc->changes.len; j++) {
      free(cc->changes.items[j].rule);
      free(cc->changes.items[j].item);
    }
    vec_free(&cc->changes);
    free(cc->name);
    free(cc->sak_id);
  }
  vec_free(&d->changed);
}

int cmd_diff(int argc, char **argv)
{
  static const struct option opts[] = {
    { "dato", required_argument, 0, 'd' }, { "format", required_argument, 0, 'f' },
    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  differ d;
  memset(&d, 0, sizeof d);
  const char *format = "text";
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'd':
      if (!date_parse(optarg, strlen(optarg), &d.date)) return cli_usage_error("diff", "--dato «%s» er ikke en gyldig dato (ÅÅÅÅ-MM-DD)", optarg);
      d.has_date = true;
      break;
    case 'f': format = optarg; break;
    case 'h': fputs(usage_diff, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("diff", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (strcmp(format, "text") && strcmp(format, "json"))
    return cli_usage_error("diff", "--format må være text eller json, ikke «%s»", format);
  if (argc - optind < 3) return cli_usage_error("diff", "%s", "trenger GAMMEL, NY og minst én saksmappe");
  bool color = cli_use_color("auto", stderr);
  if (!fe_load_ruleset(argv[optind], &d.old, stderr, color)) return EXIT_USAGE;
  if (!fe_load_ruleset(argv[optind + 1], &d.new, stderr, color)) {
    bc_free(&d.old);
    return EXIT_USAGE;
  }
  d.vold = vm_new(&d.old);
  d.vnew = vm_new(&d.new);
  for (int i = optind + 2; i < argc; i++)
    if (!cli_each_case(argv[i], diff_case, &d)) d.bad_input = true;
  transitions ts = { 0 };
  summarize(&d, &ts);
  rules_diff rd;
  compare_rules(&d, &rd);
  if (!strcmp(format, "json")) print_json(&d, &ts, &rd);
  else print_text(&d, &ts, &rd);
  bool meta = rd.added.len || rd.removed.len || rd.meta.len;
  rules_diff_free(&rd);
  int status = d.bad_input ? EXIT_USAGE : (d.changed.len || meta) ? EXIT_FINDINGS : EXIT_CLEAN;
  vec_free(&ts);
  differ_free(&d);
  vm_free(d.vold);
  vm_free(d.vnew);
  bc_free(&d.old);
  bc_free(&d.new);
  return status;
}
