/*
** The norm VM: a dispatch loop over verified bytecode. Each case is short; slow or
** rare paths (regex matching, formatting, comparisons of mixed kinds) are helpers.
*/
#include "vm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "date.h"
#include "jsonw.h"
#include "verify.h"
#include "stdlib/builtins.h"

typedef struct {
  const nlist *list;
  uint32_t next;
  bool unknown;
  uint32_t fails;            /* «alle» with a trace: the items that failed it so far */
} vm_iter;

/* With a trace, «alle» goes on past the first item that fails it, so the explanation can
** name three and say whether there are more; its value is usann all the same. (It then
** looks at no more items than an «alle» that holds.) */
#define VM_ALL_TRACE_FAILS 4

struct vm {
  const bc_program *p;
  const nrec *root;
  int32_t today;
  uint32_t budget;                   /* instructions left for this case (vm_set_case) */
  uint32_t rule;
  const nrec *item;
  value stack[BC_MAX_STACK + 4];
  value locals[BC_MAX_LOCALS];
  value aux_locals[BC_MAX_LOCALS];   /* the program-wide block (avvik_begrunnet) has its own frame */
  uint32_t nlocals;                  /* the most locals any block has: what vm_set_rule clears */
  vm_iter iters[BC_MAX_ITERS];
  /* trace */
  VEC(trace_entry) trace;
  uint32_t trace_facts, trace_more;  /* facts recorded in this trace, and left out */
  uint32_t serial;
  uint32_t *cond_stamp;      /* 3 per condition: (serial) when recorded with usann/sann/ukjent */
  uint32_t *fact_stamp;      /* per fact of the case (nrec.fact + field): serial when recorded */
  uint32_t nfacts, fact_cap;
  bool tracing;
  uint32_t last_cond;        /* the condition recorded last (even when the trace had it), or BC_NONE */
  uint8_t *cover;            /* coverage map, or NULL (see vm_coverage) */
  /* every block's code with LOCAL/ROOT FIELD pairs joined (lay_out): without its COND
  ** instructions for runs that record nothing (lean), with them for runs that trace
  ** (traced); a run that records coverage runs the compiled code */
  uint8_t *lean, *traced;
  uint32_t *lean_start, *traced_start;   /* per block, where it starts in lean and traced */
  uint32_t cover_owner;
  buf msg;
  bool msg_plain;            /* msg goes into JSON as it is (vm_message_plain) */
  value *kvals;              /* every constant as a value, lists materialized once */
  nlist **klists;
  /* regex */
  pcre2_match_data **md;
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit;
};

static value const_value(const bc_program *p, uint32_t k)
{
  const bc_const *c = &p->consts.items[k];
  value v = v_unknown();
  switch (c->kind) {
  case K_NUM: v = v_num(c->num); break;
  case K_STR: v = v_str(p->strings.items[c->str]); break;
  case K_DATE: v = v_date(c->date); break;
  case K_DUR: v.tag = V_DUR; v.u.dur.months = c->months; v.u.dur.days = c->days; break;
  default: break;
  }
  return v;
}

static void free_vm(void *m) { vm_free(m); }

static void put_u16(uint8_t *at, uint32_t v)
{
  at[0] = (uint8_t)(v & 0xFF);
  at[1] = (uint8_t)(v >> 8);
}

/* Where the instruction at pc jumps to, and at which of its bytes the offset is (LOOP's
** goes back, the others forward); false for one that does not jump. */
static bool jump_of(const uint8_t *code, uint32_t pc, uint32_t *to, uint32_t *operand)
{
  uint32_t end = pc + bc_ops[code[pc]].len;
  switch (bc_ops[code[pc]].shape) {
  case SHAPE_JUMP: *operand = 1; *to = end + bc_u16(code + pc + 1); return true;
  case SHAPE_LOOP: *operand = 1; *to = end - bc_u16(code + pc + 1); return true;
  case SHAPE_NEXT: *operand = 5; *to = end + bc_u16(code + pc + 5); return true;
  default: return false;
  }
}

#define LEN_LOCAL_FIELD 5u
#define LEN_ROOT_FIELD 3u

