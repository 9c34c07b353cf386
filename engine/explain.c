/*
** Choosing and wording what decided a finding (see explain.h). The trace is a list in
** evaluation order: facts read, then the condition that read them with its value. Each
** condition knows the condition it is a part of (bc_cond.parent), so the trace is read as
** a tree: a node's parts are the conditions in the trace whose parent it is, and a fact
** belongs to the first condition recorded after it.
*/
#include "explain.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "jsonw.h"
#include "words.h"

typedef VEC(uint32_t) u32s;

/* A condition's words (words.h) taken apart once per rule set: the runs of text, the values
** to fill in (WORDS_MARK) and the facts named (WORDS_FACT), so that explaining a finding
** reads no marker again. A list ends with WS_END; a marker that cannot be read ends it too,
** where the text would have stopped being read. */
enum { WS_TEXT, WS_VALUE, WS_FACT, WS_END };
typedef struct {
  uint8_t kind;
  bool plain;                /* WS_TEXT: it goes into JSON as it is (jw_plain) */
  char next;                 /* WS_VALUE: the byte after its marker (0 at the end) */
  uint32_t a, b;             /* WS_TEXT: offset and length; WS_VALUE, WS_FACT: record, field */
} wseg;

typedef struct {
  const result *r;
  const finding *f;
  const bc_program *p;
  /* Per condition in the trace, a slot (0 .. m-1, in the order first recorded); slot m is
  ** for any other. slot_of[c] is c's slot when stamp[c] is this finding's epoch. */
  uint32_t *slot_of, *stamp, epoch, m;
  size_t map_len;            /* slot_of and stamp have room for this many conditions */
  uint8_t *seen;             /* 1 ukjent, 2 usann, 4 sann, as recorded */
  int32_t *at;               /* its last entry in f->why, or -1 */
  u32s *parts;               /* its parts that are in the trace, in order */
  u32s *facts;               /* the why entries of the facts it read */
  explanation *out;
  size_t dropped;            /* lines past EXPLAIN_MAX_LINES */
  /* Working space, kept from finding to finding: the line being worded, a fact's name,
  ** and which trace entries an «alle» failed for. */
  buf line, label;
  bool line_plain;           /* what is in line goes into JSON as it is, as far as known */
  uint8_t *failed;
  size_t slots_cap, failed_cap;   /* the arrays' room; parts and facts are initialized up
                                     to slots_cap */
  /* The words taken apart: words_at[id] is 1 + where string id's segments start in segs,
  ** 0 when not yet; for the rule set words_of, made anew for another. */
  const bc_program *words_of;
  uint32_t *words_at;
  VEC(wseg) segs;
} ex;

struct explainer {
  ex x;
  arena spare;               /* an explanation's chunk, kept for the next (explanation_done) */
};

explainer *explainer_new(void) { return xcalloc(1, sizeof(explainer)); }

void explainer_free(explainer *e)
{
  if (!e) return;
  ex *x = &e->x;
  for (size_t i = 0; i < x->slots_cap; i++) {
    vec_free(&x->parts[i]);
    vec_free(&x->facts[i]);
  }
  arena_free(&e->spare);
  free(x->parts);
  free(x->facts);
  free(x->seen);
  free(x->at);
  free(x->slot_of);
  free(x->stamp);
  buf_free(&x->line);
  buf_free(&x->label);
  free(x->failed);
  free(x->words_at);
  vec_free(&x->segs);
  free(e);
}

static void free_explainer(void *e) { explainer_free(e); }

void explainer_hold(oom_cleanup *c, explainer *e) { oom_push(c, free_explainer, e); }

