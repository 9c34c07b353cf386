/*
** The case loader. Cases are parsed by simdjson (engine/json_simd.h) and converted straight
** into the schema's records in the case's arena. jansson is asked only for the words of an
** error simdjson reports, and for what simdjson accepts but the format does not (duplicate
** keys, NUL in a key, an integer beyond 64 bits), so that every message stays as it was.
** Replacing the JSON parser is a change to this file (and json_simd.*) alone.
*/
#include "case.h"

#include "bcfile.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "json_simd.h"
#include "jsonw.h"

/* Where the loader is in the document: a chain of keys and list indexes on the C stack,
** turned into a path («tiltak[1].start») only when an error needs one. */
typedef struct path_seg {
  const struct path_seg *up;
  const char *key;           /* NULL: the index */
  uint32_t len;
  uint32_t index;
} path_seg;

/* A key of an object met on the way, and where its value is on the tape. */
typedef struct { const char *s; uint32_t len; uint32_t at; } tkey;

/* A record type's field names in a small open-addressed table, each slot the name itself
** (one load to compare) and its field + 1 (0: an empty slot). */
typedef struct { const char *name; uint32_t len, field; } field_slot;
/* Each name by its number, with what the loader needs of its field in the same place. */
typedef struct {
  const char *name;
  const nstr *str;           /* the name as the program's string (a choice is this value) */
  uint32_t len;
  uint32_t after;            /* the field that came after this one the last time */
  uint32_t type;
  uint8_t simple;            /* case_reader.simple of its type */
  bool required;
} field_info;
typedef struct {
  field_slot *slot;
  uint32_t mask;
  field_info *info;
  /* Objects of one type usually have their keys in the same order: info[i].after, and
  ** `first` for the first key, is tried before the table. */
  uint32_t first;
} field_table;

/* case_reader.simple of a text that is one of choices (beside the kinds, type_kind) */
#define SIMPLE_CHOICE 0xFF

struct case_reader {
  jsd_parser *parser;
  VEC(jsd_val) items;        /* write_json's stack of arrays' items, by level */
  VEC(jsd_member) members;   /* write_json's stack of objects' members, by level */
  VEC(uint32_t) at;          /* per level, where each field's value is (0: not there) */
  VEC(tkey) keys;            /* per level, the keys the schema does not name */
  VEC(const path_seg *) chain;
  buf where;                 /* the path of the error being written */
  buf scratch;
  /* scratch for the id checks */
  VEC(struct keyed_id { const nstr *id; uint32_t at; }) ids;
  VEC(struct dup { uint32_t at; uint32_t first; }) dups;
  const bc_program *p;       /* the rule set whose cases it reads */
  /* per type: its kind when scalar() can convert it (a truth value, a number, a date, a
  ** text that is not a reference), SIMPLE_CHOICE for one of choices, else TK_ERROR */
  uint8_t *simple;
  /* the references met in the case, checked when it is all read (check_refs) */
  VEC(struct ref { const nstr *id; const nrec *r; uint32_t f; int32_t index; uint32_t type; }) refs;
  field_table *fields;       /* per record type, its fields */
  field_table *choices;      /* per type, the choices of a text that has them */
  uint32_t sak_id, date;     /* the root's fields sak_id and vurderingsdato, or BC_NONE */
  arena spare;               /* a case's chunk, kept for the next (case_recycle) */
};

typedef struct {
  const bc_program *p;
  ncase *c;
  case_reader *rd;
  const jsd_doc *d;
  buf *errors;
  size_t nerrors;
  bool strict_fail;          /* the document breaks a rule of the format simdjson does not check */
  const char *at;            /* a path made by the caller, instead of `here` */
  const path_seg *here;      /* where the loader is */
  bool may_nul;              /* the text has a NUL byte or a \u0000: strings must be looked at */
} loader;

/* Steps into key or [index] below where the loader is; leave() steps back out. */
static void enter(loader *l, path_seg *s, const char *key, uint32_t len, uint32_t index)
{
  s->up = l->here;
  s->key = key;
  s->len = len;
  s->index = index;
  l->here = s;
}

static void leave(loader *l, const path_seg *s) { l->here = s->up; }