/* Every block's code as it runs when no coverage is recorded: a LOCAL or ROOT and the
** FIELD after it become one instruction, unless something jumps to the FIELD; without a
** trace (conds false) the COND instructions are left out too, as a COND only records its
** condition's value ([a] -> [a]); and each jump is moved to where its target now is (a
** jump onto a COND that is left out lands on what followed it). A quarter of the
** instructions a case runs were CONDs, and a sixth those pairs. The code is verified, so
** every target is an instruction in its block; taking out instructions that leave the
** stack as it was, and joining two that are run one after the other, keeps what the
** verifier proved: the depths where paths meet, and each LOOP going back onto an
** ITER_NEXT whose exit lies after it. */
static void lay_out(const bc_program *p, bool conds, uint8_t **code_out, uint32_t **start_out)
{
  uint32_t longest = 0;
  for (size_t bi = 0; bi < p->blocks.len; bi++)
    if (p->blocks.items[bi].len > longest) longest = p->blocks.items[bi].len;
  uint8_t *laid = *code_out = xmalloc(p->code.len + 1);
  uint32_t *starts = *start_out = xcalloc(p->blocks.len + 1, sizeof *starts);
  uint32_t *to = xmalloc(((size_t)longest + 1) * sizeof *to);   /* where pc is in the block laid out */
  oom_cleanup hold, hold_target;
  oom_hold_mem(&hold, to);
  uint8_t *target = xmalloc((size_t)longest + 1);                /* something jumps to pc */
  oom_hold_mem(&hold_target, target);
  uint32_t out = 0;
  for (size_t bi = 0; bi < p->blocks.len; bi++) {
    const bc_block *b = &p->blocks.items[bi];
    const uint8_t *code = p->code.items + b->start;
    uint8_t *into = laid + out;
    memset(target, 0, (size_t)b->len + 1);
    for (uint32_t pc = 0, t, operand; pc < b->len; pc += bc_ops[code[pc]].len)
      if (jump_of(code, pc, &t, &operand)) target[t] = 1;
    /* what each instruction becomes: its length in the code laid out, and how much of the
    ** compiled code it takes (two instructions for a pair) */
#define PAIRED(pc, first) (code[pc] == (first) && (pc) + bc_ops[first].len < b->len && \
                           code[(pc) + bc_ops[first].len] == OP_FIELD && !target[(pc) + bc_ops[first].len])
    uint32_t n = 0;
    for (uint32_t pc = 0; pc < b->len;) {
      to[pc] = n;
      if (PAIRED(pc, OP_LOCAL)) { n += LEN_LOCAL_FIELD; pc += BC_LEN_LOCAL + BC_LEN_FIELD; continue; }
      if (PAIRED(pc, OP_ROOT)) { n += LEN_ROOT_FIELD; pc += BC_LEN_ROOT + BC_LEN_FIELD; continue; }
      if (conds || code[pc] != OP_COND) n += bc_ops[code[pc]].len;
      pc += bc_ops[code[pc]].len;
    }
    to[b->len] = n;
    for (uint32_t pc = 0, len; pc < b->len; pc += len) {
      uint8_t op = code[pc];
      uint8_t *at = into + to[pc];
      len = bc_ops[op].len;
      if (PAIRED(pc, OP_LOCAL)) {
        at[0] = OP_LEAN_LOCAL_FIELD;
        memcpy(at + 1, code + pc + 1, 2);
        memcpy(at + 3, code + pc + BC_LEN_LOCAL + 1, 2);
        len = BC_LEN_LOCAL + BC_LEN_FIELD;
        continue;
      }
      if (PAIRED(pc, OP_ROOT)) {
        at[0] = OP_LEAN_ROOT_FIELD;
        memcpy(at + 1, code + pc + BC_LEN_ROOT + 1, 2);
        len = BC_LEN_ROOT + BC_LEN_FIELD;
        continue;
      }
      if (op == OP_COND && !conds) continue;
      memcpy(at, code + pc, len);
      uint32_t t, operand, end = to[pc] + len;   /* (end: where it ends as laid out) */
      if (jump_of(code, pc, &t, &operand)) put_u16(at + operand, op == OP_LOOP ? end - to[t] : to[t] - end);
    }
#undef PAIRED
    starts[bi] = out;
    out += n;
  }
  oom_pop(&hold_target);
  free(target);
  oom_pop(&hold);
  free(to);
}

vm *vm_new(const bc_program *p)
{
  vm *m = xcalloc(1, sizeof *m);
  m->p = p;
  oom_cleanup undo;                  /* a VM half made is freed if memory runs out */
  oom_push(&undo, free_vm, m);
  m->cond_stamp = xcalloc(p->conds.len * 3 + 1, sizeof *m->cond_stamp);
  m->md = xcalloc(p->consts.len + 1, sizeof *m->md);
  m->kvals = xcalloc(p->consts.len + 1, sizeof *m->kvals);
  m->klists = xcalloc(p->consts.len + 1, sizeof *m->klists);
  for (size_t b = 0; b < p->blocks.len; b++)
    if (p->blocks.items[b].nlocals > m->nlocals) m->nlocals = p->blocks.items[b].nlocals;
  if (m->nlocals > BC_MAX_LOCALS) m->nlocals = BC_MAX_LOCALS;   /* the verifier refuses more */
  lay_out(p, false, &m->lean, &m->lean_start);
  lay_out(p, true, &m->traced, &m->traced_start);
  for (size_t k = 0; k < p->consts.len; k++) {
    const bc_const *c = &p->consts.items[k];
    if (c->kind != K_LIST) { m->kvals[k] = const_value(p, (uint32_t)k); continue; }
    nlist *l = xcalloc(1, sizeof *l + c->items.len * sizeof(value));
    l->n = (uint32_t)c->items.len;
    for (size_t i = 0; i < c->items.len; i++) l->items[i] = const_value(p, c->items.items[i]);
    m->klists[k] = l;
    m->kvals[k].tag = V_LIST;
    m->kvals[k].u.list = l;
  }
  if (!(m->mctx = pcre2_match_context_create(NULL))) oom_raise();
  pcre2_set_match_limit(m->mctx, NORM_RE_MATCH_LIMIT);
  pcre2_set_depth_limit(m->mctx, NORM_RE_DEPTH_LIMIT);
  pcre2_set_heap_limit(m->mctx, NORM_RE_HEAP_LIMIT_KIB);
  m->jit = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
  if (m->jit) pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
  m->tracing = true;
  m->last_cond = BC_NONE;
  buf_init(&m->msg);
  oom_pop(&undo);
  return m;
}