/* Room for the slots of a program's nconds conditions, and for n slots; what grows keeps
** its contents, and the room is counted only once every array has it (so a failure here
** leaves it whole). New stamps are 0, which no epoch is. */
static void reserve(ex *x, size_t nconds, size_t n)
{
  if (nconds > x->map_len) {
    x->slot_of = xrealloc(x->slot_of, nconds * sizeof *x->slot_of);
    uint32_t *stamp = xrealloc(x->stamp, nconds * sizeof *stamp);
    memset(stamp + x->map_len, 0, (nconds - x->map_len) * sizeof *stamp);
    x->stamp = stamp;
    x->map_len = nconds;
  }
  if (n > x->slots_cap) {
    size_t cap = n < 2 * x->slots_cap ? 2 * x->slots_cap : n;
    x->seen = xrealloc(x->seen, cap);
    x->at = xrealloc(x->at, cap * sizeof *x->at);
    u32s *parts = xrealloc(x->parts, cap * sizeof *parts);
    memset(parts + x->slots_cap, 0, (cap - x->slots_cap) * sizeof *parts);
    x->parts = parts;
    u32s *facts = xrealloc(x->facts, cap * sizeof *facts);
    memset(facts + x->slots_cap, 0, (cap - x->slots_cap) * sizeof *facts);
    x->facts = facts;
    x->slots_cap = cap;
  }
}

void explain_value(const bc_program *p, uint32_t type, value v, buf *out)
{
  const char *label;
  if (v.tag == V_UNKNOWN) {
    buf_puts(out, "ikke registrert");
  } else if (v.tag == V_LIST && v.u.list->n == 0) {
    buf_puts(out, "ingen");
  } else if (v.tag == V_STR && (label = bc_choice_label(p, type, v.u.str->s, v.u.str->len))) {
    buf_puts(out, label);
  } else if (v.tag == V_STR) {
    for (uint32_t i = 0; i < v.u.str->len; i++) buf_putc(out, v.u.str->s[i] == '_' ? ' ' : v.u.str->s[i]);
  } else if (v.tag == V_LIST) {
    for (uint32_t i = 0; i < v.u.list->n; i++) {
      if (i) buf_puts(out, ", ");
      explain_value(p, type, v.u.list->items[i], out);
    }
  } else {
    vm_format(p, v, out);
  }
}

/* The schema type of the fact a trace entry read, or BC_NONE. */
static uint32_t fact_type(const bc_program *p, const why_entry *w)
{
  if (!w->rec || w->rec->type >= p->records.len) return BC_NONE;
  const bc_record *rd = &p->records.items[w->rec->type];
  return w->field < rd->fields.len ? rd->fields.items[w->field].type : BC_NONE;
}

static int truth_bit(int t) { return 1 << (t + 1); }     /* -1 → 1, 0 → 2, 1 → 4 */

/* The slot of condition c: its place among the trace's conditions, or m. */
static uint32_t slot(const ex *x, uint32_t c)
{
  return c < x->map_len && x->stamp[c] == x->epoch ? x->slot_of[c] : x->m;
}

/* "R:F" at s (a record and a field, in decimal): what words.h writes between two marks. */
static bool read_ref(const char *s, unsigned *rec, unsigned *field)
{
  unsigned v[2] = { 0, 0 };
  for (int k = 0; k < 2; k++) {
    if (*s < '0' || *s > '9') return false;
    for (; *s >= '0' && *s <= '9'; s++) {
      if (v[k] > (UINT_MAX - 9) / 10) return false;
      v[k] = v[k] * 10 + (unsigned)(*s - '0');
    }
    if (k == 0 && *s++ != ':') return false;
  }
  *rec = v[0];
  *field = v[1];
  return true;
}

/* Appends the segments of words (string id w) to x->segs: what fill and named_facts read. */
static void take_apart(ex *x, const char *words)
{
  const char *s = words;
  while (*s) {
    wseg g = { WS_TEXT, false, 0, 0, 0 };
    if (*s == WORDS_FACT || *s == WORDS_MARK) {
      unsigned rec = 0, field = 0;
      const char *end = strchr(s + 1, *s);
      if (!end || !read_ref(s + 1, &rec, &field)) {
        if (*s == WORDS_MARK) break;         /* (fill stopped here) */
        s = end ? end + 1 : s + strlen(s);   /* (a fact it cannot read is not shown, nor named) */
        continue;
      }
      g.kind = *s == WORDS_FACT ? WS_FACT : WS_VALUE;
      g.a = rec;
      g.b = field;
      s = end + 1;
      g.next = *s;
    } else {                                 /* the words up to the next marker */
      size_t n = strcspn(s, (const char[]){ WORDS_FACT, WORDS_MARK, 0 });
      g.a = (uint32_t)(s - words);
      g.b = (uint32_t)n;
      g.plain = jw_plain(s, n);
      s += n;
    }
    vec_push(&x->segs, g);
  }
  wseg end = { WS_END, false, 0, 0, 0 };
  vec_push(&x->segs, end);
}

