/*
** Rule tests: parsing .normtest files, building each test's case from its base with the
** changes applied (jansson), evaluating it with the rule set, comparing findings, and
** collecting coverage from the VM (see ruletest.h for the format).
*/
#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "date.h"
#include "eval.h"
#include "ruletest.h"
#include "sema.h"

typedef enum { P_SET, P_REMOVE, P_APPEND } patch_kind;

typedef struct {
  patch_kind kind;
  char *path;
  json_t *val;               /* P_SET, P_APPEND */
  uint32_t line;
} patch;

typedef struct {
  char *rule, *item, *text;  /* item, text: NULL when not given */
  int status;                /* fstatus */
  uint32_t line;
} expect;

typedef struct {
  char *name;
  const char *file;
  uint32_t line;
  json_t *base;              /* owned reference */
  bool has_date;
  int32_t date;
  VEC(patch) patches;
  VEC(expect) expects;
} rtest;

typedef struct { char *name; json_t *json; } named_base;

struct rt_suite {
  const bc_program *p;
  VEC(char *) files;
  VEC(rtest) tests;
  VEC(named_base) bases;     /* per file; cleared between files */
  VEC(uint32_t) asserted;    /* per rule: bit per fstatus expected by a passing test */
  char *src_dir;             /* folder the program's file names are relative to, or NULL */
};

/* ---- parsing ---- */

typedef struct {
  rt_suite *s;
  const char *path, *dir;
  FILE *err;
  const char *text, *end;    /* the whole file */
  const char *cur;           /* current line's remaining text */
  const char *line_end;
  uint32_t line;
  const char *tok, *tok_end;  /* the last word or value read on the current line */
  bool bad;                  /* the file has an error: it contributes no tests */
  uint32_t bad_line;         /* the line of the last error: one error per line, no cascades */
  size_t nerrors;
  bool test_bad;             /* the test being read has an error: its own checks are skipped */
  bool has_date;
  int32_t date;
  rtest *t;                  /* the test being read, or NULL */
} parser;

#define RT_MAX_ERRORS 20

