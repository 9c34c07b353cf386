/*
** The case loader (jansson). Replacing the JSON parser is a change to this file alone.
*/
#include "case.h"

#include "bcfile.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

typedef struct {
  const bc_program *p;
  ncase *c;
  buf *errors;
  size_t nerrors;
  buf path;
  /* references to check once every list's ids are known */
  VEC(struct pending_ref { char *path; const nstr *value; uint32_t type; }) refs;
} loader;

static void err(loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void err(loader *l, const char *fmt, ...)
{
  if (++l->nerrors > CASE_MAX_ERRORS) return;
  buf_puts(l->errors, l->path.len ? l->path.data : "(roten)");
  buf_puts(l->errors, ": ");
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(l->errors, fmt, ap);
  va_end(ap);
  buf_putc(l->errors, '\n');
}

/* A short rendering of what was found, for error messages. */
static void found(buf *b, const json_t *v)
{
  char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
  if (!s) { buf_puts(b, "?"); return; }
  size_t n = strlen(s);
  if (n > 60) buf_printf(b, "%.57s…", s);
  else buf_puts(b, s);
  free(s);
}

static const char *json_kind(const json_t *v)
{
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "et objekt";
  case JSON_ARRAY: return "en liste";
  case JSON_STRING: return "en tekst";
  case JSON_INTEGER: case JSON_REAL: return "et tall";
  case JSON_TRUE: case JSON_FALSE: return "en sannhetsverdi";
  default: return "null";
  }
}

static void expected(loader *l, const char *what, const json_t *v)
{
  buf b;
  buf_init(&b);
  found(&b, v);
  err(l, "forventet %s, fikk %s", what, b.data);
  buf_free(&b);
}

static int depth_of(const json_t *v, int limit)
{
  if (limit <= 0) return 1;
  int d = 0;
  if (json_is_object(v)) {
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)v, k, x) { int e = depth_of(x, limit - 1); if (e > d) d = e; }
    return d + 1;
  }
  if (json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) { int e = depth_of(x, limit - 1); if (e > d) d = e; }
    return d + 1;
  }
  return 0;
}

static nstr *make_str(loader *l, const char *s, size_t n)
{
  nstr *t = arena_alloc(&l->c->mem, sizeof *t + n + 1);
  t->len = (uint32_t)n;
  memcpy(t->s, s, n);
  return t;
}

static nrec *convert_record(loader *l, uint32_t rec, const json_t *obj, const nrec *parent, uint32_t pf, int32_t index, int depth);

static uint32_t field_index(const bc_program *p, uint32_t rec, const char *name)
{
  const bc_record *r = &p->records.items[rec];
  for (size_t i = 0; i < r->fields.len; i++)
    if (!strcmp(bc_str(p, r->fields.items[i].name), name)) return (uint32_t)i;
  return BC_NONE;
}