/* The segments of string id w, taken apart the first time they are asked for. */
static const wseg *segments(ex *x, uint32_t w)
{
  const bc_program *p = x->p;
  if (x->words_of != p) {
    free(x->words_at);
    x->words_at = NULL;                      /* (first: an explainer that fails here is whole) */
    x->words_of = NULL;
    x->segs.len = 0;
    x->words_at = xcalloc(p->strings.len + 1, sizeof *x->words_at);
    x->words_of = p;
  }
  if (w >= p->strings.len) w = (uint32_t)p->strings.len;   /* (bc_str's "": no segments) */
  if (!x->words_at[w]) {
    uint32_t at = (uint32_t)x->segs.len;
    take_apart(x, bc_str(p, w));
    x->words_at[w] = at + 1;
  }
  return &x->segs.items[x->words_at[w] - 1];
}

/* Notes whether what was appended to x->line from `at` goes into JSON as it is (a case's
** value, an item's id, a field's name: short, so looked at). */
static void note_plain(ex *x, size_t at)
{
  if (x->line_plain && x->line.len > at) x->line_plain = jw_plain(x->line.data + at, x->line.len - at);
}

/* The words of a condition (string id w), with each value marker filled from the facts
** read, appended to x->line (x->line_plain notes whether it all needs no escaping). */
static void fill(ex *x, uint32_t w)
{
  buf *out = &x->line;
  const char *words = bc_str(x->p, w);
  for (const wseg *g = segments(x, w); g->kind != WS_END; g++) {
    if (g->kind == WS_FACT) continue;        /* a reference to a fact: not shown in the text */
    if (g->kind == WS_TEXT) {                /* the words up to the next marker, in one copy */
      buf_put(out, words + g->a, g->b);
      x->line_plain &= g->plain;
      continue;
    }
    size_t at = out->len;
    unsigned rec = g->a, field = g->b;
    bool done = false;
    for (size_t i = 0; i < x->f->why.len && !done; i++) {
      const why_entry *wh = &x->f->why.items[i];
      if (wh->kind == TR_FACT && wh->rec && wh->rec->type == rec && wh->field == field) {
        explain_value(x->p, fact_type(x->p, wh), wh->v, out);
        done = true;
      }
    }
    if (!done && x->f->item && rec < x->p->records.len && x->p->records.items[rec].id_field == field) {
      buf_puts(out, x->f->item);
      done = true;
    }
    if (!done && rec < x->p->records.len && x->p->records.items[rec].id_field == field) {
      /* an item's id that was never read (no item is meant): «tiltak {t.id} pågår» is
      ** «tiltak pågår», not «tiltak tiltaket pågår» */
      if (out->len && out->data[out->len - 1] == ' ' && (!g->next || strchr(" .,:;)", g->next))) out->data[--out->len] = 0;
      done = true;
    }
    if (!done) words_field(x->p, rec, field, out);
    note_plain(x, at);
  }
}

static void add_fact(ex *x, expl_line *l, size_t why, size_t *more)
{
  const why_entry *w = &x->f->why.items[why];
  const char *path = why_text(x->r, w);
  for (size_t i = 0; i < l->facts.len; i++)
    if (l->facts.items[i].path == path) return;   /* (one path per fact and case) */
  if (l->facts.len == EXPLAIN_MAX_FACTS) {
    (*more)++;
    return;
  }
  buf *b = &x->label;
  buf_reset(b);
  words_field(x->p, w->rec->type, w->field, b);
  const char *label = arena_strndup(&x->out->mem, b->data ? b->data : "", b->len);
  expl_fact *at = &l->facts.items[l->facts.len++];
  at->path = path;
  at->label = label;
  at->v = w->v;
  at->type = fact_type(x->p, w);
}