void vm_free(vm *m)
{
  if (!m) return;
  for (size_t i = 0; m->md && i < m->p->consts.len; i++) pcre2_match_data_free(m->md[i]);
  free(m->md);
  for (size_t i = 0; m->klists && i < m->p->consts.len; i++) free(m->klists[i]);
  free(m->klists);
  free(m->kvals);
  pcre2_match_context_free(m->mctx);
  pcre2_jit_stack_free(m->jit);
  free(m->cond_stamp);
  free(m->fact_stamp);
  free(m->lean);
  free(m->lean_start);
  free(m->traced);
  free(m->traced_start);
  vec_free(&m->trace);
  buf_free(&m->msg);
  free(m);
}

void vm_set_case(vm *m, const nrec *root, uint32_t nfacts, int32_t today)
{
  m->root = root;
  m->today = today;
  m->budget = VM_BUDGET;
  if (nfacts > m->fact_cap) {
    uint32_t *stamps = xcalloc(nfacts, sizeof *stamps);   /* first: a VM that fails here is whole */
    free(m->fact_stamp);
    m->fact_stamp = stamps;
    m->fact_cap = nfacts;
  } else {
    memset(m->fact_stamp, 0, (size_t)nfacts * sizeof *m->fact_stamp);
  }
  m->nfacts = nfacts;
}

void vm_set_rule(vm *m, uint32_t rule, const nrec *item)
{
  m->rule = rule;
  m->item = item;
  m->cover_owner = rule;
  for (uint32_t i = 0; i < m->nlocals; i++) m->locals[i] = v_unknown();
}

void vm_coverage(vm *m, uint8_t *map) { m->cover = map; }

void vm_cover_guide(vm *m, uint32_t guide) { m->cover_owner = m->p->rules.len + guide; }
bool vm_covering(const vm *m) { return m->cover != NULL; }

void vm_set_local(vm *m, uint32_t slot, value v)
{
  if (slot < BC_MAX_LOCALS) m->locals[slot] = v;
}

void vm_trace_begin(vm *m)
{
  m->trace.len = 0;
  m->trace_facts = m->trace_more = 0;
  m->last_cond = BC_NONE;
  if (++m->serial == 0) {             /* wrapped: stamps in records would be ambiguous */
    memset(m->cond_stamp, 0, (m->p->conds.len * 3 + 1) * sizeof *m->cond_stamp);
    if (m->nfacts) memset(m->fact_stamp, 0, (size_t)m->nfacts * sizeof *m->fact_stamp);
    m->serial = 1;
  }
}

void vm_trace_enable(vm *m, bool on) { m->tracing = on; }

const trace_entry *vm_trace(const vm *m, size_t *n)
{
  *n = m->trace.len;
  return m->trace.items;
}

uint32_t vm_trace_more(const vm *m) { return m->trace_more; }

static __attribute__((noinline)) void trace_grow(vm *m) { vec_grow(&m->trace); }

/* Records one trace entry, written in place: made on the stack and copied, the entry's
** fields were stored piecewise and loaded whole, which stalls the copy. The value comes by
** pointer and is copied tag and payload apart for the same reason (passed by value, it went
** through the stack as two stores and came back as one 16-byte load: four fifths of the
** function's time). Inline in the VM's loop, with the rare growing apart (a call for every
** entry cost more than the entry). */

static inline __attribute__((always_inline)) void trace_push(vm *m, uint32_t kind, const nrec *rec, uint32_t field,
                                                             uint32_t cond, const value *v)
{
  if (m->trace.len == m->trace.cap) trace_grow(m);   /* (rarely: the trace keeps its room) */
  trace_entry *e = &m->trace.items[m->trace.len++];
  e->kind = kind;
  e->rec = rec;
  e->field = field;
  e->cond = cond;
  e->v.tag = v->tag;
  memcpy(&e->v.u, &v->u, sizeof v->u);
}

void vm_trace_note(vm *m, uint32_t str, value v)
{
  trace_push(m, TR_NOTE, NULL, 0, str, &v);
}

void vm_trace_guide(vm *m, uint32_t text, value v)
{
  if (!m->tracing) return;
  trace_push(m, TR_GUIDE, NULL, 0, text, &v);
}

void vm_message_reset(vm *m)
{
  buf_reset(&m->msg);
  m->msg_plain = true;
}
const char *vm_message(const vm *m) { return m->msg.data ? m->msg.data : ""; }
size_t vm_message_len(const vm *m) { return m->msg.len; }
bool vm_message_plain(const vm *m) { return m->msg_plain; }