/* Prints "file:line:col: feil: …" with the line and a caret under the word the error is
** about (the last one read on the current line; the line's first word for an earlier line),
** as the compiler does. The rest of a line with an error is not checked again. */
static void perr(parser *ps, uint32_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void perr(parser *ps, uint32_t line, const char *fmt, ...)
{
  ps->bad = true;
  ps->test_bad = ps->t != NULL;
  if (line == ps->bad_line || ++ps->nerrors > RT_MAX_ERRORS) return;
  ps->bad_line = line;
  const char *start = ps->text;
  for (uint32_t l = 1; l < line && start < ps->end; start++)
    if (*start == '\n') l++;
  const char *eol = start;
  while (eol < ps->end && *eol != '\n' && *eol != '\r') eol++;
  const char *a = start, *b;
  if (line == ps->line && ps->tok && ps->tok >= start && ps->tok <= eol) {
    a = ps->tok;
    b = ps->tok_end > a ? ps->tok_end : a + 1;
  } else {
    while (a < eol && (*a == ' ' || *a == '\t')) a++;
    for (b = a; b < eol && *b != ' ' && *b != '\t'; b++) {}
    if (b == a) b = a + 1;
  }
  if (b > eol) b = eol > a ? eol : a + 1;
  va_list ap;
  va_start(ap, fmt);
  fprintf(ps->err, "%s:%u:%zu: feil: ", ps->path, line, utf8_width(start, (size_t)(a - start)) + 1);
  vfprintf(ps->err, fmt, ap);
  va_end(ap);
  fprintf(ps->err, "\n%5u | %.*s\n      | ", line, (int)(eol - start), start);
  for (const char *q = start; q < a; q++)
    if (((unsigned char)*q & 0xC0) != 0x80) fputc(*q == '\t' ? '\t' : ' ', ps->err);
  size_t width = a < eol ? utf8_width(a, (size_t)((b < eol ? b : eol) - a)) : 1;
  for (size_t i = 0; i < (width ? width : 1); i++) fputc('^', ps->err);
  fputc('\n', ps->err);
}

static void skip_space(parser *ps)
{
  while (ps->cur < ps->line_end && (*ps->cur == ' ' || *ps->cur == '\t' || *ps->cur == '\r')) ps->cur++;
}

static bool at_end(parser *ps)
{
  skip_space(ps);
  return ps->cur >= ps->line_end || *ps->cur == '#';
}

/* A word: letters (UTF-8 included), digits, _ - . [ ] */
static char *word(parser *ps)
{
  skip_space(ps);
  const char *b = ps->cur;
  while (ps->cur < ps->line_end && *ps->cur != ' ' && *ps->cur != '\t' && *ps->cur != '\r' &&
         *ps->cur != '=' && *ps->cur != '"' && *ps->cur != '#')
    ps->cur++;
  ps->tok = b;
  ps->tok_end = ps->cur;
  return ps->cur > b ? xstrndup(b, (size_t)(ps->cur - b)) : NULL;
}

static char *quoted(parser *ps)
{
  skip_space(ps);
  ps->tok = ps->tok_end = ps->cur;
  if (ps->cur >= ps->line_end || *ps->cur != '"') return NULL;
  buf b;
  buf_init(&b);
  for (ps->cur++; ps->cur < ps->line_end && *ps->cur != '"'; ps->cur++) {
    if (*ps->cur == '\\' && ps->cur + 1 < ps->line_end) ps->cur++;
    buf_putc(&b, *ps->cur);
  }
  if (ps->cur >= ps->line_end) {
    perr(ps, ps->line, "teksten mangler avsluttende \"");
    buf_free(&b);
    return NULL;
  }
  ps->cur++;
  ps->tok_end = ps->cur;
  buf_putc(&b, 0);
  return buf_take(&b);
}

static void next_line(parser *ps)
{
  ps->cur = ps->line_end < ps->end ? ps->line_end + 1 : ps->end;
  const char *nl = memchr(ps->cur, '\n', (size_t)(ps->end - ps->cur));
  ps->line_end = nl ? nl : ps->end;
  ps->line++;
}

/* A JSON value from here to the end of the line, or over several lines while brackets
** are open ({…} and […] may span lines). */
static json_t *json_value(parser *ps)
{
  skip_space(ps);
  uint32_t first = ps->line;
  const char *b = ps->cur;
  ps->tok = ps->tok_end = b;
  int depth = 0;
  bool in_str = false;
  const char *p = ps->cur;
  for (;;) {
    for (; p < ps->line_end; p++) {
      char c = *p;
      if (in_str) {
        if (c == '\\' && p + 1 < ps->line_end) p++;
        else if (c == '"') in_str = false;
      } else if (c == '"') in_str = true;
      else if (c == '{' || c == '[') depth++;
      else if (c == '}' || c == ']') depth--;
      else if (c == '#' && depth == 0) break;
    }
    if (depth <= 0 || ps->line_end >= ps->end) break;
    next_line(ps);
    p = ps->cur;
  }
  const char *e = p;
  ps->cur = p < ps->line_end ? ps->line_end : p;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) e--;
  if (first == ps->line) ps->tok_end = e;
  if (e == b) {
    perr(ps, first, "mangler en verdi (JSON: \"tekst\", tall, true, false, null, […] eller {…})");
    return NULL;
  }
  json_error_t je;
  json_t *v = json_loadb(b, (size_t)(e - b), JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
  if (!v) perr(ps, first + (uint32_t)(je.line > 0 ? je.line - 1 : 0), "ugyldig JSON-verdi: %s",
               case_json_error(json_error_code(&je), "ugyldig JSON"));
  return v;
}

static json_t *load_case_file(parser *ps, const char *name)
{
  char full[PATH_MAX];
  if (name[0] == '/') snprintf(full, sizeof full, "%s", name);
  else snprintf(full, sizeof full, "%s/%s", ps->dir, name);
  size_t len;
  const char *err;
  char *text = read_file(full, 16u << 20, &len, &err);
  if (!text) {
    perr(ps, ps->line, "saksmappen «%s» %s", full, err);
    return NULL;
  }
  size_t bom = utf8_bom(text, len);
  json_error_t je;
  json_t *v = json_loadb(text + bom, len - bom, JSON_REJECT_DUPLICATES, &je);
  if (!v) perr(ps, ps->line, "saksmappen «%s» kan ikke leses: %s (linje %d)", full,
               case_json_error(json_error_code(&je), "ugyldig JSON"), je.line);
  free(text);
  return v;
}

/* A case: a base name, a "file.json", or {…} inline. Returns a new reference. */
static json_t *case_ref(parser *ps)
{
  skip_space(ps);
  if (ps->cur < ps->line_end && *ps->cur == '{') {
    json_t *v = json_value(ps);
    if (v && !json_is_object(v)) {
      perr(ps, ps->line, "en saksmappe må være et JSON-objekt {…}");
      json_decref(v);
      return NULL;
    }
    return v;
  }
  if (ps->cur < ps->line_end && *ps->cur == '"') {
    char *name = quoted(ps);
    json_t *v = name ? load_case_file(ps, name) : NULL;
    free(name);
    return v;
  }
  char *name = word(ps);
  if (!name) {
    perr(ps, ps->line, "mangler saken: et grunnlag, en \"fil.json\" eller {…}");
    return NULL;
  }
  for (size_t i = 0; i < ps->s->bases.len; i++)
    if (!strcmp(ps->s->bases.items[i].name, name)) {
      free(name);
      return json_incref(ps->s->bases.items[i].json);
    }
  perr(ps, ps->line, "ukjent grunnlag «%s»; skriv «grunnlag %s \"fil.json\"» først i filen", name, name);
  free(name);
  return NULL;
}

static int status_by_name(const char *s)
{
  for (int i = 0; i < F__COUNT; i++)
    if (!strcmp(fstatus_name[i], s)) return i;
  return -1;
}

static bool rule_known(const bc_program *p, const char *id, const char **suggest)
{
  size_t best = SIZE_MAX;
  *suggest = NULL;
  for (size_t i = 0; i < p->rules.len; i++) {
    const char *r = bc_str(p, p->rules.items[i].id);
    if (!strcmp(r, id)) return true;
    size_t d = edit_distance(r, id);
    if (d < best) { best = d; *suggest = r; }
  }
  if (best > 3) *suggest = NULL;
  return false;
}

static void parse_expect(parser *ps)
{
  expect x = { 0 };
  x.line = ps->line;
  x.rule = word(ps);
  const char *rule_at = ps->tok, *rule_end = ps->tok_end;
  char *a = word(ps), *b = NULL;
  const char *status_at = ps->tok, *status_end = ps->tok_end;
  if (a && status_by_name(a) < 0) {
    b = word(ps);
    status_at = ps->tok;
    status_end = ps->tok_end;
  } else {
    b = a;
    a = NULL;
  }
  x.item = a;
  x.status = b ? status_by_name(b) : -1;
  x.text = quoted(ps);
  const char *sug;
  if (!x.rule) {
    perr(ps, x.line, "«forvent» trenger regel-id, eventuelt element, og status");
  } else if (!rule_known(ps->s->p, x.rule, &sug)) {
    ps->tok = rule_at;
    ps->tok_end = rule_end;
    perr(ps, x.line, "regelsettet har ingen regel «%s»%s%s%s", x.rule, sug ? "; mente du «" : "", sug ? sug : "", sug ? "»?" : "");
  } else if (x.status < 0) {
    ps->tok = status_at;
    ps->tok_end = status_end;
    perr(ps, x.line, "«%s» er ikke en status; bruk oppfylt, brudd, avvik, begrunnet_avvik, vurder, ukjent eller ikke_aktuell",
         b ? b : "(ingenting)");
  }
  else if (!at_end(ps)) perr(ps, x.line, "uventet tekst etter forventningen");
  free(b);
  if (!ps->t) perr(ps, x.line, "«forvent» må stå i en test");
  if (ps->bad_line == x.line || !ps->t) {
    free(x.rule); free(x.item); free(x.text);
    return;
  }
  vec_push(&ps->t->expects, x);
}

static bool schema_path(const bc_program *p, const char *path, buf *why);

static void parse_patch(parser *ps, patch_kind k)
{
  patch x = { k, word(ps), NULL, ps->line };
  buf why;
  buf_init(&why);
  if (!x.path) perr(ps, x.line, "mangler stien i saken, f.eks. tiltak[0].start");
  else if (!schema_path(ps->s->p, x.path, &why)) perr(ps, x.line, "stien «%s»: %s", x.path, why.data);
  buf_free(&why);
  if (ps->bad_line != x.line && k != P_REMOVE) {
    skip_space(ps);
    if (ps->cur >= ps->line_end || *ps->cur != '=') perr(ps, x.line, "mangler «=» og verdien etter stien");
    else {
      ps->cur++;
      x.val = json_value(ps);
    }
  }
  if (ps->bad_line != x.line && !at_end(ps)) perr(ps, x.line, "uventet tekst etter endringen");
  if (!ps->t) perr(ps, x.line, "endringer må stå i en test");
  if (ps->bad_line == x.line || !ps->t) {
    free(x.path);
    json_decref(x.val);
    return;
  }
  vec_push(&ps->t->patches, x);
}

static bool read_date(parser *ps, int32_t *d)
{
  char *w = word(ps);
  bool ok = w && date_parse(w, strlen(w), d);
  if (!ok) perr(ps, ps->line, "«%s» er ikke en dato (ÅÅÅÅ-MM-DD)", w ? w : "");
  free(w);
  return ok;
}

static void finish_test(parser *ps)
{
  if (!ps->t) return;
  if (ps->test_bad) {        /* what is missing may be what the error was about */
    ps->t = NULL;
    ps->test_bad = false;
    return;
  }
  if (!ps->t->base) perr(ps, ps->t->line, "testen «%s» sier ikke hvilken sak den bruker («sak …»)", ps->t->name);
  if (!ps->t->expects.len) perr(ps, ps->t->line, "testen «%s» forventer ingenting («forvent …»)", ps->t->name);
  ps->t = NULL;
}

static void parse_line(parser *ps)
{
  char *kw = word(ps);
  if (!kw) {
    perr(ps, ps->line, "ukjent linje; en linje begynner med test, sak, dato, sett, fjern, legg_til, forvent eller grunnlag");
    return;
  }
  if (!strcmp(kw, "test")) {
    finish_test(ps);
    rtest t = { 0 };
    t.name = quoted(ps);
    t.line = ps->line;
    t.file = ps->s->files.items[ps->s->files.len - 1];
    t.has_date = ps->has_date;
    t.date = ps->date;
    if (!t.name) {
      perr(ps, ps->line, "«test» trenger et navn i anførselstegn");
      t.name = xstrdup("");
    }
    vec_push(&ps->s->tests, t);
    ps->t = &ps->s->tests.items[ps->s->tests.len - 1];
  } else if (!strcmp(kw, "grunnlag")) {
    finish_test(ps);
    named_base nb = { word(ps), NULL };
    if (!nb.name) perr(ps, ps->line, "«grunnlag» trenger et navn og en sak");
    else nb.json = case_ref(ps);
    if (nb.json) vec_push(&ps->s->bases, nb);
    else free(nb.name);
  } else if (!strcmp(kw, "sak")) {
    if (!ps->t) perr(ps, ps->line, "«sak» må stå i en test");
    else {
      json_decref(ps->t->base);
      ps->t->base = case_ref(ps);
    }
  } else if (!strcmp(kw, "dato")) {
    int32_t d;
    if (read_date(ps, &d)) {
      if (ps->t) { ps->t->has_date = true; ps->t->date = d; }
      else { ps->has_date = true; ps->date = d; }
    }
  } else if (!strcmp(kw, "sett")) parse_patch(ps, P_SET);
  else if (!strcmp(kw, "fjern")) parse_patch(ps, P_REMOVE);
  else if (!strcmp(kw, "legg_til")) parse_patch(ps, P_APPEND);
  else if (!strcmp(kw, "forvent")) parse_expect(ps);
  else perr(ps, ps->line, "ukjent ord «%s»; en linje begynner med test, sak, dato, sett, fjern, legg_til, forvent eller grunnlag", kw);
  free(kw);
  if (ps->bad_line != ps->line && !at_end(ps)) {
    ps->tok = ps->cur;
    ps->tok_end = ps->line_end;
    perr(ps, ps->line, "uventet tekst på slutten av linjen");
  }
}

static void test_free(rtest *t)
{
  free(t->name);
  json_decref(t->base);
  for (size_t i = 0; i < t->patches.len; i++) {
    free(t->patches.items[i].path);
    json_decref(t->patches.items[i].val);
  }
  vec_free(&t->patches);
  for (size_t i = 0; i < t->expects.len; i++) {
    free(t->expects.items[i].rule);
    free(t->expects.items[i].item);
    free(t->expects.items[i].text);
  }
  vec_free(&t->expects);
}

rt_suite *rt_suite_new(const bc_program *p, const char *src_dir)
{
  rt_suite *s = xcalloc(1, sizeof *s);
  s->p = p;
  s->src_dir = src_dir ? xstrdup(src_dir) : NULL;
  for (size_t i = 0; i < p->rules.len; i++) vec_push(&s->asserted, 0u);
  return s;
}

bool rt_suite_add_file(rt_suite *s, const char *path, FILE *err)
{
  size_t len;
  const char *why;
  char *text = read_file(path, 16u << 20, &len, &why);
  if (!text) {
    fprintf(err, "%s: %s\n", path, why);
    return false;
  }
  vec_push(&s->files, xstrdup(path));
  char *dir = xstrdup(path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = 0;
  else strcpy(dir, ".");
  size_t first_test = s->tests.len;
  parser ps;
  memset(&ps, 0, sizeof ps);
  ps.s = s;
  ps.path = path;
  ps.dir = dir;
  ps.err = err;
  ps.text = text;
  ps.end = text + len;
  ps.line_end = text - 1;    /* next_line starts at text */
  ps.cur = text;
  const char *nl = memchr(text, '\n', len);
  ps.line_end = nl ? nl : text + len;
  ps.line = 1;
  if (!utf8_valid(text, len)) perr(&ps, 1, "filen er ikke gyldig UTF-8");
  /* Every line is read, so one run shows every error (up to RT_MAX_ERRORS). */
  while (ps.nerrors <= RT_MAX_ERRORS) {
    if (!at_end(&ps)) parse_line(&ps);
    if (ps.line_end >= ps.end) break;
    next_line(&ps);
  }
  finish_test(&ps);
  for (size_t i = 0; i < s->bases.len; i++) {
    free(s->bases.items[i].name);
    json_decref(s->bases.items[i].json);
  }
  s->bases.len = 0;
  if (ps.bad) {              /* a broken file contributes no tests */
    for (size_t i = first_test; i < s->tests.len; i++) test_free(&s->tests.items[i]);
    s->tests.len = first_test;
  }
  free(dir);
  free(text);
  return !ps.bad;
}

void rt_suite_free(rt_suite *s)
{
  if (!s) return;
  for (size_t i = 0; i < s->tests.len; i++) test_free(&s->tests.items[i]);
  vec_free(&s->tests);
  for (size_t i = 0; i < s->files.len; i++) free(s->files.items[i]);
  vec_free(&s->files);
  vec_free(&s->bases);
  vec_free(&s->asserted);
  free(s->src_dir);
  free(s);
}

bool rt_suite_mentions(const rt_suite *s, const char *rule_id)
{
  for (size_t i = 0; i < s->tests.len; i++)
    for (size_t j = 0; j < s->tests.items[i].expects.len; j++)
      if (!strcmp(s->tests.items[i].expects.items[j].rule, rule_id)) return true;
  return false;
}

/* ---- applying changes ---- */

/* One step of a path: a key (name) or a list selector ([3] or [T1], by position or id). */
typedef struct { char *name; bool is_sel; } step;
typedef VEC(step) steps;

static bool split_path(const char *p, steps *out, buf *why)
{
  while (*p) {
    step st = { NULL, false };
    if (*p == '[') {
      const char *close = strchr(p, ']');
      if (!close || close == p + 1) { buf_puts(why, "[ ] i stien må ha et nummer eller en id"); return false; }
      st = (step){ xstrndup(p + 1, (size_t)(close - p - 1)), true };
      p = close + 1;
    } else {
      if (*p == '.') p++;
      const char *e = p;
      while (*e && *e != '.' && *e != '[') e++;
      if (e == p) { buf_puts(why, "tomt feltnavn i stien"); return false; }
      st = (step){ xstrndup(p, (size_t)(e - p)), false };
      p = e;
    }
    vec_push(out, st);
  }
  if (!out->len) { buf_puts(why, "tom sti"); return false; }
  return true;
}

static void steps_free(steps *s)
{
  for (size_t i = 0; i < s->len; i++) free(s->items[i].name);
  vec_free(s);
}

/* Whether a path names a field the schema has (tiltak[T1].sted), so a misspelt field is an
** error in the test file, not a change that silently does nothing. */
static bool schema_path(const bc_program *p, const char *path, buf *why)
{
  steps sp = { 0 };
  bool ok = split_path(path, &sp, why);
  uint32_t type = BC_NONE;                 /* of what the steps so far name; BC_NONE: the root */
  for (size_t i = 0; ok && i < sp.len; i++) {
    const step *st = &sp.items[i];
    const bc_type *t = type == BC_NONE ? NULL : &p->types.items[type];
    if (st->is_sel) {
      if (!t || t->kind != TK_LIST) {
        buf_printf(why, "[%s]: det som står foran, er ikke en liste", st->name);
        ok = false;
      } else {
        type = t->elem;
      }
      continue;
    }
    if (t && t->kind != TK_REC) {
      buf_printf(why, "«%s»: det som står foran, er %s", st->name, t->kind == TK_LIST ? "en liste; velg et element med [nummer] eller [id]" : "ikke en post med felt");
      ok = false;
      continue;
    }
    uint32_t rec = t ? t->rec : p->root;
    uint32_t f = sema_field(p, rec, st->name);
    if (f == BC_NONE) {
      buf_printf(why, "posten «%s» har ikke feltet «%s»", bc_str(p, p->records.items[rec].name), st->name);
      sema_suggest_field(why, p, rec, st->name);
      ok = false;
    } else {
      type = p->records.items[rec].fields.items[f].type;
    }
  }
  steps_free(&sp);
  return ok;
}

/* The index a selector names in list l: a position, or the item whose "id" is it. */
static bool select_index(json_t *l, const char *sel, size_t *idx, buf *why)
{
  bool digits = *sel != 0;
  for (const char *c = sel; *c; c++) digits &= isdigit((unsigned char)*c) != 0;
  if (!json_is_array(l)) { buf_printf(why, "[%s] brukt på noe som ikke er en liste", sel); return false; }
  for (size_t i = 0; i < json_array_size(l); i++) {
    json_t *id = json_object_get(json_array_get(l, i), "id");
    if (digits ? i == strtoul(sel, NULL, 10) : json_is_string(id) && !strcmp(json_string_value(id), sel)) {
      *idx = i;
      return true;
    }
  }
  buf_printf(why, "listen har ikke elementet [%s] (den har %zu)", sel, json_array_size(l));
  return false;
}

static json_t *child(json_t *cur, const step *st, bool create, bool next_is_sel, buf *why)
{
  if (st->is_sel) {
    size_t i;
    return select_index(cur, st->name, &i, why) ? json_array_get(cur, i) : NULL;
  }
  if (!json_is_object(cur)) { buf_printf(why, "«%s»: det som står foran, er ikke et objekt", st->name); return NULL; }
  json_t *v = json_object_get(cur, st->name);
  if (!v && create) {
    v = next_is_sel ? json_array() : json_object();
    json_object_set_new(cur, st->name, v);
  }
  if (!v) buf_printf(why, "feltet «%s» finnes ikke", st->name);
  return v;
}

static bool apply_patch(json_t *root, const patch *x, buf *why)
{
  steps sp = { 0 };
  bool ok = split_path(x->path, &sp, why);
  json_t *cur = root;
  for (size_t i = 0; ok && i + 1 < sp.len; i++) {
    cur = child(cur, &sp.items[i], x->kind != P_REMOVE, sp.items[i + 1].is_sel, why);
    ok = cur != NULL;
  }
  const step *last = ok ? &sp.items[sp.len - 1] : NULL;
  size_t idx = 0;
  if (ok && last->is_sel) ok = select_index(cur, last->name, &idx, why);
  else if (ok && !json_is_object(cur)) { buf_printf(why, "«%s»: det som står foran, er ikke et objekt", last->name); ok = false; }
  if (ok) switch (x->kind) {
  case P_SET:
    if (last->is_sel) json_array_set(cur, idx, x->val);
    else json_object_set(cur, last->name, x->val);
    break;
  case P_REMOVE:
    if (last->is_sel) json_array_remove(cur, idx);
    else if (json_object_del(cur, last->name)) { buf_printf(why, "feltet «%s» finnes ikke", last->name); ok = false; }
    break;
  case P_APPEND: {
    json_t *l = last->is_sel ? json_array_get(cur, idx) : json_object_get(cur, last->name);
    if (!l && !last->is_sel) json_object_set_new(cur, last->name, l = json_array());
    if (!json_is_array(l)) { buf_puts(why, "er ikke en liste"); ok = false; }
    else json_array_append(l, x->val);
    break;
  }
  }
  steps_free(&sp);
  return ok;
}

/* ---- running ---- */

typedef struct {
  rt_suite *s;
  vm *m;
  FILE *out;
  bool verbose;
} runner;

static const finding *find(const result *r, const bc_program *p, const expect *x)
{
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    if (strcmp(bc_str(p, p->rules.items[f->rule].id), x->rule)) continue;
    if ((f->item == NULL) != (x->item == NULL)) continue;
    if (f->item && strcmp(f->item, x->item)) continue;
    return f;
  }
  return NULL;
}

static void describe_rule_findings(const result *r, const bc_program *p, const char *rule, FILE *out)
{
  fputs("      regelens funn:", out);
  bool any = false;
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    if (strcmp(bc_str(p, p->rules.items[f->rule].id), rule)) continue;
    fprintf(out, "%s %s%s%s", any ? "," : "", f->item ? f->item : "", f->item ? " " : "", fstatus_name[f->status]);
    any = true;
  }
  fputs(any ? "\n" : " ingen (regelen er ikke med for denne datoen)\n", out);
}