static value convert(loader *l, uint32_t type, const json_t *v, const nrec *parent, uint32_t pf, int depth)
{
  const bc_program *p = l->p;
  const bc_type *t = &p->types.items[type];
  if (!v || json_is_null(v)) return v_unknown();
  switch (t->kind) {
  case TK_BOOL:
    if (!json_is_boolean(v)) { expected(l, "sann/usann (true eller false)", v); return v_unknown(); }
    return v_bool(json_is_true(v));
  case TK_NUM:
    if (!json_is_number(v)) { expected(l, "et tall", v); return v_unknown(); }
    return v_num(json_number_value(v));
  case TK_DATE: {
    int32_t d;
    if (!json_is_string(v) || !date_parse(json_string_value(v), json_string_length(v), &d)) {
      expected(l, "dato (ÅÅÅÅ-MM-DD)", v);
      return v_unknown();
    }
    return v_date(d);
  }
  case TK_TEXT: {
    if (!json_is_string(v)) { expected(l, "tekst", v); return v_unknown(); }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (memchr(s, 0, n)) { err(l, "teksten inneholder et NUL-tegn"); return v_unknown(); }
    if (t->values.len) {
      bool ok = false;
      for (size_t i = 0; i < t->values.len && !ok; i++) {
        const nstr *a = p->strings.items[t->values.items[i]];
        ok = a->len == n && !memcmp(a->s, s, n);
      }
      if (!ok) {
        buf b;
        buf_init(&b);
        for (size_t i = 0; i < t->values.len; i++) buf_printf(&b, "%s\"%s\"", i ? ", " : "", bc_str(p, t->values.items[i]));
        buf f;
        buf_init(&f);
        found(&f, v);
        err(l, "forventet en av %s, fikk %s", b.data, f.data);
        buf_free(&b);
        buf_free(&f);
        return v_unknown();
      }
    }
    nstr *str = make_str(l, s, n);
    if (t->ref != BC_NONE) {
      struct pending_ref r = { xstrdup(l->path.data ? l->path.data : ""), str, type };
      vec_push(&l->refs, r);
    }
    return v_str(str);
  }
  case TK_LIST: {
    if (!json_is_array(v)) { expected(l, "en liste", v); return v_unknown(); }
    size_t n = json_array_size(v);
    nlist *list = arena_alloc(&l->c->mem, sizeof *list + n * sizeof(value));
    list->n = (uint32_t)n;
    list->parent = parent;
    list->parent_field = pf;
    size_t mark = l->path.len;
    const bc_type *et = &p->types.items[t->elem];
    for (size_t i = 0; i < n; i++) {
      buf_printf(&l->path, "[%zu]", i);
      const json_t *x = json_array_get(v, i);
      if (et->kind == TK_REC && json_is_object(x)) {
        nrec *r = convert_record(l, et->rec, x, parent, pf, (int32_t)i, depth + 1);
        list->items[i].tag = V_REC;
        list->items[i].u.rec = r;
      } else {
        list->items[i] = convert(l, t->elem, x, parent, pf, depth + 1);
      }
      l->path.len = mark;
      l->path.data[mark] = 0;
    }
    /* ids are unique within their list */
    if (et->kind == TK_REC && p->records.items[et->rec].id_field != BC_NONE) {
      uint32_t f = p->records.items[et->rec].id_field;
      for (size_t i = 0; i < n; i++) {
        if (list->items[i].tag != V_REC) continue;
        value a = list->items[i].u.rec->fields[f];
        if (a.tag != V_STR) continue;
        for (size_t j = 0; j < i; j++) {
          if (list->items[j].tag != V_REC) continue;
          value b = list->items[j].u.rec->fields[f];
          if (b.tag == V_STR && b.u.str->len == a.u.str->len && !memcmp(b.u.str->s, a.u.str->s, a.u.str->len)) {
            buf_printf(&l->path, "[%zu].id", i);
            err(l, "id-en \"%s\" er allerede brukt i [%zu]; id-er må være unike i listen", a.u.str->s, j);
            l->path.len = mark;
            l->path.data[mark] = 0;
          }
        }
      }
    }
    value out = { V_LIST, { 0 } };
    out.u.list = list;
    return out;
  }
  case TK_REC: {
    if (!json_is_object(v)) { expected(l, "et objekt", v); return v_unknown(); }
    value out = { V_REC, { 0 } };
    out.u.rec = convert_record(l, t->rec, v, parent, pf, -1, depth + 1);
    return out;
  }
  default:
    return v_unknown();
  }
}