/* What was just appended to the message, from at: it needs no escaping in JSON when it is
** the VM's own words (a number, a date, a duration, ja or nei, ukjent) or a string marked
** plain (the rule set's own text); anything else is looked at (a case's string, a label). */
static void note_plain(vm *m, size_t at, bool known)
{
  if (m->msg_plain && !known && m->msg.len > at) m->msg_plain = jw_plain(m->msg.data + at, m->msg.len - at);
}

static bool plain_as_formatted(value v)
{
  return v.tag == V_STR ? v.u.str->plain == 1 : v.tag != V_LIST && v.tag != V_REC;
}
int32_t vm_today(const vm *m) { return m->today; }

static bool nstr_eq(const nstr *a, const nstr *b) { return a->len == b->len && !memcmp(a->s, b->s, a->len); }

bool vm_is_current_rule(const vm *m, const nstr *s)
{
  const bc_rule *r = &m->p->rules.items[m->rule];
  if (nstr_eq(m->p->strings.items[r->id], s)) return true;
  for (size_t i = 0; i < r->aliases.len; i++)
    if (nstr_eq(m->p->strings.items[r->aliases.items[i]], s)) return true;
  return false;
}

bool vm_is_current_item(const vm *m, const nstr *s)
{
  if (!m->item) return false;
  uint32_t f = m->p->records.items[m->item->type].id_field;
  if (f == BC_NONE || f >= m->item->nfields) return false;
  value id = m->item->fields[f];
  return id.tag == V_STR && nstr_eq(id.u.str, s);
}

/* ---- trace ---- */

static inline __attribute__((always_inline)) void record_fact(vm *m, const nrec *r, uint32_t f, value v)
{
  if (!m->tracing) return;
  uint32_t *stamp = &m->fact_stamp[r->fact + f];
  if (*stamp == m->serial) return;
  /* Records and lists of records are containers: what is read inside them is what
  ** justifies a finding. They are recorded only when missing. */
  if (v.tag == V_REC || (v.tag == V_LIST && v.u.list->n && v.u.list->items[0].tag == V_REC)) return;
  *stamp = m->serial;
  if (m->trace_facts == VM_TRACE_MAX_FACTS) {
    m->trace_more++;
    return;
  }
  m->trace_facts++;
  trace_push(m, TR_FACT, r, f, 0, &v);
}

/* The value by pointer, its tag and truth read field by field: the operation before has
** just stored it that way, and a 16-byte copy would wait for both stores (a failed
** store-to-load forwarding, a tenth of vm_run's time when it was passed by value). */
static void record_cond(vm *m, uint32_t c, const value *v)
{
  m->last_cond = c;
  int truth = v->tag == V_BOOL ? (int)v->u.b : -1;
  if (m->cover) m->cover[(size_t)m->cover_owner * m->p->conds.len + c] |= (uint8_t)(1u << (truth + 1));
  if (!m->tracing) return;
  uint32_t k = c * 3 + (uint32_t)(truth + 1);
  if (m->cond_stamp[k] == m->serial) return;
  m->cond_stamp[k] = m->serial;
  trace_push(m, TR_COND, NULL, 0, c, v);
}

/* ---- values ---- */

static int cmp_values(value a, value b, bool *ok)
{
  *ok = true;
  if (a.tag != b.tag) { *ok = false; return 0; }
  switch (a.tag) {
  case V_NUM: return a.u.num < b.u.num ? -1 : a.u.num > b.u.num;
  case V_DATE: return a.u.date < b.u.date ? -1 : a.u.date > b.u.date;
  case V_BOOL: return (int)a.u.b - (int)b.u.b;
  case V_STR: {
    uint32_t n = a.u.str->len < b.u.str->len ? a.u.str->len : b.u.str->len;
    int c = memcmp(a.u.str->s, b.u.str->s, n);
    return c ? c : a.u.str->len < b.u.str->len ? -1 : a.u.str->len > b.u.str->len;
  }
  case V_DUR:
    if (a.u.dur.months != b.u.dur.months) return a.u.dur.months < b.u.dur.months ? -1 : 1;
    return a.u.dur.days < b.u.dur.days ? -1 : a.u.dur.days > b.u.dur.days;
  default: *ok = false; return 0;
  }
}

static bool is_blank(const nstr *s)
{
  for (uint32_t i = 0; i < s->len; i++) {
    unsigned char c = (unsigned char)s->s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
    if (c == 0xC2 && i + 1 < s->len && (unsigned char)s->s[i + 1] == 0xA0) { i++; continue; }   /* NBSP */
    if (c == 0xE2 && i + 2 < s->len && (unsigned char)s->s[i + 1] == 0x80 &&
        ((unsigned char)s->s[i + 2] <= 0x8B || (unsigned char)s->s[i + 2] == 0xAF)) { i += 2; continue; }
    if (c == 0xE3 && i + 2 < s->len && (unsigned char)s->s[i + 1] == 0x80 && (unsigned char)s->s[i + 2] == 0x80) { i += 2; continue; }
    return false;
  }
  return true;
}