/* The facts the words (string id w) name (WORDS_FACT references), as read for this finding. */
static void named_facts(ex *x, uint32_t w, expl_line *l, size_t *more)
{
  for (const wseg *g = segments(x, w); g->kind != WS_END; g++) {
    if (g->kind != WS_FACT) continue;
    for (size_t i = 0; i < x->f->why.len; i++) {
      const why_entry *wh = &x->f->why.items[i];
      if (wh->kind == TR_FACT && wh->rec && wh->rec->type == g->a && wh->field == g->b) {
        add_fact(x, l, i, more);
        break;
      }
    }
  }
}

/* The facts a condition and its parts read. */
static void gather(ex *x, uint32_t c, expl_line *l, size_t *more, int depth)
{
  if (depth > 64) return;
  const uint32_t k = slot(x, c);
  for (size_t i = 0; i < x->facts[k].len; i++) add_fact(x, l, x->facts[k].items[i], more);
  for (size_t i = 0; i < x->parts[k].len; i++) gather(x, x->parts[k].items[i], l, more, depth + 1);
}

static expl_line *new_line(ex *x)
{
  if (x->out->lines.len >= EXPLAIN_MAX_LINES) {
    x->dropped++;
    return NULL;
  }
  expl_line *l = &x->out->lines.items[x->out->lines.len++];
  l->text = "";
  l->len = 0;
  l->plain = true;
  l->facts.len = 0;
  l->names_facts = false;
  return l;
}

/* The line's text: n bytes at s, copied into the explanation (the copy is returned); plain as
** set_message has it. */
static char *set_text(ex *x, expl_line *l, const char *s, size_t n, bool plain)
{
  char *t = arena_strndup(&x->out->mem, s ? s : "", n);
  l->text = t;
  l->len = n;
  l->plain = plain;
  return t;
}

/* The line's text: x->line, as plain as noted while it was made. */
static void set_line(ex *x, expl_line *l) { set_text(x, l, x->line.data, x->line.len, x->line_plain); }

/* A line of its own words (a message), with a capital first letter. */
static void say(ex *x, const char *text, size_t n, bool plain)
{
  expl_line *l = new_line(x);
  if (!l) return;
  char *t = set_text(x, l, text, n, plain);
  if (t[0] >= 'a' && t[0] <= 'z') t[0] = (char)(t[0] - 'a' + 'A');
}

/* x->line emptied, for a line to be made in it. */
static buf *begin_line(ex *x)
{
  buf_reset(&x->line);
  x->line_plain = true;
  return &x->line;
}

/* The item of the collection a run of facts was read for: the list element (not the
** finding's own item) nearest the root among the records the facts are in. The trace
** records a condition's value once, so a run may hold items that passed before the one
** that failed: of equals, the one read last. */
static const nrec *item_of(const ex *x, size_t from, size_t to)
{
  const nrec *best = NULL;
  int best_depth = 0;
  for (size_t i = from; i < to; i++) {
    const why_entry *w = &x->f->why.items[i];
    if (w->kind != TR_FACT) continue;
    for (const nrec *r = w->rec; r; r = r->parent) {
      if (r->index < 0) continue;
      uint32_t idf = r->type < x->p->records.len ? x->p->records.items[r->type].id_field : BC_NONE;
      bool own = x->f->item && idf < r->nfields && r->fields[idf].tag == V_STR && !strcmp(r->fields[idf].u.str->s, x->f->item);
      if (own) continue;
      int depth = 0;
      for (const nrec *q = r->parent; q; q = q->parent) depth++;
      if (!best || depth <= best_depth) best = r, best_depth = depth;   /* on a tie the nearest the condition */
    }
  }
  return best;
}