static void fail_header(runner *u, const rtest *t, bool *printed)
{
  if (*printed) return;
  fprintf(u->out, "FEIL %s:%u: «%s»\n", t->file, t->line, t->name);
  *printed = true;
}

static bool run_test(runner *u, const rtest *t)
{
  const bc_program *p = u->s->p;
  bool printed = false;
  json_t *root = json_deep_copy(t->base);
  for (size_t i = 0; i < t->patches.len; i++) {
    buf why;
    buf_init(&why);
    if (!apply_patch(root, &t->patches.items[i], &why)) {
      fail_header(u, t, &printed);
      fprintf(u->out, "  %s:%u: stien «%s»: %s\n", t->file, t->patches.items[i].line, t->patches.items[i].path,
              why.data ? why.data : "");
      buf_free(&why);
      json_decref(root);
      return false;
    }
    buf_free(&why);
  }
  char *text = json_dumps(root, JSON_COMPACT);
  json_decref(root);
  ncase c;
  buf errors;
  buf_init(&errors);
  bool loaded = case_load(p, text, strlen(text), &c, &errors);
  free(text);
  if (!loaded) {
    fail_header(u, t, &printed);
    fprintf(u->out, "  saken er ikke gyldig saksmappe/1:\n    %s", errors.data ? errors.data : "");
    buf_free(&errors);
    case_free(&c);
    return false;
  }
  buf_free(&errors);
  int32_t date = t->has_date ? t->date : c.has_date ? c.date : INT32_MIN;
  if (date == INT32_MIN) {
    fail_header(u, t, &printed);
    fputs("  testen har ingen dato: skriv «dato ÅÅÅÅ-MM-DD» eller sett vurderingsdato i saken\n", u->out);
    case_free(&c);
    return false;
  }
  result r;
  eval_case(u->m, &c, date, &r);
  bool ok = r.error == VM_OK;
  if (!ok) {
    fail_header(u, t, &printed);
    fprintf(u->out, "  regel %s: %s\n", r.error_rule, vm_status_text(r.error));
  }
  for (size_t i = 0; ok && i < t->expects.len; i++) {
    const expect *x = &t->expects.items[i];
    const finding *f = find(&r, p, x);
    const char *label_sep = x->item ? " " : "";
    const char *item = x->item ? x->item : "";
    if (!f) {
      fail_header(u, t, &printed);
      fprintf(u->out, "  %s:%u: %s%s%s: forventet %s, men regelen ga ikke noe funn %s\n", t->file, x->line, x->rule,
              label_sep, item, fstatus_name[x->status], x->item ? "for dette elementet" : "for hele saken");
      describe_rule_findings(&r, p, x->rule, u->out);
      ok = false;
      continue;
    }
    bool good = (int)f->status == x->status;
    bool text_ok = !x->text || (f->message && strstr(f->message, x->text));
    if (good && text_ok) {
      u->s->asserted.items[f->rule] |= 1u << f->status;
      continue;
    }
    fail_header(u, t, &printed);
    if (!good)
      fprintf(u->out, "  %s:%u: %s%s%s: forventet %s, fikk %s\n", t->file, x->line, x->rule, label_sep, item,
              fstatus_name[x->status], fstatus_name[f->status]);
    else
      fprintf(u->out, "  %s:%u: %s%s%s: meldingen inneholder ikke «%s»\n", t->file, x->line, x->rule, label_sep, item, x->text);
    fprintf(u->out, "      melding: %s\n", f->message ? f->message : "(ingen)");
    size_t shown = 0;
    for (size_t k = 0; k < f->why.len; k++) {
      const why_entry *w = &f->why.items[k];
      if (w->kind != TR_FACT) continue;
      if (shown++ == 6) {
        fputs("      …\n", u->out);
        break;
      }
      buf v;
      buf_init(&v);
      vm_format(p, w->v, &v);
      fprintf(u->out, "      %s = %s\n", why_text(&r, w), w->v.tag == V_UNKNOWN ? "mangler" : v.data ? v.data : "");
      buf_free(&v);
    }
    ok = false;
  }
  if (ok && u->verbose) fprintf(u->out, "ok   %s:%u: «%s»\n", t->file, t->line, t->name);
  result_free(&r);
  case_free(&c);
  return ok;
}