static const nlist empty_list = { 0, NULL, 0 };

static bool written(value v)
{
  switch (v.tag) {
  case V_UNKNOWN: return false;
  case V_STR: return !is_blank(v.u.str);
  case V_LIST: return v.u.list->n > 0;
  case V_REC:
    for (uint32_t i = 0; i < v.u.rec->nfields; i++)
      if (v.u.rec->fields[i].tag != V_UNKNOWN) return true;
    return false;
  default: return true;
  }
}

/* cmp_values(a, b, ok) == 0, for = and ≠ and «i»: texts of different lengths differ
** without a look at their bytes, and a choice's value and the rule's constant are often the
** program's same string. */
static inline bool same_values(value a, value b, bool *ok)
{
  if (a.tag == V_STR && b.tag == V_STR) {
    *ok = true;
    return a.u.str == b.u.str || nstr_eq(a.u.str, b.u.str);
  }
  return cmp_values(a, b, ok) == 0;
}

static value in_list(value x, value l)
{
  if (l.tag != V_LIST) return v_unknown();
  if (l.u.list->n == 0) return v_bool(false);
  if (x.tag == V_UNKNOWN) return v_unknown();
  bool unknown = false;
  for (uint32_t i = 0; i < l.u.list->n; i++) {
    value y = l.u.list->items[i];
    if (y.tag == V_UNKNOWN) { unknown = true; continue; }
    bool ok;
    if (same_values(x, y, &ok) && ok) return v_bool(true);
  }
  return unknown ? v_unknown() : v_bool(false);
}

static value match_regex(vm *m, uint32_t k, value s)
{
  if (s.tag != V_STR) return v_unknown();
  const pcre2_code *re = m->p->regex[k];
  if (!m->md[k] && !(m->md[k] = pcre2_match_data_create_from_pattern(re, NULL))) oom_raise();
  int rc = pcre2_match(re, (PCRE2_SPTR)s.u.str->s, s.u.str->len, 0, 0, m->md[k], m->mctx);
  if (rc >= 0) return v_bool(true);
  if (rc == PCRE2_ERROR_NOMATCH) return v_bool(false);
  if (rc == PCRE2_ERROR_NOMEMORY) oom_raise();    /* out of memory is not «unknown» */
  /* A limit or an error: the condition cannot be decided, and the trace says why. */
  if (m->tracing) {
    value why = v_num(rc);
    trace_push(m, TR_NOTE, NULL, 0, BC_NONE, &why);
  }
  return v_unknown();
}

void vm_format(const bc_program *p, value v, buf *b)
{
  char tmp[32];
  switch (v.tag) {
  case V_UNKNOWN: buf_puts(b, "ukjent"); break;
  case V_BOOL: buf_puts(b, v.u.b ? "ja" : "nei"); break;
  case V_NUM:
    if (v.u.num == floor(v.u.num) && fabs(v.u.num) < 1e15) {
      /* a whole number, as %.0f writes it (without printf: a message's numbers are ages
      ** and counts); -0 is "-0", as it is there */
      char *e = tmp + sizeof tmp, *at = e;
      unsigned long long u = (unsigned long long)fabs(v.u.num);
      do *--at = (char)('0' + u % 10); while (u /= 10);
      if (signbit(v.u.num)) *--at = '-';
      buf_put(b, at, (size_t)(e - at));
    } else {
      snprintf(tmp, sizeof tmp, "%.2f", v.u.num);
      for (char *q = tmp; *q; q++) if (*q == '.') *q = ',';
      buf_puts(b, tmp);
    }
    break;
  case V_STR: buf_put(b, v.u.str->s, v.u.str->len); break;
  case V_DATE: date_format_nb(v.u.date, tmp); buf_puts(b, tmp); break;
  case V_DUR: {
    int32_t mo = v.u.dur.months, d = v.u.dur.days;
    if (mo && mo % 12 == 0 && !d) buf_printf(b, "%d år", mo / 12);
    else if (mo && !d) buf_printf(b, "%d %s", mo, mo == 1 ? "måned" : "måneder");
    else if (!mo && d && d % 7 == 0) buf_printf(b, "%d %s", d / 7, d == 7 ? "uke" : "uker");
    else if (!mo) buf_printf(b, "%d %s", d, d == 1 ? "dag" : "dager");
    else buf_printf(b, "%d %s og %d %s", mo, mo == 1 ? "måned" : "måneder", d, d == 1 ? "dag" : "dager");
    break;
  }
  case V_LIST:
    for (uint32_t i = 0; i < v.u.list->n; i++) {
      if (i) buf_puts(b, ", ");
      vm_format(p, v.u.list->items[i], b);
    }
    break;
  case V_REC: {
    uint32_t f = p->records.items[v.u.rec->type].id_field;
    if (f != BC_NONE && f < v.u.rec->nfields) vm_format(p, v.u.rec->fields[f], b);
    else buf_puts(b, bc_str(p, p->records.items[v.u.rec->type].name));
    break;
  }
  }
}