/* «alle» that is false: the items it failed for, by id (or number), at most three, and
** only the facts read for them. In the trace the body's condition comes after the facts
** read for an item: the first time it has each value, and again for each later item that
** fails (the VM goes on to the fourth failure when it traces); its last part is the body
** (a filter, «der», comes first). */
static void failing_items(ex *x, uint32_t c, expl_line *l, buf *b, size_t *more)
{
  const u32s *parts = &x->parts[slot(x, c)];
  if (!parts->len) return;
  uint32_t body = parts->items[parts->len - 1];
  const why_entry *why = x->f->why.items;
  size_t n = x->f->why.len, seg = 0, named = 0, others = 0;
  bool begun = false;
  const nrec *items[EXPLAIN_MAX_FACTS];
  if (n > x->failed_cap) {
    x->failed = xrealloc(x->failed, n);
    x->failed_cap = n;
  }
  uint8_t *failed = x->failed;
  if (n) memset(failed, 0, n);
  for (size_t i = 0; i < n; i++) {
    if (why[i].kind != TR_COND || why[i].cond >= x->p->conds.len) continue;
    /* Before the first item, every condition ends a run of facts; from then on only the
    ** filter's and the body's do (the conditions of a definition the body uses are
    ** shared by all its uses, so where they belong cannot be told from them). */
    bool part = x->p->conds.items[why[i].cond].parent == c;
    if (!part && begun) continue;
    begun |= part;
    if (why[i].cond == body && v_truth(why[i].v) != 1) {
      const nrec *it = item_of(x, seg, i);
      for (size_t j = seg; j < i; j++)       /* the facts read for that item */
        for (const nrec *r = why[j].rec; r && !failed[j]; r = r->parent) failed[j] = r == it || !it;
      bool known = false;
      for (size_t k = 0; k < named && it; k++) known |= items[k] == it;
      if (it && !known) {
        if (named < EXPLAIN_MAX_FACTS) items[named++] = it;
        else others++;
      }
    }
    seg = i + 1;
  }
  /* the facts are those read for the failing items; what held for the others is not why
  ** (their labels stay in the arena until the explanation is freed) */
  l->facts.len = 0;
  *more = 0;
  for (size_t j = 0; j < n; j++)
    if (failed[j] && why[j].kind == TR_FACT) add_fact(x, l, j, more);
  for (size_t k = 0; k < named; k++) {
    const nrec *r = items[k];
    uint32_t idf = x->p->records.items[r->type].id_field;
    buf_puts(b, k == 0 ? " – ikke for " : k + 1 == named && !others ? " og " : ", ");
    if (idf < r->nfields && r->fields[idf].tag == V_STR) buf_puts(b, r->fields[idf].u.str->s);
    else buf_printf(b, "nr. %d", r->index + 1);
  }
  if (others) {
    buf_puts(b, " og flere");                 /* the trace stops looking at the fourth */
    *more = 0;                                /* (its facts are those «flere») */
  }
}

/* One line: the condition as it came out (want: 1 holds, 0 does not, -1 unknown). */
static void leaf(ex *x, uint32_t c, int want)
{
  const bc_cond *k = &x->p->conds.items[c];
  expl_line *l = new_line(x);
  if (!l) return;
  buf *b = begin_line(x);
  if (want < 0) buf_puts(b, "Det er ikke kjent om ");
  uint32_t w = want == 0 ? k->words_false : k->words;
  if (w == BC_NONE) {                        /* a program compiled before words existed */
    const nstr *t = bc_nstr(x->p, k->text);
    buf_put(b, t->s, t->len);
    x->line_plain &= t->plain == 1;
  } else {
    fill(x, w);
  }
  if (b->len && want >= 0 && b->data[0] >= 'a' && b->data[0] <= 'z') b->data[0] = (char)(b->data[0] - 'a' + 'A');
  size_t more = 0;
  gather(x, c, l, &more, 0);
  if (w != BC_NONE) named_facts(x, w, l, &more);
  if (k->kind == CK_ALL && want == 0) {
    size_t at = b->len;
    failing_items(x, c, l, b, &more);
    note_plain(x, at);                       /* (the items' ids) */
  }
  if (more) buf_printf(b, " (og %zu %s)", more, more == 1 ? "opplysning til" : "opplysninger til");
  buf_putc(b, '.');
  set_line(x, l);
}