/* ---- coverage ---- */

typedef struct {
  size_t rules_tested, rules_complete, nrules;
  size_t conds_tf, conds_unknown, nconds;
} cov_totals;

/* The rule's own conditions (not those inside definitions it uses), in code order. */
typedef VEC(uint32_t) u32vec;

static void own_conds(const bc_program *p, uint32_t block, u32vec *out)
{
  if (block == BC_NONE) return;
  const bc_block *b = &p->blocks.items[block];
  const uint8_t *code = p->code.items + b->start;
  for (uint32_t pc = 0; pc < b->len; pc += bc_ops[code[pc]].len) {
    if (code[pc] != OP_COND) continue;
    uint32_t c = bc_u16(code + pc + 1);
    if (p->conds.items[c].flags & COND_INLINED) continue;
    bool seen = false;
    for (size_t i = 0; i < out->len; i++) seen |= out->items[i] == c;
    if (!seen) vec_push(out, c);
  }
}

/* A condition's place as the user can open it: the program names files relative to the
** rule folder (docs/regelsett-id.md), so the folder the rules were read from goes first. */
static void cond_place(const rt_suite *s, const bc_cond *c, buf *b)
{
  buf_reset(b);
  if (s->src_dir) buf_printf(b, "%s/", s->src_dir);
  buf_printf(b, "%s:%u", bc_str(s->p, c->file), c->line);
}