void vm_format_every(const bc_program *p, value v, buf *b)
{
  if (v.tag != V_DUR) {
    buf_puts(b, "hver ");
    vm_format(p, v, b);
    return;
  }
  int32_t mo = v.u.dur.months, d = v.u.dur.days;
  if (mo > 0 && mo % 12 == 0 && !d) {
    if (mo == 12) buf_puts(b, "hvert år");
    else buf_printf(b, "hvert %d. år", mo / 12);
  } else if (mo > 0 && !d) {
    if (mo == 1) buf_puts(b, "hver måned");
    else buf_printf(b, "hver %d. måned", mo);
  } else if (!mo && d > 0 && d % 7 == 0) {
    if (d == 7) buf_puts(b, "hver uke");
    else buf_printf(b, "hver %d. uke", d / 7);
  } else if (!mo && d > 0) {
    if (d == 1) buf_puts(b, "hver dag");
    else buf_printf(b, "hver %d. dag", d);
  } else {
    buf_puts(b, "hver gang det har gått ");
    vm_format(p, v, b);
  }
}

void vm_format_choice(const bc_program *p, uint32_t t, value v, buf *b)
{
  if (v.tag == V_LIST) {
    for (uint32_t i = 0; i < v.u.list->n; i++) {
      if (i) buf_puts(b, ", ");
      vm_format_choice(p, t, v.u.list->items[i], b);
    }
    return;
  }
  const char *label = v.tag == V_STR ? bc_choice_label(p, t, v.u.str->s, v.u.str->len) : NULL;
  if (label) buf_puts(b, label);
  else vm_format(p, v, b);
}

const char *vm_note_text(const trace_entry *e)
{
  switch ((int)e->v.u.num) {
  case PCRE2_ERROR_MATCHLIMIT: return "det regulære uttrykket nådde grensen for antall forsøk";
  case PCRE2_ERROR_DEPTHLIMIT: return "det regulære uttrykket nådde grensen for dybde";
  case PCRE2_ERROR_HEAPLIMIT: return "det regulære uttrykket nådde grensen for minne";
  case PCRE2_ERROR_JIT_STACKLIMIT: return "det regulære uttrykket nådde grensen for JIT-stakken";
  default: return "det regulære uttrykket kunne ikke kjøres på denne teksten";
  }
}

const char *vm_status_text(vm_status s)
{
  switch (s) {
  case VM_OK: return "ok";
  case VM_ERR_TYPE: return "regelsettet bruker en verdi av feil type (intern feil i regelsettet)";
  case VM_ERR_FINDINGS: return "saken gir flere funn enn grensen for én sak (10 000); listene i den er trolig uvanlig lange, og saken er ikke vurdert";
  case VM_ERR_BUDGET: return "saken krever mer beregning enn grensen for én sak (" VM_BUDGET_WORDS "); listene i den er trolig uvanlig lange, og saken er ikke vurdert";
  }
  return "?";
}

/* ---- arithmetic and logic helpers ---- */

static value arith(opcode op, value a, value b, bool *bad)
{
  if (a.tag == V_UNKNOWN || b.tag == V_UNKNOWN) return v_unknown();
  if (a.tag != V_NUM || b.tag != V_NUM) { *bad = true; return v_unknown(); }
  switch (op) {
  case OP_ADD: return v_num(a.u.num + b.u.num);
  case OP_SUB: return v_num(a.u.num - b.u.num);
  case OP_MUL: return v_num(a.u.num * b.u.num);
  default: return b.u.num == 0 ? v_unknown() : v_num(a.u.num / b.u.num);
  }
}

static value date_arith(bool add, value a, value b, bool *bad)
{
  if (a.tag == V_UNKNOWN || b.tag == V_UNKNOWN) return v_unknown();
  if (a.tag != V_DATE || b.tag != V_DUR) { *bad = true; return v_unknown(); }
  int s = add ? 1 : -1;
  int32_t d = date_add(a.u.date, s * b.u.dur.months, s * b.u.dur.days);
  return v_date(d);
}

static value compare(opcode op, value a, value b, bool *bad)
{
  if (a.tag == V_UNKNOWN || b.tag == V_UNKNOWN) return v_unknown();
  bool ok;
  if (op == OP_EQ || op == OP_NE) {
    bool same = same_values(a, b, &ok);
    if (!ok) { *bad = true; return v_unknown(); }
    return v_bool(same == (op == OP_EQ));
  }
  int c = cmp_values(a, b, &ok);
  if (!ok) { *bad = true; return v_unknown(); }
  switch (op) {
  case OP_EQ: return v_bool(c == 0);
  case OP_NE: return v_bool(c != 0);
  case OP_LT: return v_bool(c < 0);
  case OP_LE: return v_bool(c <= 0);
  case OP_GT: return v_bool(c > 0);
  default: return v_bool(c >= 0);
  }
}

static value kleene_and(value a, value b)
{
  int x = v_truth(a), y = v_truth(b);
  if (x == 0 || y == 0) return v_bool(false);
  if (x < 0 || y < 0) return v_unknown();
  return v_bool(true);
}