static void why_not(ex *x, uint32_t c, int want, int depth)
{
  if (depth > 32 || c == BC_NONE) return;
  const bc_cond *k = &x->p->conds.items[c];
  const u32s *parts = &x->parts[slot(x, c)];
  bool compound = k->kind == CK_AND || k->kind == CK_OR || k->kind == CK_NOT;
  if (!compound || !parts->len) {
    leaf(x, c, want);
    return;
  }
  if (k->kind == CK_NOT) {
    why_not(x, parts->items[0], want < 0 ? -1 : !want, depth + 1);
    return;
  }
  /* og that is false, eller that is true: the parts that decided it, one for eller */
  bool deciding = (k->kind == CK_AND) ? want == 0 : want == 1;
  size_t said = 0;
  if (deciding)
    for (size_t i = 0; i < parts->len; i++)
      if (x->seen[slot(x, parts->items[i])] & truth_bit(want)) {
        why_not(x, parts->items[i], want, depth + 1);
        said++;
        if (k->kind == CK_OR) break;
      }
  if (said) return;
  /* every part counts (og that holds, eller that fails), or what is unknown */
  int each = deciding ? -1 : want;
  for (size_t i = 0; i < parts->len; i++)
    if (x->seen[slot(x, parts->items[i])] & truth_bit(each)) {
      why_not(x, parts->items[i], each, depth + 1);
      said++;
    }
  if (!said) leaf(x, c, want);
}

/* The note that justified a deviation: the last documentation record the justification read. */
static void justified_by(ex *x, int32_t after)
{
  const bc_program *p = x->p;
  const nrec *note = NULL;
  size_t why = 0;
  for (size_t i = (size_t)(after + 1); i < x->f->why.len; i++) {
    const why_entry *w = &x->f->why.items[i];
    if (w->kind == TR_FACT && w->rec && !strcmp(bc_str(p, p->records.items[w->rec->type].name), "dokumentasjon")) {
      note = w->rec;
      why = i;
    }
  }
  expl_line *l = new_line(x);
  if (!l) return;
  buf *b = &x->line;
  buf_reset(b);
  buf_puts(b, "Avviket er begrunnet i saksmappen");
  if (note) {
    const bc_record *rd = &p->records.items[note->type];
    value type = v_unknown(), date = v_unknown(), text = v_unknown();
    uint32_t type_type = BC_NONE;
    for (uint32_t i = 0; i < rd->fields.len && i < note->nfields; i++) {
      const char *n = bc_str(p, rd->fields.items[i].name);
      if (!strcmp(n, "type")) type = note->fields[i], type_type = rd->fields.items[i].type;
      else if (!strcmp(n, "dato")) date = note->fields[i];
      else if (!strcmp(n, "tekst")) text = note->fields[i];
    }
    buf_puts(b, ": notatet");
    if (type.tag == V_STR) { buf_puts(b, " av typen «"); explain_value(p, type_type, type, b); buf_puts(b, "»"); }
    if (date.tag == V_DATE) { buf_puts(b, " fra "); explain_value(p, BC_NONE, date, b); }
    if (text.tag == V_STR) {
      buf_puts(b, ", som begynner «");
      size_t n = 0, words = 0;
      const char *s = text.u.str->s;
      while (n < text.u.str->len && words < 12) {
        if (s[n] == ' ') words++;
        n++;
      }
      if (words == 12) n--;
      buf_put(b, s, n);
      buf_puts(b, n < text.u.str->len ? " …»" : "»");
    }
    /* what the note says it is about, and what it says: the facts that make it the reason */
    size_t more = 0;
    static const char *const shown[] = { "gjelder", "tekst" };
    for (size_t s = 0; s < 2; s++)
      for (size_t i = (size_t)(after + 1); i < x->f->why.len; i++) {
        const why_entry *w = &x->f->why.items[i];
        if (w->kind == TR_FACT && w->rec == note && !strcmp(bc_str(p, rd->fields.items[w->field].name), shown[s]))
          add_fact(x, l, i, &more);
      }
    if (!l->facts.len) add_fact(x, l, why, &more);
  }
  buf_putc(b, '.');
  set_text(x, l, b->data, b->len, false);   /* (the note's own words: not known) */
}