static void cov_conds(const rt_suite *s, const uint8_t *map, uint32_t owner, const uint32_t *blocks, size_t nb,
                      FILE *out, cov_totals *tot, buf *gaps, const char *whose)
{
  const bc_program *p = s->p;
  u32vec cs = { 0 };
  for (size_t i = 0; i < nb; i++) own_conds(p, blocks[i], &cs);
  buf place;
  buf_init(&place);
  for (size_t i = 0; i < cs.len; i++) {
    uint8_t bits = map[(size_t)owner * p->conds.len + cs.items[i]];
    bool both = (bits & 6) == 6;
    tot->conds_tf += both;
    tot->conds_unknown += (bits & 1) != 0;
    tot->nconds++;
    if (!both) {
      const bc_cond *c = &p->conds.items[cs.items[i]];
      const char *never = bits == 0 ? "aldri vært vurdert" : (bits & 4) ? "aldri vært usann" : "aldri vært sann";
      cond_place(s, c, &place);
      fprintf(out, "      %s: «%s» har %s\n", place.data, bc_str(p, c->text), never);
      buf_printf(gaps, "  %s: %s: vilkåret «%s» har %s\n", place.data, whose, bc_str(p, c->text), never);
    }
  }
  buf_free(&place);
  vec_free(&cs);
}