static value kleene_or(value a, value b)
{
  int x = v_truth(a), y = v_truth(b);
  if (x == 1 || y == 1) return v_bool(true);
  if (x < 0 || y < 0) return v_unknown();
  return v_bool(false);
}

static inline __attribute__((always_inline)) value field_of(vm *m, value r, uint32_t f, bool *bad)
{
  if (r.tag == V_UNKNOWN) return v_unknown();
  if (r.tag != V_REC || f >= r.u.rec->nfields) { *bad = true; return v_unknown(); }
  value v = r.u.rec->fields[f];
  record_fact(m, r.u.rec, f, v);
  return v;
}

/* ---- the loop ---- */

#define READ_U16(at) bc_u16(code + (at))
/* An opcode's case: its label and where the next instruction begins, BC_LEN_X after this one
** (a constant, so that finding it waits on no load; the length read from a table by opcode
** was on the critical path of every instruction). One name for both, so they cannot
** disagree; the cases that share code share a length (the assertions below). */
#define CASE(X) case OP_##X: next = pc + BC_LEN_##X;
_Static_assert(BC_LEN_ADD == BC_LEN_SUB && BC_LEN_ADD == BC_LEN_MUL && BC_LEN_ADD == BC_LEN_DIV, "one case for all four");
_Static_assert(BC_LEN_DATE_ADD == BC_LEN_DATE_SUB, "one case for both");
_Static_assert(BC_LEN_EQ == BC_LEN_NE && BC_LEN_EQ == BC_LEN_LT && BC_LEN_EQ == BC_LEN_LE && BC_LEN_EQ == BC_LEN_GT &&
               BC_LEN_EQ == BC_LEN_GE, "one case for all six");