static void missing(ex *x)
{
  expl_line *l = new_line(x);
  if (!l) return;
  buf *b = &x->line;
  buf_reset(b);
  size_t n = 0, more = 0;
  for (size_t i = 0; i < x->f->why.len; i++) {
    const why_entry *w = &x->f->why.items[i];
    if (w->kind != TR_FACT || w->v.tag != V_UNKNOWN) continue;
    buf *lb = &x->label;
    buf_reset(lb);
    words_field(x->p, w->rec->type, w->field, lb);
    if (!n || !list_has(b->data + strlen("Ikke registrert i saksmappen: "), lb->data, ", ")) {
      buf_puts(b, n++ ? ", " : "Ikke registrert i saksmappen: ");
      buf_puts(b, lb->data);
    }
    add_fact(x, l, i, &more);
  }
  for (size_t i = 0; i < x->f->why.len && !n; i++)
    if (x->f->why.items[i].kind == TR_NOTE) {
      buf_printf(b, "Kan ikke vurderes: %s", why_text(x->r, &x->f->why.items[i]));
      n++;
    }
  if (!n) buf_puts(b, "Opplysninger regelen trenger, er ikke registrert i saksmappen");
  buf_putc(b, '.');
  set_text(x, l, b->data, b->len, false);   /* (not known) */
  l->names_facts = true;
}

/* A condition that was recorded with this value in the finding's trace. */
static bool came_out(const ex *x, uint32_t c, int t)
{
  return c != BC_NONE && c < x->p->conds.len && (x->seen[slot(x, c)] & truth_bit(t));
}

/* An ikke_aktuell finding of rule whose message says no item passed the rule's «der»: its
** explanation says what that asks for. */
static bool says_filter(const bc_program *p, const bc_rule *rule, const finding *f)
{
  return !f->item && rule->filter_top < p->conds.len && p->conds.items[rule->filter_top].words != BC_NONE &&
         strstr(f->message, "ingen elementer");
}

/* The guideline's condition of f's rule came out false in f's trace (explain_with says why,
** and nothing of the rule). */
static bool guide_false(const bc_program *p, const finding *f)
{
  uint32_t top = p->guides.items[p->rules.items[f->rule].guide].cond_top;
  if (top == BC_NONE || top >= p->conds.len) return false;
  for (size_t i = 0; i < f->why.len; i++)
    if (f->why.items[i].kind == TR_COND && f->why.items[i].cond == top && v_truth(f->why.items[i].v) == 0) return true;
  return false;
}

bool explain_same(const result *r, const finding *a, const finding *b)
{
  const bc_program *p = r->p;
  if (a->status != F_IKKE_AKTUELL || b->status != F_IKKE_AKTUELL || a->item || b->item || a->by_exception ||
      b->by_exception || a->why.len != b->why.len)
    return false;
  if (a->why.len)                    /* one trace: the guideline's condition decides */
    return a->why.items == b->why.items && p->rules.items[a->rule].guide == p->rules.items[b->rule].guide &&
           guide_false(p, a);
  /* no trace: no condition came out, so the message is what is said */
  return a->message == b->message && a->message_len == b->message_len && a->message &&
         !says_filter(p, &p->rules.items[a->rule], a) && !says_filter(p, &p->rules.items[b->rule], b);
}

void explain_finding(const result *r, const finding *f, explanation *out)
{
  explainer *e = explainer_new();
  oom_cleanup hold;
  explainer_hold(&hold, e);
  explain_with(e, r, f, out);
  oom_pop(&hold);
  explainer_free(e);
}