/* Whether a block may give ukjent: it reads a fact other than through a recording test
** (skrevet, mangler, registrert), matches a regular expression (limits), divides, or
** says ukjent. A rule that cannot give ukjent is not required to have an ukjent test. */
static bool may_be_unknown(const bc_program *p, uint32_t block)
{
  if (block == BC_NONE) return false;
  const bc_block *b = &p->blocks.items[block];
  const uint8_t *code = p->code.items + b->start;
  for (uint32_t pc = 0; pc < b->len; pc += bc_ops[code[pc]].len) {
    uint8_t op = code[pc];
    if (op == OP_MATCH || op == OP_DIV || op == OP_UNKNOWN) return true;
    if (op != OP_FIELD) continue;
    uint32_t q = pc;
    while (q < b->len && code[q] == OP_FIELD) q += bc_ops[OP_FIELD].len;
    if (q >= b->len || (code[q] != OP_WRITTEN && code[q] != OP_MISSING && code[q] != OP_OR_EMPTY)) return true;
    pc = q - bc_ops[OP_FIELD].len;
  }
  return false;
}

static bool rule_may_be_unknown(const bc_program *p, const bc_rule *r)
{
  return may_be_unknown(p, p->guides.items[r->guide].cond) || may_be_unknown(p, r->coll) ||
         may_be_unknown(p, r->filter) || may_be_unknown(p, r->scope) || may_be_unknown(p, r->exception) ||
         may_be_unknown(p, r->check);
}

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 100.0; }