vm_status vm_run(vm *m, uint32_t block, value *result)
{
  const bc_program *p = m->p;
  const bc_block *b = &p->blocks.items[block];
  /* (the lean code has fewer instructions to count against the budget, so a case spends
  ** less of it when nothing is recorded, as it already did without a full result's messages
  ** and documentation points: the budget bounds the work, and no real case comes near it) */
  const uint8_t *code = m->cover ? p->code.items + b->start
                        : m->tracing ? m->traced + m->traced_start[block] : m->lean + m->lean_start[block];
  value *sp = m->stack;              /* next free slot */
  value *locals = b->kind == BLOCK_JUSTIFIED ? m->aux_locals : m->locals;
  uint32_t pc = 0, budget = m->budget;
  bool bad = false;
  /* nothing a run did not set itself is read: iterators start empty, and the program-wide
  ** block's frame is cleared (a rule's locals are cleared by vm_set_rule) */
  for (uint32_t i = 0; i < b->niters; i++) {
    m->iters[i].list = NULL;
    m->iters[i].next = 0;
    m->iters[i].unknown = false;
    m->iters[i].fails = 0;
  }
  if (b->kind == BLOCK_JUSTIFIED)
    for (uint32_t i = 0; i < b->nlocals; i++) locals[i] = v_unknown();
  for (;;) {
    if (budget-- == 0) { m->budget = 0; return VM_ERR_BUDGET; }
    opcode op = (opcode)code[pc];
    uint32_t next;                   /* where the next instruction begins: CASE(X) */
    switch (op) {
    CASE(CONST) *sp++ = m->kvals[READ_U16(pc + 1)]; break;
    CASE(TRUE) *sp++ = v_bool(true); break;
    CASE(FALSE) *sp++ = v_bool(false); break;
    CASE(UNKNOWN) *sp++ = v_unknown(); break;
    CASE(ROOT) sp->tag = V_REC; sp->u.rec = m->root; sp++; break;
    CASE(TODAY) *sp++ = v_date(m->today); break;
    CASE(LOCAL) *sp++ = locals[READ_U16(pc + 1)]; break;
    CASE(SETLOCAL) locals[READ_U16(pc + 1)] = *--sp; break;
    CASE(FIELD) sp[-1] = field_of(m, sp[-1], READ_U16(pc + 1), &bad); break;
    CASE(POP) sp--; break;
    CASE(NOT) { int t = v_truth(sp[-1]); sp[-1] = t < 0 ? v_unknown() : v_bool(!t); break; }
    CASE(NEG)
      if (sp[-1].tag == V_NUM) sp[-1].u.num = -sp[-1].u.num;
      else if (sp[-1].tag != V_UNKNOWN) bad = true;
      break;
    case OP_SUB: case OP_MUL: case OP_DIV: CASE(ADD) sp--; sp[-1] = arith(op, sp[-1], sp[0], &bad); break;
    case OP_DATE_SUB: CASE(DATE_ADD) sp--; sp[-1] = date_arith(op == OP_DATE_ADD, sp[-1], sp[0], &bad); break;
    case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE: CASE(EQ)
      sp--; sp[-1] = compare(op, sp[-1], sp[0], &bad); break;
    CASE(IN) sp--; sp[-1] = in_list(sp[-1], sp[0]); break;
    CASE(AND) sp--; sp[-1] = kleene_and(sp[-1], sp[0]); break;
    CASE(OR) sp--; sp[-1] = kleene_or(sp[-1], sp[0]); break;
    CASE(JUMP_FALSE) if (v_truth(sp[-1]) == 0) next += READ_U16(pc + 1); break;
    CASE(JUMP_TRUE) if (v_truth(sp[-1]) == 1) next += READ_U16(pc + 1); break;
    CASE(JUMP) next += READ_U16(pc + 1); break;
    CASE(COND) record_cond(m, READ_U16(pc + 1), &sp[-1]); break;
    CASE(ITER_INIT) {
      vm_iter *it = &m->iters[READ_U16(pc + 1)];
      value l = *--sp;
      it->next = 0;
      it->fails = 0;
      it->unknown = l.tag == V_UNKNOWN;
      it->list = l.tag == V_LIST ? l.u.list : NULL;
      if (l.tag != V_LIST && l.tag != V_UNKNOWN) bad = true;
      break;
    }
    CASE(ITER_NEXT) {
      vm_iter *it = &m->iters[READ_U16(pc + 1)];
      if (!it->list || it->next >= it->list->n) next += READ_U16(pc + 5);
      else locals[READ_U16(pc + 3)] = it->list->items[it->next++];
      break;
    }
    CASE(ITER_END) if (m->iters[READ_U16(pc + 1)].unknown) sp[-1] = v_unknown(); break;
    CASE(ANY_STEP) sp--; sp[-1] = kleene_or(sp[-1], sp[0]); if (v_truth(sp[-1]) == 1) next += READ_U16(pc + 1); break;
    CASE(ALL_STEP) {
      sp--;
      int item = v_truth(sp[0]);
      sp[-1] = kleene_and(sp[-1], sp[0]);
      if (v_truth(sp[-1]) != 0) break;
      /* the loop's iterator, from the ITER_END the exit jumps to (the compiler's layout;
      ** any other program just stops at the first failure) */
      uint32_t to = next + READ_U16(pc + 1);
      vm_iter *it = m->tracing && to + 3 <= b->len && code[to] == OP_ITER_END ? &m->iters[READ_U16(to + 1)] : NULL;
      if (it && item == 0 && ++it->fails > 1 && m->last_cond != BC_NONE) {
        /* a later item that fails: its condition again, though that value was recorded */
        trace_push(m, TR_COND, NULL, 0, m->last_cond, &sp[0]);
      }
      if (!it || it->fails >= VM_ALL_TRACE_FAILS) next = to;
      break;
    }
    CASE(COUNT_STEP) {
      sp--;
      int t = v_truth(sp[0]);
      if (sp[-1].tag != V_NUM || t < 0) sp[-1] = v_unknown();
      else if (t == 1) sp[-1].u.num += 1;
      break;
    }
    CASE(LOOP) next -= READ_U16(pc + 1); break;
    CASE(CALL) {
      const std_builtin *f = &std_builtins[READ_U16(pc + 1)];
      sp -= f->argc;
      *sp = f->fn(m, sp);
      sp++;
      break;
    }
    CASE(MATCH) sp[-1] = match_regex(m, READ_U16(pc + 1), sp[-1]); break;
    CASE(WRITTEN) sp[-1] = v_bool(written(sp[-1])); break;
    CASE(MISSING) sp[-1] = v_bool(sp[-1].tag == V_UNKNOWN); break;
    CASE(OR_EMPTY)
      if (sp[-1].tag == V_UNKNOWN) { sp[-1].tag = V_LIST; sp[-1].u.list = &empty_list; }
      else if (sp[-1].tag != V_LIST) bad = true;
      break;
    CASE(EMIT) {
      size_t at = m->msg.len;
      sp--;
      vm_format(p, *sp, &m->msg);
      note_plain(m, at, plain_as_formatted(*sp));
      break;
    }
    CASE(EMIT_EVERY) {
      /* at the start of a sentence the word is «Hver» */
      size_t at = m->msg.len, e = at;
      while (e && m->msg.data[e - 1] == ' ') e--;
      bool start = !e || strchr(".!?", m->msg.data[e - 1]);
      sp--;
      vm_format_every(p, *sp, &m->msg);
      if (start && m->msg.len > at) m->msg.data[at] = 'H';
      note_plain(m, at, false);
      break;
    }
    CASE(EMIT_LABEL) {
      size_t at = m->msg.len;
      sp--;
      vm_format_choice(p, READ_U16(pc + 1), *sp, &m->msg);
      note_plain(m, at, false);
      break;
    }
    case OP_RETURN: *result = *--sp; m->budget = budget; return VM_OK;
    case OP_LEAN_LOCAL_FIELD:
      next = pc + LEN_LOCAL_FIELD;
      *sp = field_of(m, locals[READ_U16(pc + 1)], READ_U16(pc + 3), &bad);
      sp++;
      break;
    case OP_LEAN_ROOT_FIELD: {
      next = pc + LEN_ROOT_FIELD;
      value root = { V_REC, { 0 } };
      root.u.rec = m->root;
      *sp++ = field_of(m, root, READ_U16(pc + 1), &bad);
      break;
    }
    }
    if (bad) return VM_ERR_TYPE;
    pc = next;
  }
}