static void err(loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void err(loader *l, const char *fmt, ...)
{
  if (++l->nerrors > CASE_MAX_ERRORS) return;
  buf *w = &l->rd->where;
  buf_reset(w);
  if (l->at) {
    buf_puts(w, l->at);
  } else {
    l->rd->chain.len = 0;
    for (const path_seg *s = l->here; s; s = s->up) vec_push(&l->rd->chain, s);
    for (size_t i = l->rd->chain.len; i-- > 0;) {
      const path_seg *s = l->rd->chain.items[i];
      if (!s->key) {
        buf_printf(w, "[%u]", s->index);
        continue;
      }
      if (i + 1 < l->rd->chain.len) buf_putc(w, '.');
      buf_put(w, s->key, s->len);
    }
  }
  buf_puts(l->errors, w->len ? w->data : "(roten)");
  buf_puts(l->errors, ": ");
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(l->errors, fmt, ap);
  va_end(ap);
  buf_putc(l->errors, '\n');
}

/* ---- the document as JSON text again: for messages, and the audit log's canonical form ---- */

static int cmp_member(const void *a, const void *b)
{
  const jsd_member *x = a, *y = b;
  int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Writes v as compact JSON, as jansson writes it; with `sorted`, object keys in byte order
** (JSON_SORT_KEYS). Stops early once out holds more than `limit` bytes. */
static void write_json(case_reader *rd, jsonw *w, jsd_val v, bool sorted, size_t limit)
{
  if (w->out->len > limit) return;
  switch (jsd_type(v)) {
  case JSD_NULL: jw_null(w); return;
  case JSD_BOOL: jw_bool(w, jsd_bool(v)); return;
  case JSD_INT: jw_int(w, (long long)jsd_int(v)); return;
  case JSD_UINT: case JSD_REAL: jw_real(w, jsd_num(v)); return;
  case JSD_STR: {
    size_t n;
    const char *s = jsd_str(v, &n);
    jw_strn(w, s, n);
    return;
  }
  case JSD_ARR: {
    size_t n = jsd_len(v), base = rd->items.len;
    for (size_t i = 0; i < n; i++) vec_push(&rd->items, v);
    if (n) jsd_items(v, rd->items.items + base);      /* (the stack may still be empty) */
    jw_arr(w);
    for (size_t i = 0; i < n; i++) write_json(rd, w, rd->items.items[base + i], sorted, limit);
    jw_arr_end(w);
    rd->items.len = base;
    return;
  }
  case JSD_OBJ: {
    size_t n = jsd_len(v), base = rd->members.len;
    jsd_member none = { NULL, 0, v };
    for (size_t i = 0; i < n; i++) vec_push(&rd->members, none);
    if (n) jsd_members(v, rd->members.items + base);
    if (n && sorted) qsort(rd->members.items + base, n, sizeof none, cmp_member);
    jw_obj(w);
    for (size_t i = 0; i < n; i++) {
      jsd_member m = rd->members.items[base + i];
      jw_keyn(w, m.key, m.len);
      write_json(rd, w, m.val, sorted, limit);
    }
    jw_obj_end(w);
    rd->members.len = base;
    return;
  }
  }
}

/* A short rendering of what was found, for error messages. */
static void found(loader *l, buf *b, jsd_val v)
{
  buf_reset(&l->rd->scratch);
  jsonw w;
  jw_init(&w, &l->rd->scratch);
  write_json(l->rd, &w, v, false, 64);
  const char *s = l->rd->scratch.data ? l->rd->scratch.data : "";
  size_t n = strlen(s);
  if (n > 60) buf_printf(b, "%.57s…", s);
  else buf_puts(b, s);
}

static const char *json_kind(jsd_val v)
{
  switch (jsd_type(v)) {
  case JSD_OBJ: return "et objekt";
  case JSD_ARR: return "en liste";
  case JSD_STR: return "en tekst";
  case JSD_INT: case JSD_UINT: case JSD_REAL: return "et tall";
  case JSD_BOOL: return "en sannhetsverdi";
  default: return "null";
  }
}

static void expected(loader *l, const char *what, jsd_val v)
{
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  found(l, &b, v);
  err(l, "forventet %s, fikk %s", what, b.data);
  oom_pop(&hold);
  buf_free(&b);
}

/* ---- what the format forbids and simdjson allows ---- */

/* a[0..n) = b[0..n), in words; the last word overlaps the one before rather than going
** byte by byte. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
  uint64_t x, y;
  uint32_t u, v;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&x, a + i, 8);
      memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    memcpy(&u, a, 4);
    memcpy(&v, b, 4);
    if (u != v) return false;
    memcpy(&u, a + n - 4, 4);
    memcpy(&v, b + n - 4, 4);
    return u == v;
  }
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

static int cmp_tkey(const void *a, const void *b)
{
  const tkey *x = a, *y = b;
  int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The keys rd->keys[base..base+n) of one object: strict_fail for two the same, which jansson
** refuses with its own message. */
static void check_dups(loader *l, size_t base, size_t n)
{
  if (n < 2) return;
  const tkey *k = l->rd->keys.items + base;
  if (n <= 16) {
    /* length, first and last byte in one word: most pairs differ there */
    uint32_t sig[16];
    for (size_t i = 0; i < n; i++)
      sig[i] = k[i].len ? k[i].len << 16 | (uint32_t)(uint8_t)k[i].s[0] << 8 | (uint8_t)k[i].s[k[i].len - 1] : 0;
    for (size_t i = 1; i < n; i++)
      for (size_t j = 0; j < i; j++)
        if (sig[i] == sig[j] && k[i].len == k[j].len && same_bytes(k[i].s, k[j].s, k[i].len)) l->strict_fail = true;
    return;
  }
  /* many keys: compare neighbours in a sorted copy, so the cost stays n log n */
  tkey *copy = xmalloc(n * sizeof *copy);   /* nothing allocates while it is held */
  memcpy(copy, k, n * sizeof *copy);
  qsort(copy, n, sizeof *copy, cmp_tkey);
  for (size_t i = 1; i < n; i++)
    if (!cmp_tkey(&copy[i - 1], &copy[i])) l->strict_fail = true;
  free(copy);
}

/* The key at tape word j of an object, and where its value is; a key with a NUL is a
** strict failure (jansson refuses it). */
static tkey key_at(loader *l, size_t j)
{
  tkey k;
  k.s = jsd_text(l->d, j, &k.len);
  k.at = (uint32_t)(j + 1);
  if (l->may_nul && memchr(k.s, 0, k.len)) l->strict_fail = true;
  return k;
}

/* Every member of the object at obj onto rd->keys, from *base, *n of them; false (and
** strict_fail) for a duplicate key or a key with a NUL. */
static bool take_keys(loader *l, size_t obj, size_t *base, size_t *n)
{
  const jsd_doc *d = l->d;
  *base = l->rd->keys.len;
  for (size_t j = obj + 1; jsd_tag(d, j) != '}'; j = jsd_after(d, j + 1)) {
    tkey k = key_at(l, j);
    vec_push(&l->rd->keys, k);
  }
  *n = l->rd->keys.len - *base;
  check_dups(l, *base, *n);
  return !l->strict_fail;
}

/* A value the schema does not name: its depth, and the format's rules inside it. */
static int check_unknown(loader *l, size_t v, int limit)
{
  const jsd_doc *d = l->d;
  if (limit <= 0 || l->strict_fail) return 1;
  unsigned k = jsd_tag(d, v);
  if (k == 'u') l->strict_fail = true;
  int depth = 0;
  if (k == '{') {
    size_t base, n;
    if (take_keys(l, v, &base, &n))
      for (size_t i = 0; i < n; i++) {
        int e = check_unknown(l, l->rd->keys.items[base + i].at, limit - 1);
        if (e > depth) depth = e;
      }
    l->rd->keys.len = base;
    return depth + 1;
  }
  if (k == '[') {
    for (size_t j = v + 1; jsd_tag(d, j) != ']'; j = jsd_after(d, j)) {
      int e = check_unknown(l, j, limit - 1);
      if (e > depth) depth = e;
    }
    return depth + 1;
  }
  return 0;
}

static nstr *make_str(loader *l, const char *s, size_t n)
{
  nstr *t = arena_alloc_raw(&l->c->mem, sizeof *t + n + 1);
  t->len = (uint32_t)n;
  t->plain = 0;
  memcpy(t->s, s, n);
  t->s[n] = 0;
  return t;
}

/* ---- a record type's fields by name, found once per rule set ---- */

static uint32_t key_hash(const char *s, uint32_t n)
{
  if (!n) return 0;
  uint32_t h = n * 0x9E3779B1u;
  h ^= (uint8_t)s[0] * 0x85EBCA77u;
  h ^= (uint8_t)s[n - 1] * 0xC2B2AE3Du;
  h ^= (uint8_t)s[n / 2] * 0x27D4EB2Fu;
  return h ^ h >> 15;
}

/* A table of the n names strings[names(i)], i < n. */
static void name_table_make(const bc_program *p, field_table *t, uint32_t n, uint32_t (*names)(const void *, uint32_t), const void *arg)
{
  uint32_t size = 8;
  while (size < 4 * n) size *= 2;
  t->slot = xcalloc(size, sizeof *t->slot);
  t->mask = size - 1;
  t->info = xcalloc(n ? n : 1, sizeof *t->info);
  t->first = n ? 0 : BC_NONE;
  for (uint32_t i = 0; i < n; i++) {
    const nstr *name = p->strings.items[names(arg, i)];
    t->info[i].name = name->s;
    t->info[i].str = name;
    t->info[i].len = name->len;
    t->info[i].after = i + 1 < n ? i + 1 : BC_NONE;
    t->info[i].type = BC_NONE;
    uint32_t h = key_hash(name->s, name->len) & t->mask;
    while (t->slot[h].field) h = (h + 1) & t->mask;
    t->slot[h].name = name->s;
    t->slot[h].len = name->len;
    t->slot[h].field = i + 1;
  }
}

static uint32_t field_name(const void *r, uint32_t i) { return ((const bc_record *)r)->fields.items[i].name; }
static uint32_t choice_name(const void *t, uint32_t i) { return ((const bc_type *)t)->values.items[i]; }

/* The field named key, or BC_NONE. */
static uint32_t field_named(const field_table *t, const char *key, uint32_t len)
{
  for (uint32_t h = key_hash(key, len) & t->mask; t->slot[h].field; h = (h + 1) & t->mask)
    if (t->slot[h].len == len && same_bytes(t->slot[h].name, key, len)) return t->slot[h].field - 1;
  return BC_NONE;
}

static nrec *convert_record(loader *l, uint32_t rec, size_t obj, const nrec *parent, uint32_t pf, int32_t index, int depth);

static int cmp_keyed_id(const void *a, const void *b)
{
  const struct keyed_id *x = a, *y = b;
  uint32_t n = x->id->len < y->id->len ? x->id->len : y->id->len;
  int c = memcmp(x->id->s, y->id->s, n);
  if (c) return c;
  if (x->id->len != y->id->len) return x->id->len < y->id->len ? -1 : 1;
  return (x->at > y->at) - (x->at < y->at);
}

/* The text ids (field f) of list's records, sorted, into l->rd->ids. */
static void sorted_ids(loader *l, const nlist *list, uint32_t f)
{
  l->rd->ids.len = 0;
  for (uint32_t i = 0; i < list->n; i++) {
    if (list->items[i].tag != V_REC) continue;
    value a = list->items[i].u.rec->fields[f];
    if (a.tag != V_STR) continue;
    struct keyed_id k = { a.u.str, i };
    vec_push(&l->rd->ids, k);
  }
  if (l->rd->ids.len > 1) qsort(l->rd->ids.items, l->rd->ids.len, sizeof *l->rd->ids.items, cmp_keyed_id);
}

static int cmp_dup(const void *a, const void *b)
{
  const struct dup *x = a, *y = b;
  return (x->at > y->at) - (x->at < y->at);
}

static bool same_str(const nstr *a, const nstr *b)
{
  return a->len == b->len && same_bytes(a->s, b->s, a->len);
}

/* Every item whose id an earlier item in the list already has is an error, in list order. */
static void check_unique(loader *l, const nlist *list, uint32_t f)
{
  if (list->n < 2) return;
  if (list->n <= 8) {
    /* a short list: pairwise, and nothing to sort (errors come in list order anyway) */
    bool any = false;
    for (uint32_t i = 1; i < list->n && !any; i++) {
      value a = list->items[i].tag == V_REC ? list->items[i].u.rec->fields[f] : v_unknown();
      for (uint32_t j = 0; j < i && !any && a.tag == V_STR; j++) {
        value b = list->items[j].tag == V_REC ? list->items[j].u.rec->fields[f] : v_unknown();
        any = b.tag == V_STR && same_str(a.u.str, b.u.str);
      }
    }
    if (!any) return;
  }
  sorted_ids(l, list, f);
  l->rd->dups.len = 0;
  for (size_t i = 1, first = 0; i < l->rd->ids.len; i++) {
    if (!same_str(l->rd->ids.items[i].id, l->rd->ids.items[first].id)) {
      first = i;
      continue;
    }
    struct dup d = { l->rd->ids.items[i].at, l->rd->ids.items[first].at };
    vec_push(&l->rd->dups, d);
  }
  if (l->rd->dups.len > 1) qsort(l->rd->dups.items, l->rd->dups.len, sizeof *l->rd->dups.items, cmp_dup);
  for (size_t i = 0; i < l->rd->dups.len; i++) {
    const struct dup *d = &l->rd->dups.items[i];
    path_seg at, id;
    enter(l, &at, NULL, 0, d->at);
    enter(l, &id, "id", 2, 0);
    err(l, "id-en \"%s\" er allerede brukt i [%u]; id-er må være unike i listen",
        list->items[d->at].u.rec->fields[f].u.str->s, d->first);
    leave(l, &id);
    leave(l, &at);
  }
}

static uint32_t field_index(const bc_program *p, uint32_t rec, const char *name)
{
  const bc_record *r = &p->records.items[rec];
  for (size_t i = 0; i < r->fields.len; i++)
    if (!strcmp(bc_str(p, r->fields.items[i].name), name)) return (uint32_t)i;
  return BC_NONE;
}

/* The value at v (not 0) of type `type`, whose case_reader.simple is `kind`, when it is
** well formed, as convert() would make it, into *out: true. Anything else (a list, a
** record, a reference, null, an error) is left to convert(), which says what is wrong. */
static inline __attribute__((always_inline)) bool scalar(loader *l, unsigned kind, uint32_t type, size_t v, value *out)
{
  const jsd_doc *d = l->d;
  unsigned k = jsd_tag(d, v);
  uint32_t n;
  const char *s;
  switch (kind) {
  case TK_BOOL:
    if (k != 't' && k != 'f') return false;
    *out = v_bool(k == 't');
    return true;
  case TK_NUM:
    if (k != 'l' && k != 'd') return false;
    *out = v_num(jsd_number(d, v));
    return true;
  case TK_DATE: {
    int32_t date;
    if (k != '"') return false;
    s = jsd_text(d, v, &n);
    if (!date_parse(s, n, &date)) return false;
    *out = v_date(date);
    return true;
  }
  case TK_TEXT:
    if (k != '"' || l->may_nul) return false;
    s = jsd_text(d, v, &n);
    *out = v_str(make_str(l, s, n));
    return true;
  case SIMPLE_CHOICE: {
    if (k != '"' || l->may_nul) return false;
    s = jsd_text(d, v, &n);
    uint32_t i = field_named(&l->rd->choices[type], s, n);
    if (i == BC_NONE) return false;
    *out = v_str(l->rd->choices[type].info[i].str);   /* the program's own */
    return true;
  }
  default:
    return false;
  }
}

/* The error for the text at v, which is none of t's choices. */
static __attribute__((noinline, cold)) void not_a_choice(loader *l, const bc_type *t, size_t v)
{
  buf b, f;
  buf_init(&b);
  buf_init(&f);
  oom_cleanup hold_b, hold_f;
  oom_hold_buf(&hold_b, &b);
  oom_hold_buf(&hold_f, &f);
  for (size_t c = 0; c < t->values.len; c++) buf_printf(&b, "%s\"%s\"", c ? ", " : "", bc_str(l->p, t->values.items[c]));
  found(l, &f, jsd_at(l->d, v));
  err(l, "forventet en av %s, fikk %s", b.data, f.data);
  oom_pop(&hold_f);
  oom_pop(&hold_b);
  buf_free(&b);
  buf_free(&f);
}

/* The value at v on the tape (0: not in the document) as the schema's type. */
static value convert(loader *l, uint32_t type, size_t v, const nrec *parent, uint32_t pf, int32_t index, int depth)
{
  const bc_program *p = l->p;
  const jsd_doc *d = l->d;
  const bc_type *t = &p->types.items[type];
  unsigned k = v ? jsd_tag(d, v) : 'n';
  if (k == 'n') return v_unknown();
  if (k == 'u') {
    l->strict_fail = true;                   /* beyond what the format's integers hold */
    return v_unknown();
  }
  switch (t->kind) {
  case TK_BOOL:
    if (k != 't' && k != 'f') { expected(l, "sann/usann (true eller false)", jsd_at(d, v)); return v_unknown(); }
    return v_bool(k == 't');
  case TK_NUM:
    if (k != 'l' && k != 'd') { expected(l, "et tall", jsd_at(d, v)); return v_unknown(); }
    return v_num(jsd_number(d, v));
  case TK_DATE: {
    int32_t date;
    uint32_t n;
    const char *s = k == '"' ? jsd_text(d, v, &n) : NULL;
    if (!s || !date_parse(s, n, &date)) {
      expected(l, "dato (ÅÅÅÅ-MM-DD)", jsd_at(d, v));
      return v_unknown();
    }
    return v_date(date);
  }
  case TK_TEXT: {
    if (k != '"') { expected(l, "tekst", jsd_at(d, v)); return v_unknown(); }
    uint32_t n;
    const char *s = jsd_text(d, v, &n);
    if (l->may_nul && memchr(s, 0, n)) { err(l, "teksten inneholder et NUL-tegn"); return v_unknown(); }
    const nstr *str;
    if (t->values.len) {
      /* one of the choices: the value is the program's own string, not a copy */
      uint32_t i = field_named(&l->rd->choices[type], s, n);
      if (i == BC_NONE) {
        not_a_choice(l, t, v);
        return v_unknown();
      }
      str = l->rd->choices[type].info[i].str;
    } else {
      str = make_str(l, s, n);
    }
    if (t->ref != BC_NONE) {
      /* (parent and pf are the record and field it is read from) */
      struct ref ref = { str, parent, pf, index, type };
      vec_push(&l->rd->refs, ref);
    }
    return v_str(str);
  }
  case TK_LIST: {
    if (k != '[') { expected(l, "en liste", jsd_at(d, v)); return v_unknown(); }
    size_t n = jsd_count(d, v);
    nlist *list = arena_alloc(&l->c->mem, sizeof *list + n * sizeof(value));
    list->n = (uint32_t)n;
    list->parent = parent;
    list->parent_field = pf;
    const bc_type *et = &p->types.items[t->elem];
    unsigned simple = l->rd->simple[t->elem];
    size_t x = v + 1;
    for (size_t i = 0; i < n && !l->strict_fail; i++, x = jsd_after(d, x)) {
      if (scalar(l, simple, t->elem, x, &list->items[i])) continue;
      path_seg at;
      enter(l, &at, NULL, 0, (uint32_t)i);
      if (et->kind == TK_REC && jsd_tag(d, x) == '{') {
        nrec *r = convert_record(l, et->rec, x, parent, pf, (int32_t)i, depth + 1);
        list->items[i].tag = V_REC;
        list->items[i].u.rec = r;
      } else {
        list->items[i] = convert(l, t->elem, x, parent, pf, (int32_t)i, depth + 1);
      }
      leave(l, &at);
    }
    /* ids are unique within their list */
    if (et->kind == TK_REC && p->records.items[et->rec].id_field != BC_NONE && !l->strict_fail)
      check_unique(l, list, p->records.items[et->rec].id_field);
    value out = { V_LIST, { 0 } };
    out.u.list = list;
    return out;
  }
  case TK_REC: {
    if (k != '{') { expected(l, "et objekt", jsd_at(d, v)); return v_unknown(); }
    value out = { V_REC, { 0 } };
    out.u.rec = convert_record(l, t->rec, v, parent, pf, -1, depth + 1);
    return out;
  }
  default:
    return v_unknown();
  }
}

static nrec *convert_record(loader *l, uint32_t rec, size_t obj, const nrec *parent, uint32_t pf, int32_t index, int depth)
{
  const bc_program *p = l->p;
  const jsd_doc *d = l->d;
  case_reader *rd = l->rd;
  const bc_record *schema = &p->records.items[rec];
  uint32_t n = (uint32_t)schema->fields.len;
  nrec *r = arena_alloc_raw(&l->c->mem, sizeof *r + n * sizeof(value));
  r->type = rec;
  r->nfields = n;
  r->parent = parent;
  r->parent_field = pf;
  r->index = index;
  r->fact = l->c->nfacts;
  l->c->nfacts += n;
  for (uint32_t i = 0; i < n; i++) r->fields[i] = v_unknown();  /* (what is not converted below) */
  if (depth > CASE_MAX_DEPTH) {
    err(l, "nøstingen er dypere enn %d nivåer", CASE_MAX_DEPTH);
    return r;
  }
  /* Each member once, in the document's order: its field by the record type's table, or
  ** onto the keys the schema does not name. */
  size_t at = rd->at.len, base = rd->keys.len;
  if (rd->at.cap < at + n) {
    size_t cap = rd->at.cap ? rd->at.cap : 64;
    while (cap < at + n) cap *= 2;
    rd->at.items = xrealloc(rd->at.items, cap * sizeof *rd->at.items);
    rd->at.cap = cap;
  }
  if (n) memset(rd->at.items + at, 0, n * sizeof *rd->at.items);
  rd->at.len = at + n;
  field_table *table = &rd->fields[rec];
  uint32_t prev = BC_NONE;
  for (size_t j = obj + 1; jsd_tag(d, j) != '}'; j = jsd_after(d, j + 1)) {
    tkey k = key_at(l, j);
    /* the field that followed the one before the last time, else the table */
    uint32_t *guess = prev == BC_NONE ? &table->first : &table->info[prev].after, g = *guess, f;
    if (g != BC_NONE && table->info[g].len == k.len && same_bytes(table->info[g].name, k.s, k.len)) {
      f = g;
    } else {
      f = field_named(table, k.s, k.len);
      if (f != BC_NONE) *guess = f;
    }
    if (f != BC_NONE) prev = f;
    if (f == BC_NONE) vec_push(&rd->keys, k);
    else if (rd->at.items[at + f]) l->strict_fail = true;      /* the same key twice */
    else rd->at.items[at + f] = k.at;
  }
  size_t nunknown = rd->keys.len - base;
  check_dups(l, base, nunknown);
  const field_info *info = table->info;
  for (uint32_t i = 0; i < n && !l->strict_fail; i++) {
    size_t v = rd->at.items[at + i];
    if (!v && !info[i].required) continue;
    if (v && scalar(l, info[i].simple, info[i].type, v, &r->fields[i])) continue;
    path_seg seg;
    enter(l, &seg, info[i].name, info[i].len, 0);
    if (info[i].required && (!v || jsd_tag(d, v) == 'n'))
      err(l, "mangler, men må være med");
    r->fields[i] = convert(l, info[i].type, v, r, i, -1, depth);
    leave(l, &seg);
  }
  /* Keys the schema does not name: only their depth and the format's rules are checked. */
  for (size_t m = 0; m < nunknown && !l->strict_fail; m++) {
    tkey k = rd->keys.items[base + m];
    if (check_unknown(l, k.at, CASE_MAX_DEPTH - depth + 1) > CASE_MAX_DEPTH - depth) {
      path_seg seg;
      enter(l, &seg, k.s, k.len, 0);
      err(l, "nøstingen er dypere enn %d nivåer", CASE_MAX_DEPTH);
      leave(l, &seg);
    }
  }
  rd->at.len = at;
  rd->keys.len = base;
  return r;
}

/* Does the sorted ids array (n) hold s? */
static bool has_id(const struct keyed_id *ids, size_t n, const nstr *s)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    struct keyed_id key = { s, 0 };
    int c = cmp_keyed_id(&ids[mid], &key);
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && same_str(ids[lo].id, s);
}

/* The lists that references point into, each list's ids sorted once. */
typedef struct {
  struct { uint32_t field; struct keyed_id *ids; size_t n; } list[8];
  size_t n;
} id_lists;

static const struct keyed_id *ids_of(loader *l, id_lists *ls, uint32_t field, size_t *n)
{
  const bc_program *p = l->p;
  size_t at = 0;
  while (at < ls->n && ls->list[at].field != field) at++;
  if (at == ls->n) {
    if (ls->n == sizeof ls->list / sizeof *ls->list) {      /* more lists than any schema has */
      for (size_t k = 0; k < ls->n; k++) free(ls->list[k].ids);
      ls->n = at = 0;
    }
    /* the verifier has checked that the field is a list of records with a text id */
    value lv = l->c->root->fields[field];
    const bc_type *lt = &p->types.items[p->records.items[p->root].fields.items[field].type];
    uint32_t idf = p->records.items[p->types.items[lt->elem].rec].id_field;
    l->rd->ids.len = 0;
    if (lv.tag == V_LIST) sorted_ids(l, lv.u.list, idf);
    ls->list[at].ids = xmalloc((l->rd->ids.len ? l->rd->ids.len : 1) * sizeof *l->rd->ids.items);
    ls->list[at].field = field;
    ls->list[at].n = l->rd->ids.len;
    if (l->rd->ids.len) memcpy(ls->list[at].ids, l->rd->ids.items, l->rd->ids.len * sizeof *l->rd->ids.items);
    ls->n++;
  }
  *n = ls->list[at].n;
  return ls->list[at].ids;
}

/* The reference ref names an id of the list its type points to, or one of the type's extra
** words. */
static void check_ref(loader *l, id_lists *ls, const struct ref *ref)
{
  const bc_program *p = l->p;
  const bc_type *t = &p->types.items[ref->type];
  bool ok = false;
  for (size_t k = 0; k < t->extra.len && !ok; k++) ok = same_str(p->strings.items[t->extra.items[k]], ref->id);
  /* a short list is looked through; a long one's ids are sorted once for the case */
  value lv = l->c->root->fields[t->ref];
  if (!ok && lv.tag == V_LIST && lv.u.list->n <= 16) {
    const bc_type *lt = &p->types.items[p->records.items[p->root].fields.items[t->ref].type];
    uint32_t idf = p->records.items[p->types.items[lt->elem].rec].id_field;
    for (uint32_t i = 0; i < lv.u.list->n && !ok; i++) {
      value it = lv.u.list->items[i];
      ok = it.tag == V_REC && it.u.rec->fields[idf].tag == V_STR && same_str(it.u.rec->fields[idf].u.str, ref->id);
    }
    if (!ok) lv.tag = V_UNKNOWN;                  /* not there: no need to sort to know */
  }
  size_t n = 0;
  const struct keyed_id *ids = ok || lv.tag != V_LIST ? NULL : ids_of(l, ls, t->ref, &n);
  if (!ok && (!ids || !has_id(ids, n, ref->id))) {
    buf *at = &l->rd->scratch;
    buf_reset(at);
    case_path(p, ref->r, ref->f, at);
    if (ref->index >= 0) buf_printf(at, "[%d]", ref->index);
    l->at = at->data;
    err(l, "viser til \"%s\", men det finnes ingen slik id i %s", ref->id->s,
        bc_str(p, p->records.items[p->root].fields.items[t->ref].name));
    l->at = NULL;
  }
}

/* After the whole case is read, for the ids of a list may come after what points at them.
** The references were noted as they were read, which is the schema's order; each list's
** ids are sorted once, so the check costs (n + m) log n. */
static void free_id_lists(void *arg)
{
  id_lists *ls = arg;
  for (size_t k = 0; k < ls->n; k++) free(ls->list[k].ids);
  ls->n = 0;
}

static void check_refs(loader *l)
{
  id_lists ls = { .n = 0 };
  oom_cleanup hold;
  oom_push(&hold, free_id_lists, &ls);
  for (size_t i = 0; i < l->rd->refs.len; i++) check_ref(l, &ls, &l->rd->refs.items[i]);
  oom_pop(&hold);
  free_id_lists(&ls);
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

case_reader *case_reader_new(const bc_program *p)
{
  case_reader *rd = xcalloc(1, sizeof *rd);
  rd->p = p;
  rd->simple = xcalloc(p->types.len + 1, 1);
  for (size_t i = 0; i < p->types.len; i++) {
    const bc_type *t = &p->types.items[i];
    bool text = t->kind == TK_TEXT && t->ref == BC_NONE;
    rd->simple[i] = t->kind == TK_BOOL || t->kind == TK_NUM || t->kind == TK_DATE || (text && !t->values.len) ? (uint8_t)t->kind
                    : text ? SIMPLE_CHOICE : TK_ERROR;
  }
  rd->fields = xcalloc(p->records.len + 1, sizeof *rd->fields);
  for (size_t i = 0; i < p->records.len; i++) {
    const bc_record *r = &p->records.items[i];
    name_table_make(p, &rd->fields[i], (uint32_t)r->fields.len, field_name, r);
    for (size_t f = 0; f < r->fields.len; f++) {
      rd->fields[i].info[f].type = r->fields.items[f].type;
      rd->fields[i].info[f].simple = rd->simple[r->fields.items[f].type];
      rd->fields[i].info[f].required = r->fields.items[f].required;
    }
  }
  rd->sak_id = field_index(p, p->root, "sak_id");
  rd->date = field_index(p, p->root, "vurderingsdato");
  rd->choices = xcalloc(p->types.len + 1, sizeof *rd->choices);
  for (size_t i = 0; i < p->types.len; i++) {
    const bc_type *t = &p->types.items[i];
    if (t->kind == TK_TEXT && t->values.len) name_table_make(p, &rd->choices[i], (uint32_t)t->values.len, choice_name, t);
  }
  rd->parser = jsd_new();
  if (!rd->parser) {
    case_reader_free(rd);
    return NULL;
  }
  return rd;
}

void case_reader_free(case_reader *rd)
{
  if (!rd) return;
  jsd_free(rd->parser);
  arena_free(&rd->spare);
  vec_free(&rd->items);
  vec_free(&rd->members);
  vec_free(&rd->at);
  vec_free(&rd->keys);
  vec_free(&rd->chain);
  if (rd->fields)
    for (size_t i = 0; i < rd->p->records.len; i++) {
      free(rd->fields[i].slot);
      free(rd->fields[i].info);
    }
  if (rd->choices)
    for (size_t i = 0; i < rd->p->types.len; i++) {
      free(rd->choices[i].slot);
      free(rd->choices[i].info);
    }
  free(rd->fields);
  free(rd->choices);
  vec_free(&rd->ids);
  vec_free(&rd->dups);
  free(rd->simple);
  vec_free(&rd->refs);
  buf_free(&rd->where);
  buf_free(&rd->scratch);
  free(rd);
}

/* The words for a document simdjson refused, or one that breaks a rule of the format it
** does not check: jansson's error, in bokmål, with line (when there is more than one) and
** column. */
static void parse_error(const char *json, size_t len, buf *errors)
{
  json_error_t je;
  json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  if (doc) {                                 /* jansson takes it: it was too deep for simdjson */
    json_decref(doc);
    buf_printf(errors, "(roten): nøstingen er dypere enn %d nivåer\n", CASE_MAX_DEPTH);
    return;
  }
  if (json_error_code(&je) == json_error_out_of_memory) oom_raise();   /* not the case's fault */
  /* A document on one line (an NDJSON line, whose line in the file the caller names) has
  ** only a column: «fil.ndjson:2: linje 1, …» would send the reader to the wrong line. */
  if (memchr(json, '\n', len)) buf_printf(errors, "linje %d, ", je.line);
  buf_printf(errors, "kolonne %d: ugyldig JSON (%s)\n", je.column, case_json_error(json_error_code(&je), "ugyldig JSON"));
}

/* Each backslash is looked at (glibc's memmem was slower for the cases' many escapes, and
** so was a scan eight bytes at a time in C: memchr's is wider). */
static bool has_u0000(const char *s, size_t n)
{
  for (const char *e = s + n; (s = memchr(s, '\\', (size_t)(e - s))) && e - s >= 6; s++)
    if (!memcmp(s + 1, "u0000", 5)) return true;
  return false;
}

bool case_read(case_reader *rd, const char *json, size_t len, ncase *c, buf *errors, char digest[65])
{
  const bc_program *p = rd->p;
  memset(c, 0, sizeof *c);
  arena_init(&c->mem);
  arena_adopt(&c->mem, &rd->spare);
  c->p = p;
  loader l;
  memset(&l, 0, sizeof l);
  l.p = p;
  l.c = c;
  l.rd = rd;
  l.errors = errors;
  rd->items.len = rd->members.len = rd->at.len = rd->keys.len = 0;   /* a case cut short by out-of-memory left them */
  rd->refs.len = 0;
  if (len > CASE_MAX_BYTES) {
    buf_printf(errors, "saksmappen er større enn grensen på %u MiB for én sak\n", CASE_MAX_BYTES >> 20);
    return false;
  }
  size_t bom = utf8_bom(json, len);        /* a byte-order mark is not part of the document */
  jsd_doc d;
  jsd_status st = jsd_parse(rd->parser, json + bom, len - bom, &d);
  if (st == JSD_NOMEM) {
    buf_printf(errors, "%s\n", CASE_NO_MEMORY);
    return false;
  }
  if (st != JSD_OK) {
    parse_error(json + bom, len - bom, errors);
    return false;
  }
  /* a string can hold NUL only from a \u0000: a raw NUL is not JSON, and simdjson has
  ** refused it (test_what_the_format_forbids) */
  l.may_nul = has_u0000(json, len);
  size_t mark = errors->len;
  bool ok = false;
  l.d = &d;
  if (jsd_tag(&d, JSD_ROOT) != '{') {
    buf_printf(errors, "(roten): forventet et objekt, fikk %s\n", json_kind(jsd_at(&d, JSD_ROOT)));
  } else {
    /* "format" first: with another format nothing else is said. (A key twice, which
    ** jansson names before anything, is looked for here only when the format is wrong;
    ** convert_record finds it otherwise.) */
    size_t fmt = 0;
    for (size_t j = JSD_ROOT + 1; jsd_tag(&d, j) != '}' && !fmt; j = jsd_after(&d, j + 1)) {
      tkey k = key_at(&l, j);
      if (k.len == 6 && !memcmp(k.s, "format", 6)) fmt = k.at;
    }
    const char *want = bc_str(p, p->format);
    uint32_t fl = 0;
    const char *fs = fmt && jsd_tag(&d, fmt) == '"' ? jsd_text(&d, fmt, &fl) : NULL;
    bool right = fs && fl == strlen(want) && !memcmp(fs, want, fl);
    if (!right) {
      size_t base, n;
      take_keys(&l, JSD_ROOT, &base, &n);
      rd->keys.len = base;
    }
    if (l.strict_fail) {
      /* reported below */
    } else if (!right) {
      buf f;
      buf_init(&f);
      oom_cleanup hold_f;
      oom_hold_buf(&hold_f, &f);
      if (fmt) found(&l, &f, jsd_at(&d, fmt)); else buf_puts(&f, "ingenting");
      buf_printf(errors, "format: forventet \"%s\", fikk %s\n", want, f.data);
      oom_pop(&hold_f);
      buf_free(&f);
    } else {
      c->root = convert_record(&l, p->root, JSD_ROOT, NULL, 0, -1, 0);
      if (!l.strict_fail) check_refs(&l);
      uint32_t id = rd->sak_id, date = rd->date;
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
  if (l.strict_fail) {
    /* not JSON as the format has it, though simdjson took it: jansson says where and why */
    errors->len = mark;
    if (errors->data) errors->data[mark] = 0;
    parse_error(json + bom, len - bom, errors);
    ok = false;
  }
  if (ok && digest) {
    /* the audit log's checksum of the case: its canonical JSON (audit_case_digest) */
    buf_reset(&rd->scratch);
    jsonw w;
    jw_init(&w, &rd->scratch);
    write_json(rd, &w, jsd_at(&d, JSD_ROOT), true, (size_t)-1);
    uint8_t sum[32];
    bcf_sha256(rd->scratch.data ? rd->scratch.data : "", rd->scratch.len, sum);
    bcf_hex(sum, 32, digest);
  }
  return ok;
}

bool case_load(const bc_program *p, const char *json, size_t len, ncase *c, buf *errors)
{
  case_reader *rd = case_reader_new(p);
  if (!rd) {
    memset(c, 0, sizeof *c);
    buf_puts(errors, "tomt for minne\n");
    return false;
  }
  bool ok = case_read(rd, json, len, c, errors, NULL);
  case_reader_free(rd);
  return ok;
}

void case_free(ncase *c)
{
  arena_free(&c->mem);
  memset(c, 0, sizeof *c);
}

void case_recycle(case_reader *rd, ncase *c)
{
  arena_recycle(&c->mem, &rd->spare);
  memset(c, 0, sizeof *c);
}

/* "[index]", without printf: a fact's path is made for every fact a result names */
static void put_index(buf *out, int32_t index)
{
  char tmp[16], *e = tmp + sizeof tmp, *s = e;
  *--s = ']';
  uint32_t v = (uint32_t)index;
  do *--s = (char)('0' + v % 10);
  while (v /= 10);
  *--s = '[';
  buf_put(out, s, (size_t)(e - s));
}

/* The same path made straight in the arena, its length worked out first and its bytes
** written from the end back (a result makes one for every fact it names). */
static size_t index_len(int32_t index)
{
  size_t n = 3;                              /* "[", a digit, "]" */
  for (uint32_t v = (uint32_t)index; v >= 10; v /= 10) n++;
  return n;
}

const char *case_path_in(const bc_program *p, const nrec *r, uint32_t f, arena *a)
{
  const nstr *leaf = p->strings.items[p->records.items[r->type].fields.items[f].name];
  size_t len = leaf->len, depth = 0;
  for (const nrec *x = r; x->parent && depth < CASE_MAX_DEPTH + 2; x = x->parent, depth++) {
    const nstr *name = p->strings.items[p->records.items[x->parent->type].fields.items[x->parent_field].name];
    len += name->len + 1 + (x->index >= 0 ? index_len(x->index) : 0);
  }
  char *s = arena_alloc_raw(a, len + 1), *at = s + len;
  *at = 0;
  at -= leaf->len;
  memcpy(at, leaf->s, leaf->len);
  depth = 0;
  for (const nrec *x = r; x->parent && depth < CASE_MAX_DEPTH + 2; x = x->parent, depth++) {
    *--at = '.';
    if (x->index >= 0) {
      *--at = ']';
      uint32_t v = (uint32_t)x->index;
      do *--at = (char)('0' + v % 10);
      while (v /= 10);
      *--at = '[';
    }
    const nstr *name = p->strings.items[p->records.items[x->parent->type].fields.items[x->parent_field].name];
    at -= name->len;
    memcpy(at, name->s, name->len);
  }
  return s;
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
    const nstr *name = p->strings.items[pr->fields.items[x->parent_field].name];
    buf_put(out, name->s, name->len);
    if (x->index >= 0) put_index(out, x->index);
  }
  if (out->len) buf_putc(out, '.');
  const nstr *name = p->strings.items[p->records.items[r->type].fields.items[f].name];
  buf_put(out, name->s, name->len);
}