static bool report_coverage(rt_suite *s, const uint8_t *map, FILE *out, buf *gaps)
{
  const bc_program *p = s->p;
  cov_totals tot = { 0 };
  char whose[160];
  fputs("\nDekning\n", out);
  for (uint32_t g = 0; g < p->guides.len; g++) {
    const bc_guide *gd = &p->guides.items[g];
    if (gd->cond == BC_NONE) continue;
    fprintf(out, "  retningslinje %s: gjelder_når\n", bc_str(p, gd->id));
    snprintf(whose, sizeof whose, "retningslinje %s", bc_str(p, gd->id));
    cov_conds(s, map, (uint32_t)p->rules.len + g, &gd->cond, 1, out, &tot, gaps, whose);
  }
  size_t width = 0;                  /* the longest id, in characters: the statuses line up */
  for (uint32_t i = 0; i < p->rules.len; i++) {
    const char *id = bc_str(p, p->rules.items[i].id);
    size_t w = utf8_width(id, strlen(id));
    if (w > width) width = w;
  }
  for (uint32_t i = 0; i < p->rules.len; i++) {
    const bc_rule *r = &p->rules.items[i];
    uint32_t got = s->asserted.items[i];
    fstatus not_met = r->strength == ST_KRAV ? F_BRUDD : r->strength == ST_BOR ? F_AVVIK : F_VURDER;
    uint32_t want = 1u << F_OPPFYLT | 1u << not_met | 1u << F_IKKE_AKTUELL;
    if (rule_may_be_unknown(p, r)) want |= 1u << F_UKJENT;
    if (r->strength == ST_BOR) want |= 1u << F_BEGRUNNET;
    tot.nrules++;
    tot.rules_tested += got != 0;
    tot.rules_complete += (got & want) == want;
    const char *id = bc_str(p, r->id);
    fprintf(out, "  %s%*s", id, (int)(width - utf8_width(id, strlen(id))), "");
    if (!got) fputs(" IKKE TESTET", out);
    for (int st = 0; st < F__COUNT; st++)
      if (got & (1u << st)) fprintf(out, " %s", fstatus_name[st]);
    if ((got & want) != want) {
      fputs("  (mangler:", out);
      buf_printf(gaps, "  %s: ingen test forventer", bc_str(p, r->id));
      for (int st = 0; st < F__COUNT; st++)
        if ((want & ~got) & (1u << st)) {
          fprintf(out, " %s", fstatus_name[st]);
          buf_printf(gaps, " %s", fstatus_name[st]);
        }
      fputc(')', out);
      buf_putc(gaps, '\n');
    }
    fputc('\n', out);
    uint32_t blocks[4] = { r->filter, r->scope, r->exception, r->check };
    snprintf(whose, sizeof whose, "%s", bc_str(p, r->id));
    cov_conds(s, map, i, blocks, 4, out, &tot, gaps, whose);
  }
  fprintf(out, "\nRegler testet: %zu av %zu (%.0f %%); med alle påkrevde utfall: %zu av %zu (%.0f %%)\n",
          tot.rules_tested, tot.nrules, pct(tot.rules_tested, tot.nrules), tot.rules_complete, tot.nrules,
          pct(tot.rules_complete, tot.nrules));
  fprintf(out, "Vilkår som har vært både sann og usann: %zu av %zu (%.0f %%); ukjent: %zu av %zu (%.0f %%)\n",
          tot.conds_tf, tot.nconds, pct(tot.conds_tf, tot.nconds), tot.conds_unknown, tot.nconds,
          pct(tot.conds_unknown, tot.nconds));
  return tot.rules_complete == tot.nrules && tot.conds_tf == tot.nconds;
}

rt_summary rt_suite_run(rt_suite *s, FILE *out, bool coverage, bool verbose)
{
  rt_summary sum = { 0, 0, false, NULL };
  const bc_program *p = s->p;
  uint8_t *map = xcalloc((p->rules.len + p->guides.len) * p->conds.len + 1, 1);
  runner u = { s, vm_new(p), out, verbose };
  vm_coverage(u.m, map);
  for (size_t i = 0; i < s->tests.len; i++) {
    if (run_test(&u, &s->tests.items[i])) sum.passed++;
    else sum.failed++;
  }
  if (coverage) {
    buf gaps;
    buf_init(&gaps);
    sum.coverage_complete = report_coverage(s, map, out, &gaps);
    sum.gaps = buf_take(&gaps);
  }
  vm_free(u.m);
  free(map);
  return sum;
}