static nrec *convert_record(loader *l, uint32_t rec, const json_t *obj, const nrec *parent, uint32_t pf, int32_t index, int depth)
{
  const bc_program *p = l->p;
  const bc_record *rd = &p->records.items[rec];
  uint32_t n = (uint32_t)rd->fields.len;
  nrec *r = arena_alloc(&l->c->mem, sizeof *r + n * sizeof(value));
  r->type = rec;
  r->nfields = n;
  r->parent = parent;
  r->parent_field = pf;
  r->index = index;
  r->fact = l->c->nfacts;
  l->c->nfacts += n;
  if (depth > CASE_MAX_DEPTH) {
    err(l, "nøstingen er dypere enn %d nivåer", CASE_MAX_DEPTH);
    return r;
  }
  size_t mark = l->path.len;
  for (uint32_t i = 0; i < n; i++) {
    const char *name = bc_str(p, rd->fields.items[i].name);
    const json_t *v = json_object_get(obj, name);
    if (mark) buf_putc(&l->path, '.');
    buf_puts(&l->path, name);
    if (rd->fields.items[i].required && (!v || json_is_null(v)))
      err(l, "mangler, men må være med");
    r->fields[i] = convert(l, rd->fields.items[i].type, v, r, i, depth);
    l->path.len = mark;
    if (l->path.data) l->path.data[mark] = 0;
  }
  /* Keys the schema does not name are kept as written (only the root's are listed). */
  const char *key;
  json_t *val;
  json_object_foreach((json_t *)obj, key, val) {
    if (field_index(p, rec, key) != BC_NONE) continue;
    if (depth_of(val, CASE_MAX_DEPTH - depth + 1) > CASE_MAX_DEPTH - depth) {
      if (mark) buf_putc(&l->path, '.');
      buf_puts(&l->path, key);
      err(l, "nøstingen er dypere enn %d nivåer", CASE_MAX_DEPTH);
      l->path.len = mark;
      if (l->path.data) l->path.data[mark] = 0;
      continue;
    }
    if (!parent && index < 0) {
      case_extra e = { xstrdup(key), json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS) };
      vec_push(&l->c->extras, e);
    }
  }
  return r;
}

static void check_refs(loader *l)
{
  const bc_program *p = l->p;
  for (size_t i = 0; i < l->refs.len; i++) {
    struct pending_ref *ref = &l->refs.items[i];
    const bc_type *t = &p->types.items[ref->type];
    bool ok = false;
    for (size_t k = 0; k < t->extra.len && !ok; k++) {
      const nstr *e = p->strings.items[t->extra.items[k]];
      ok = e->len == ref->value->len && !memcmp(e->s, ref->value->s, e->len);
    }
    value lv = l->c->root->fields[t->ref];
    const bc_type *lt = &p->types.items[p->records.items[p->root].fields.items[t->ref].type];
    uint32_t idf = p->records.items[p->types.items[lt->elem].rec].id_field;
    if (lv.tag == V_LIST)
      for (uint32_t k = 0; k < lv.u.list->n && !ok; k++) {
        value item = lv.u.list->items[k];
        if (item.tag != V_REC) continue;
        value id = item.u.rec->fields[idf];
        ok = id.tag == V_STR && id.u.str->len == ref->value->len && !memcmp(id.u.str->s, ref->value->s, id.u.str->len);
      }
    if (!ok) {
      buf_reset(&l->path);
      buf_puts(&l->path, ref->path);
      err(l, "viser til \"%s\", men det finnes ingen slik id i %s", ref->value->s,
          bc_str(p, p->records.items[p->root].fields.items[t->ref].name));
    }
  }
}

const char *case_json_error(int code, const char *fallback)
{
  switch ((enum json_error_code)code) {
  case json_error_out_of_memory: return "tomt for minne";
  case json_error_stack_overflow: return "nøstet for dypt";
  case json_error_invalid_utf8: return "ugyldig UTF-8";
  case json_error_premature_end_of_input: return "teksten slutter før JSON-dokumentet er ferdig";
  case json_error_end_of_input_expected: return "mer tekst etter at JSON-dokumentet er ferdig (bare ett dokument per fil eller linje)";
  case json_error_invalid_syntax: return "ugyldig JSON-syntaks";
  case json_error_null_character: case json_error_null_byte_in_key: return "et NUL-tegn der det ikke er tillatt";
  case json_error_duplicate_key: return "samme nøkkel står to ganger i et objekt";
  case json_error_numeric_overflow: return "et tall som er for stort";
  default: return fallback;
  }
}

bool case_load(const bc_program *p, const char *json, size_t len, ncase *c, buf *errors)
{
  return case_load_digest(p, json, len, c, errors, NULL);
}