void explain_with(explainer *e, const result *r, const finding *f, explanation *out)
{
  out->lines.len = 0;                        /* (a line is written whole when it is added) */
  arena_init(&out->mem);
  if (f->status == F_OPPFYLT) return;
  arena_adopt(&out->mem, &e->spare);
  const bc_program *p = r->p;
  /* Only the conditions in the trace get a slot: the work is the trace's, not the program's. */
  ex *x = &e->x;                     /* the working space, kept from finding to finding */
  x->r = r, x->f = f, x->p = p, x->out = out;
  x->m = 0;
  x->dropped = 0;
  reserve(x, p->conds.len, 0);
  if (++x->epoch == 0) {                     /* after 2^32 findings: every stamp is old again */
    memset(x->stamp, 0, x->map_len * sizeof *x->stamp);
    x->epoch = 1;
  }
  /* one pass: each condition its slot the first time it is seen (there are at most as
  ** many as entries), what it came out as, its last entry, and the facts read for it */
  reserve(x, p->conds.len, f->why.len + 1);
  size_t pending = 0;
  for (size_t i = 0; i < f->why.len; i++) {
    const why_entry *w = &f->why.items[i];
    uint32_t c = w->cond;
    if (w->kind != TR_COND || c >= p->conds.len) continue;
    if (x->stamp[c] != x->epoch) {
      x->stamp[c] = x->epoch;
      x->slot_of[c] = x->m;
      x->seen[x->m] = 0;
      x->parts[x->m].len = 0;
      x->facts[x->m].len = 0;
      x->m++;
    }
    uint32_t k = x->slot_of[c];
    x->seen[k] |= (uint8_t)truth_bit(v_truth(w->v));
    x->at[k] = (int32_t)i;
    for (; pending < i; pending++)
      if (f->why.items[pending].kind == TR_FACT) vec_push(&x->facts[k], (uint32_t)pending);
    pending = i + 1;
  }
  x->seen[x->m] = 0;                         /* slot m: any condition not in the trace */
  x->at[x->m] = -1;
  x->parts[x->m].len = 0;
  x->facts[x->m].len = 0;
  /* parts, in the order they were first recorded */
  for (size_t i = 0; i < f->why.len; i++) {
    const why_entry *w = &f->why.items[i];
    if (w->kind != TR_COND || w->cond >= p->conds.len || x->at[slot(x, w->cond)] != (int32_t)i) continue;
    uint32_t parent = p->conds.items[w->cond].parent;
    uint32_t ps = parent == BC_NONE ? x->m : slot(x, parent);
    if (parent != BC_NONE && x->seen[ps]) vec_push(&x->parts[ps], w->cond);
  }
  const bc_rule *rule = &p->rules.items[f->rule];
  const bc_guide *g = &p->guides.items[rule->guide];
  switch (f->status) {
  case F_BRUDD: case F_AVVIK: case F_VURDER: case F_BEGRUNNET:
    if (came_out(x, rule->check_top, 0)) why_not(x, rule->check_top, 0, 0);
    else say(x, f->message, f->message_len, f->message_plain);
    if (f->status == F_BEGRUNNET) justified_by(x, rule->check_top != BC_NONE ? x->at[slot(x, rule->check_top)] : -1);
    break;
  case F_UKJENT:
    missing(x);
    break;
  case F_IKKE_AKTUELL:
    if (f->by_exception && came_out(x, rule->exception_top, 1)) why_not(x, rule->exception_top, 1, 0);
    else if (came_out(x, g->cond_top, 0)) why_not(x, g->cond_top, 0, 0);
    else if (came_out(x, rule->scope_top, 0)) why_not(x, rule->scope_top, 0, 0);
    else if (says_filter(p, rule, f)) {
      /* no item passed the rule's «der»: say what it asks for */
      buf *b = begin_line(x);
      buf_puts(b, "Ingen elementer i saken der ");
      fill(x, p->conds.items[rule->filter_top].words);
      buf_putc(b, '.');
      say(x, b->data, b->len, x->line_plain);
    } else {
      size_t cut = f->message_len >= 14 && !strncmp(f->message, "Ikke aktuell: ", 14) ? 14 : 0;
      say(x, f->message + cut, f->message_len - cut, f->message_plain);
    }
    break;
  default:
    break;
  }
  if (x->dropped && out->lines.len) {
    expl_line *last = &out->lines.items[out->lines.len - 1];
    buf_reset(&x->line);
    buf_printf(&x->line, "%s (og %zu %s)", last->text, x->dropped, "forhold til");
    set_text(x, last, x->line.data, x->line.len, last->plain);
  }
}

static void free_explanation(void *e) { explanation_free(e); }

void explanation_hold(oom_cleanup *c, explanation *e)
{
  e->lines.len = 0;
  arena_init(&e->mem);
  oom_push(c, free_explanation, e);
}

void explanation_free(explanation *e)
{
  arena_free(&e->mem);
  e->lines.len = 0;
}

void explanation_done(explainer *x, explanation *e)
{
  arena_recycle(&e->mem, &x->spare);
  e->lines.len = 0;
}