bool case_load_digest(const bc_program *p, const char *json, size_t len, ncase *c, buf *errors, char digest[65])
{
  memset(c, 0, sizeof *c);
  arena_init(&c->mem);
  c->p = p;
  loader l;
  memset(&l, 0, sizeof l);
  l.p = p;
  l.c = c;
  l.errors = errors;
  buf_init(&l.path);
  if (len > CASE_MAX_BYTES) {
    buf_printf(errors, "saksmappen er større enn grensen på %u MiB for én sak\n", CASE_MAX_BYTES >> 20);
    return false;
  }
  size_t bom = utf8_bom(json, len);        /* a byte-order mark is not part of the document */
  json_error_t je;
  json_t *doc = json_loadb(json + bom, len - bom, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  if (!doc) {
    buf_printf(errors, "linje %d, kolonne %d: ugyldig JSON (%s)\n", je.line, je.column,
               case_json_error(json_error_code(&je), "ugyldig JSON"));
    return false;
  }
  bool ok = false;
  if (!json_is_object(doc)) {
    buf_printf(errors, "(roten): forventet et objekt, fikk %s\n", json_kind(doc));
  } else {
    const json_t *fmt = json_object_get(doc, "format");
    const char *want = bc_str(p, p->format);
    if (!json_is_string(fmt) || strcmp(json_string_value(fmt), want)) {
      buf f;
      buf_init(&f);
      if (fmt) found(&f, fmt); else buf_puts(&f, "ingenting");
      buf_printf(errors, "format: forventet \"%s\", fikk %s\n", want, f.data);
      buf_free(&f);
    } else {
      c->root = convert_record(&l, p->root, doc, NULL, 0, -1, 0);
      check_refs(&l);
      uint32_t id = field_index(p, p->root, "sak_id"), date = field_index(p, p->root, "vurderingsdato");
      if (id != BC_NONE && c->root->fields[id].tag == V_STR) c->sak_id = c->root->fields[id].u.str->s;
      if (date != BC_NONE && c->root->fields[date].tag == V_DATE) {
        c->has_date = true;
        c->date = c->root->fields[date].u.date;
      }
      ok = l.nerrors == 0;
      if (l.nerrors > CASE_MAX_ERRORS)
        buf_printf(errors, "… og %zu feil til\n", l.nerrors - CASE_MAX_ERRORS);
    }
  }
  if (ok && digest) {
    /* the audit log's checksum of the case, from the tree already parsed (audit_case_digest) */
    char *canon = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    uint8_t d[32];
    bcf_sha256(canon ? canon : "", canon ? strlen(canon) : 0, d);
    bcf_hex(d, 32, digest);
    if (!canon) {
      buf_puts(errors, "tomt for minne: sakens sjekksum kunne ikke lages\n");
      ok = false;
    }
    free(canon);
  }
  json_decref(doc);
  for (size_t i = 0; i < l.refs.len; i++) free(l.refs.items[i].path);
  vec_free(&l.refs);
  buf_free(&l.path);
  return ok;
}

void case_free(ncase *c)
{
  for (size_t i = 0; i < c->extras.len; i++) {
    free(c->extras.items[i].key);
    free(c->extras.items[i].json);
  }
  vec_free(&c->extras);
  arena_free(&c->mem);
  memset(c, 0, sizeof *c);
}

void case_path(const bc_program *p, const nrec *r, uint32_t f, buf *out)
{
  /* Collect the chain from the root, then print it outward-in. */
  const nrec *chain[CASE_MAX_DEPTH + 2];
  size_t n = 0;
  for (const nrec *x = r; x && n < CASE_MAX_DEPTH + 2; x = x->parent) chain[n++] = x;
  for (size_t i = n; i-- > 0;) {
    const nrec *x = chain[i];
    if (!x->parent) continue;
    const bc_record *pr = &p->records.items[x->parent->type];
    if (out->len) buf_putc(out, '.');
    buf_puts(out, bc_str(p, pr->fields.items[x->parent_field].name));
    if (x->index >= 0) buf_printf(out, "[%d]", x->index);
  }
  if (out->len) buf_putc(out, '.');
  buf_puts(out, bc_str(p, p->records.items[r->type].fields.items[f].name));
}
