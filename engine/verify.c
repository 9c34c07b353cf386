/*
** Verifier of loaded programs. Reasons are written for the person who has to decide
** whether to trust the file: what is wrong and where (rule, block, byte offset).
*/
#include "verify.h"

#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "stdlib/builtins.h"

typedef struct {
  bc_program *p;
  char **why;
  uint32_t max_fields;
  uint32_t *ret;             /* per block: the type it returns (TY_ANY when not known) */
  uint32_t *item_local;      /* per block: the local holding its rule's item, or BC_NONE */
  uint32_t *item_type;       /* and that item's type */
} verifier;

static bool bad(verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool bad(verifier *v, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  why_vprintf(v->why, fmt, ap);
  va_end(ap);
  return false;
}

static bool str_ok(verifier *v, uint32_t id, bool optional)
{
  return id < v->p->strings.len || (optional && id == BC_NONE);
}

static bool ids_ok(verifier *v, const uint32_t *ids, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!str_ok(v, ids[i], false)) return false;
  return true;
}

static bool block_ok(verifier *v, uint32_t b, block_kind kind, bool optional)
{
  if (b == BC_NONE) return optional;
  return b < v->p->blocks.len && v->p->blocks.items[b].kind == kind;
}

static bool check_tables(verifier *v)
{
  bc_program *p = v->p;
  if (!str_ok(v, p->name, false) || !str_ok(v, p->format, false))
    return bad(v, "regelsettets navn eller saksformat peker utenfor teksttabellen");
  if (p->types.len < TY__BUILTIN) return bad(v, "typetabellen mangler de innebygde typene");
  for (size_t i = 0; i < p->types.len; i++) {
    const bc_type *t = &p->types.items[i];
    bool ok = t->kind <= TK_REC && (i >= TY__BUILTIN || t->kind == i);
    if (t->kind == TK_LIST) ok = ok && t->elem < p->types.len && t->elem != i;
    if (t->kind == TK_REC) ok = ok && t->rec < p->records.len;
    ok = ok && ids_ok(v, t->values.items, t->values.len) && ids_ok(v, t->extra.items, t->extra.len);
    ok = ok && (!t->labels.len || (t->kind == TK_TEXT && t->labels.len == t->values.len));
    for (size_t k = 0; k < t->labels.len && ok; k++) ok = str_ok(v, t->labels.items[k], true);
    if (t->kind == TK_TEXT && t->ref != BC_NONE) ok = ok && p->root < p->records.len && t->ref < p->records.items[p->root].fields.len;
    if (!ok) return bad(v, "type %zu er ugyldig", i);
  }
  /* A list type's element chain must end (no list of itself through others). */
  for (size_t i = 0; i < p->types.len; i++) {
    uint32_t t = (uint32_t)i;
    for (size_t k = 0; k <= p->types.len && p->types.items[t].kind == TK_LIST; k++) t = p->types.items[t].elem;
    if (p->types.items[t].kind == TK_LIST) return bad(v, "type %zu er en liste av seg selv", i);
  }
  if (p->root >= p->records.len) return bad(v, "skjemaets rot peker utenfor posttabellen");
  for (size_t i = 0; i < p->records.len; i++) {
    const bc_record *r = &p->records.items[i];
    if (!str_ok(v, r->name, false) || (r->id_field != BC_NONE && r->id_field >= r->fields.len))
      return bad(v, "post %zu er ugyldig", i);
    for (size_t j = 0; j < r->fields.len; j++)
      if (!str_ok(v, r->fields.items[j].name, false) || r->fields.items[j].type >= p->types.len ||
          !str_ok(v, r->fields.items[j].label, true))
        return bad(v, "felt %zu i posten «%s» er ugyldig", j, bc_str(p, r->name));
    if (r->fields.len > v->max_fields) v->max_fields = (uint32_t)r->fields.len;
  }
  /* An id reference names a list of records with a text id: the case loader reads the ids
  ** there (found by fuzzing: a reference to anything else read wild memory). */
  for (size_t i = 0; i < p->types.len; i++) {
    const bc_type *t = &p->types.items[i];
    if (t->kind != TK_TEXT || t->ref == BC_NONE) continue;
    const bc_type *list = &p->types.items[p->records.items[p->root].fields.items[t->ref].type];
    const bc_type *item = list->kind == TK_LIST ? &p->types.items[list->elem] : NULL;
    const bc_record *rec = item && item->kind == TK_REC ? &p->records.items[item->rec] : NULL;
    if (!rec || rec->id_field == BC_NONE || p->types.items[rec->fields.items[rec->id_field].type].kind != TK_TEXT)
      return bad(v, "type %zu viser til id-er i et felt som ikke er en liste av poster med tekst-id", i);
  }
  for (size_t i = 0; i < p->consts.len; i++) {
    const bc_const *k = &p->consts.items[i];
    bool ok = k->kind <= K_LIST;
    if (k->kind == K_STR || k->kind == K_REGEX) ok = ok && str_ok(v, k->str, false);
    if (k->kind == K_LIST)
      for (size_t j = 0; j < k->items.len && ok; j++)
        ok = k->items.items[j] < p->consts.len && p->consts.items[k->items.items[j]].kind != K_LIST &&
             p->consts.items[k->items.items[j]].kind != K_REGEX;
    if (k->kind == K_DUR) ok = ok && k->months >= -1200000 && k->months <= 1200000 && k->days >= -3650000 && k->days <= 3650000;
    if (!ok) return bad(v, "konstant %zu er ugyldig", i);
  }
  for (size_t i = 0; i < p->conds.len; i++) {
    const bc_cond *c = &p->conds.items[i];
    if (!str_ok(v, c->text, false) || !str_ok(v, c->file, false) || c->flags > COND_INLINED ||
        !str_ok(v, c->words, true) || !str_ok(v, c->words_false, true) || c->kind >= CK__COUNT ||
        (c->parent != BC_NONE && c->parent >= p->conds.len))
      return bad(v, "vilkår %zu peker utenfor teksttabellen eller vilkårstabellen", i);
  }
  /* The parts of a condition form a tree: following parents always ends. Each entry is
  ** walked once (1: on the current path, 2: known to end). */
  uint8_t *seen = xcalloc(p->conds.len + 1, 1);
  for (size_t i = 0; i < p->conds.len; i++) {
    uint32_t at = (uint32_t)i;
    while (at != BC_NONE && !seen[at]) {
      seen[at] = 1;
      at = p->conds.items[at].parent;
    }
    bool cycle = at != BC_NONE && seen[at] == 1;
    for (uint32_t k = (uint32_t)i; k != BC_NONE && seen[k] == 1; k = p->conds.items[k].parent) seen[k] = 2;
    if (cycle) {
      free(seen);
      return bad(v, "vilkår %zu er en del av seg selv", i);
    }
  }
  free(seen);
  for (size_t i = 0; i < p->guides.len; i++) {
    const bc_guide *g = &p->guides.items[i];
    if (!str_ok(v, g->id, false) || !str_ok(v, g->title, false) || !str_ok(v, g->publisher, true) ||
        !str_ok(v, g->document, true) || !str_ok(v, g->version, true) || !str_ok(v, g->cond_text, true) ||
        !str_ok(v, g->file, false) || !block_ok(v, g->cond, BLOCK_GUIDE_COND, true) ||
        (g->cond_top != BC_NONE && g->cond_top >= p->conds.len))
      return bad(v, "retningslinje %zu er ugyldig", i);
  }
  for (size_t i = 0; i < p->rules.len; i++) {
    const bc_rule *r = &p->rules.items[i];
    bool ok = str_ok(v, r->id, false) && str_ok(v, r->title, false) && str_ok(v, r->quote, true) &&
              str_ok(v, r->check_text, true) && r->guide < p->guides.len && r->strength <= ST_KAN &&
              ids_ok(v, r->sources.items, r->sources.len) && ids_ok(v, r->aliases.items, r->aliases.len) &&
              block_ok(v, r->coll, BLOCK_COLL, true) && block_ok(v, r->filter, BLOCK_FILTER, true) &&
              block_ok(v, r->scope, BLOCK_SCOPE, true) && block_ok(v, r->exception, BLOCK_EXCEPTION, true) &&
              block_ok(v, r->check, BLOCK_CHECK, false) && block_ok(v, r->message, BLOCK_MESSAGE, true) &&
              block_ok(v, r->message_ok, BLOCK_MESSAGE_OK, true) &&
              (r->coll == BC_NONE) == (r->var_local == BC_NONE) && (r->coll != BC_NONE || r->filter == BC_NONE) &&
              (r->filter_top == BC_NONE || r->filter_top < p->conds.len) &&
              (r->scope_top == BC_NONE || r->scope_top < p->conds.len) &&
              (r->exception_top == BC_NONE || r->exception_top < p->conds.len) &&
              (r->check_top == BC_NONE || r->check_top < p->conds.len);
    for (size_t j = 0; j < r->docs.len && ok; j++)
      ok = str_ok(v, r->docs.items[j].type, false) && str_ok(v, r->docs.items[j].text, false) &&
           block_ok(v, r->docs.items[j].check, BLOCK_DOC, false);
    if (!ok) return bad(v, "regel %zu (%s) har ugyldige metadata", i, str_ok(v, r->id, false) ? bc_str(p, r->id) : "?");
    /* The item's local must exist in every block that reads it. */
    const uint32_t blocks[] = { r->filter, r->scope, r->exception, r->check, r->message, r->message_ok };
    for (size_t j = 0; j < sizeof blocks / sizeof *blocks && r->var_local != BC_NONE; j++)
      if (blocks[j] != BC_NONE && r->var_local >= p->blocks.items[blocks[j]].nlocals)
        return bad(v, "regel %s: elementets variabel finnes ikke i kodeblokk %u", bc_str(p, r->id), blocks[j]);
  }
  if (!block_ok(v, p->justified, BLOCK_JUSTIFIED, true)) return bad(v, "blokken for begrunnet avvik er ugyldig");
  for (size_t i = 1; i < p->lines.len; i++)
    if (p->lines.items[i].pc < p->lines.items[i - 1].pc) return bad(v, "linjetabellen er ikke sortert");
  return true;
}

static void free_compile_context(void *cc) { pcre2_compile_context_free(cc); }

static bool check_regexes(verifier *v)
{
  bc_program *p = v->p;
  p->regex = xcalloc(p->consts.len ? p->consts.len : 1, sizeof *p->regex);
  pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
  if (!cc) oom_raise();
  oom_cleanup hold;
  oom_push(&hold, free_compile_context, cc);
  pcre2_set_max_pattern_length(cc, NORM_RE_MAX_PATTERN);
  bool ok = true;
  for (size_t i = 0; i < p->consts.len && ok; i++) {
    if (p->consts.items[i].kind != K_REGEX) continue;
    const nstr *s = p->strings.items[p->consts.items[i].str];
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)s->s, s->len, PCRE2_UTF | PCRE2_UCP, &code, &off, cc);
    if (!re && code == PCRE2_ERROR_HEAP_FAILED) oom_raise();   /* not the pattern's fault */
    if (!re) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(code, msg, sizeof msg);
      ok = bad(v, "det regulære uttrykket i konstant %zu kompilerer ikke: %s", i, (char *)msg);
      break;
    }
    p->regex[i] = re;
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);   /* JIT where available; interpreted otherwise */
  }
  oom_pop(&hold);
  pcre2_compile_context_free(cc);
  return ok;
}

/* Checks one block's code: instruction boundaries, operands, jumps, stack depth. */
static bool check_block(verifier *v, uint32_t bi)
{
  bc_program *p = v->p;
  bc_block *b = &p->blocks.items[bi];
  if (b->start > p->code.len || b->len > p->code.len - b->start || b->len == 0)
    return bad(v, "kodeblokk %u ligger utenfor koden", bi);
  if (b->nlocals > BC_MAX_LOCALS || b->niters > BC_MAX_ITERS)
    return bad(v, "kodeblokk %u ber om for mange variabler eller løkker", bi);
  const uint8_t *code = p->code.items + b->start;
  uint32_t n = b->len;
  /* depth[pc] + 1, 0 = not reached yet; boundary marks instruction starts. */
  int32_t *depth = xcalloc(n + 1, sizeof *depth);
  oom_cleanup hold_depth, hold_boundary;      /* (a message from bad() may allocate too) */
  oom_hold_mem(&hold_depth, depth);
  uint8_t *boundary = xcalloc(n + 1, 1);
  oom_hold_mem(&hold_boundary, boundary);
  bool ok = true;
  for (uint32_t pc = 0; pc < n && ok;) {
    uint8_t op = code[pc];
    if (op >= OP__COUNT) { ok = bad(v, "kodeblokk %u, byte %u: ukjent instruksjon %u", bi, pc, op); break; }
    if (bc_ops[op].len > n - pc) { ok = bad(v, "kodeblokk %u, byte %u: instruksjonen er avkortet", bi, pc); break; }
    boundary[pc] = 1;
    pc += bc_ops[op].len;
  }
  int32_t max = 0;
  depth[0] = 1;
  bool falls = true;
  for (uint32_t pc = 0; pc < n && ok;) {
    uint8_t op = code[pc];
    const op_info *info = &bc_ops[op];
    uint32_t next = pc + info->len;
    if (!depth[pc]) {               /* unreachable: after RETURN, JUMP or LOOP and no jump here */
      pc = next;
      falls = false;
      continue;
    }
    int32_t d = depth[pc] - 1;
    uint32_t a = info->shape != SHAPE_NONE ? bc_u16(code + pc + 1) : 0;
    int pop = info->pop, push = info->push;
    switch (info->shape) {
    case SHAPE_U16:
      switch (op) {
      case OP_CONST: ok = a < p->consts.len && p->consts.items[a].kind != K_REGEX; break;
      case OP_LOCAL: case OP_SETLOCAL: ok = a < b->nlocals; break;
      case OP_FIELD: ok = a < v->max_fields; break;
      case OP_COND: ok = a < p->conds.len; break;
      case OP_ITER_INIT: case OP_ITER_END: ok = a < b->niters; break;
      case OP_MATCH: ok = a < p->consts.len && p->consts.items[a].kind == K_REGEX; break;
      case OP_EMIT_LABEL: ok = a < p->types.len; break;
      default: ok = false;
      }
      if (!ok) ok = bad(v, "kodeblokk %u, byte %u: %s har et operand (%u) utenfor gyldig område", bi, pc, info->name, a);
      break;
    case SHAPE_CALL: {
      uint8_t argc = code[pc + 3];
      if (a >= std_nbuiltins || std_builtins[a].special || std_builtins[a].argc != argc)
        ok = bad(v, "kodeblokk %u, byte %u: kall av ukjent innebygd funksjon %u/%u", bi, pc, a, argc);
      pop = argc;
      break;
    }
    case SHAPE_NEXT: {
      uint32_t local = bc_u16(code + pc + 3), exit = next + bc_u16(code + pc + 5);
      if (a >= b->niters || local >= b->nlocals) ok = bad(v, "kodeblokk %u, byte %u: ITER_NEXT utenfor gyldig område", bi, pc);
      else if (exit >= n || !boundary[exit]) ok = bad(v, "kodeblokk %u, byte %u: hopp til %u lander ikke på en instruksjon", bi, pc, exit);
      else if (depth[exit] && depth[exit] != d + 1) ok = bad(v, "kodeblokk %u, byte %u: ulik stakkdybde der stier møtes", bi, exit);
      else depth[exit] = d + 1;
      break;
    }
    case SHAPE_JUMP: {
      uint32_t target = next + a;
      int32_t td = d - pop + push;
      if (target >= n || !boundary[target]) ok = bad(v, "kodeblokk %u, byte %u: hopp til %u lander ikke på en instruksjon", bi, pc, target);
      else if (d < pop) ok = bad(v, "kodeblokk %u, byte %u: stakken er tom", bi, pc);
      else if (depth[target] && depth[target] != td + 1) ok = bad(v, "kodeblokk %u, byte %u: ulik stakkdybde der stier møtes", bi, target);
      else depth[target] = td + 1;
      break;
    }
    case SHAPE_LOOP: {
      /* The only backward jump: onto an ITER_NEXT before it, whose exit lies after the
      ** LOOP, with no ITER_INIT of that iterator in between; each round then consumes
      ** one item of a finite list, so the loop ends. */
      if (a > next || !boundary[next - a] || code[next - a] != OP_ITER_NEXT) {
        ok = bad(v, "kodeblokk %u, byte %u: LOOP går ikke tilbake til en ITER_NEXT", bi, pc);
        break;
      }
      uint32_t top = next - a, it = bc_u16(code + top + 1), exit = top + 7 + bc_u16(code + top + 5);
      if (exit < next) { ok = bad(v, "kodeblokk %u, byte %u: løkkens utgang ligger inne i løkken", bi, pc); break; }
      for (uint32_t q = top + 7; q < pc && ok; q += bc_ops[code[q]].len)
        if (code[q] == OP_ITER_INIT && bc_u16(code + q + 1) == it)
          ok = bad(v, "kodeblokk %u, byte %u: løkken starter sin egen iterator på nytt", bi, q);
      if (ok && depth[top] != d + 1) ok = bad(v, "kodeblokk %u, byte %u: ulik stakkdybde rundt løkken", bi, pc);
      break;
    }
    default:
      break;
    }
    if (!ok) break;
    if (d < pop) { ok = bad(v, "kodeblokk %u, byte %u: %s mangler verdier på stakken", bi, pc, info->name); break; }
    d = d - pop + push;
    if (d > max) max = d;
    if (d > (int32_t)BC_MAX_STACK) { ok = bad(v, "kodeblokk %u: stakken blir for dyp", bi); break; }
    if (op == OP_RETURN && d != 0) { ok = bad(v, "kodeblokk %u, byte %u: RETURN med %d verdier igjen på stakken", bi, pc, d); break; }
    falls = op != OP_RETURN && op != OP_JUMP && op != OP_LOOP;
    if (falls) {
      if (next >= n) { ok = bad(v, "kodeblokk %u: koden går forbi slutten uten RETURN", bi); break; }
      if (depth[next] && depth[next] != d + 1) { ok = bad(v, "kodeblokk %u, byte %u: ulik stakkdybde der stier møtes", bi, next); break; }
      depth[next] = d + 1;
    }
    pc = next;
  }
  b->max_stack = (uint32_t)max + 1;
  oom_pop(&hold_boundary);
  oom_pop(&hold_depth);
  free(depth);
  free(boundary);
  return ok;
}

/* ---- types ---- */

/* The types on the stack, in the locals and of the iterators' items, per instruction: an
** abstract interpretation over the program's type table, where TY_ANY is "not known here".
** A value of a known type that an instruction cannot take (a field read from a date, a sum
** of texts, a loop over a number) is refused: the VM would only find it at run time. Every
** ITER_NEXT and ITER_END needs an ITER_INIT of its iterator on every path before it, so no
** iterator is read that this run did not start. States are kept only where paths meet. */
typedef struct {
  bool set;
  uint32_t depth;
  uint64_t init;             /* iterators started on every path to here */
  uint32_t *slot;            /* depth stack entries, then nlocals locals, then niters items */
} tstate;

#define TYPE_SLOTS_MAX (16u << 20)          /* stored slots per block, a bound for hostile files */
#define TYPE_PASSES_MAX 200u

static uint32_t kind_of(const bc_program *p, uint32_t t) { return p->types.items[t].kind; }

static uint32_t join_t(uint32_t a, uint32_t b) { return a == b ? a : TY_ANY; }

/* Joins src into dst (dst may be unset); whether dst changed. */
static bool join_state(tstate *dst, const tstate *src, uint32_t n)
{
  if (!dst->set) {
    dst->set = true;
    dst->depth = src->depth;
    dst->init = src->init;
    memcpy(dst->slot, src->slot, n * sizeof *dst->slot);
    return true;
  }
  bool changed = (dst->init & src->init) != dst->init;
  dst->init &= src->init;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t j = join_t(dst->slot[i], src->slot[i]);
    changed |= j != dst->slot[i];
    dst->slot[i] = j;
  }
  return changed;
}

/* Whether a value of type t may be of kind k (TY_ANY may be anything). */
static bool may_be(const bc_program *p, uint32_t t, uint32_t k)
{
  uint32_t tk = kind_of(p, t);
  return tk == TK_ANY || tk == k;
}

static bool check_types(verifier *v, uint32_t bi)
{
  bc_program *p = v->p;
  const bc_block *b = &p->blocks.items[bi];
  const uint8_t *code = p->code.items + b->start;
  uint32_t n = b->len, nl = b->nlocals, ni = b->niters;
  uint32_t width = BC_MAX_STACK + 2 + nl + ni;         /* slots of a state, at most */
  /* where paths meet: jump targets and loop heads */
  uint32_t *at = xcalloc(n + 1, sizeof *at);           /* index + 1 into states, 0 = none */
  oom_cleanup hold_at, hold_st, hold_slots, hold_rec;
  oom_hold_mem(&hold_at, at);
  uint32_t nstates = 0;
  for (uint32_t pc = 0; pc < n; pc += bc_ops[code[pc]].len) {
    const op_info *info = &bc_ops[code[pc]];
    uint32_t next = pc + info->len, target = BC_NONE;
    if (info->shape == SHAPE_JUMP) target = next + bc_u16(code + pc + 1);
    else if (info->shape == SHAPE_NEXT) target = next + bc_u16(code + pc + 5);
    else if (info->shape == SHAPE_LOOP) target = next - bc_u16(code + pc + 1);
    /* jumps in unreachable code were not checked (check_block): they may point anywhere */
    if (target < n && !at[target]) at[target] = ++nstates;
  }
  if ((uint64_t)nstates * width > TYPE_SLOTS_MAX) {
    bad(v, "kodeblokk %u er for stor til å typekontrolleres", bi);
    oom_pop(&hold_at);
    free(at);
    return false;
  }
  tstate *st = xcalloc(nstates + 1, sizeof *st);
  oom_hold_mem(&hold_st, st);
  uint32_t *slots = xcalloc((size_t)(nstates + 1) * width, sizeof *slots);
  oom_hold_mem(&hold_slots, slots);
  for (uint32_t i = 0; i <= nstates; i++) st[i].slot = slots + (size_t)i * width;
  uint32_t *rec_type = xmalloc((p->records.len + 1) * sizeof *rec_type);
  oom_hold_mem(&hold_rec, rec_type);
  for (size_t r = 0; r < p->records.len; r++) rec_type[r] = TY_ANY;
  for (size_t t = p->types.len; t-- > 0;)
    if (p->types.items[t].kind == TK_REC) rec_type[p->types.items[t].rec] = (uint32_t)t;
  tstate cur = { false, 0, 0, st[nstates].slot };     /* the last slot array is the walker's */
  bool ok = true, changed = true, ret_first = true;
  uint32_t pass = 0;
#define S(i) cur.slot[(i)]
#define LOC(i) cur.slot[BC_MAX_STACK + 2 + (i)]
#define ITER(i) cur.slot[BC_MAX_STACK + 2 + nl + (i)]
#define WRONG(what) (ok = bad(v, "kodeblokk %u, byte %u: %s", bi, pc, what))
  for (; changed && ok; pass++) {
    if (pass == TYPE_PASSES_MAX) { ok = bad(v, "kodeblokk %u: typene i løkkene finner ikke ro", bi); break; }
    changed = false;
    cur.set = true;
    cur.depth = 0;
    cur.init = 0;
    for (uint32_t i = 0; i < width; i++) cur.slot[i] = TY_ANY;
    if (v->item_local[bi] != BC_NONE) LOC(v->item_local[bi]) = v->item_type[bi];
    for (uint32_t pc = 0; pc < n && ok;) {
      uint8_t op = code[pc];
      const op_info *info = &bc_ops[op];
      uint32_t next = pc + info->len;
      if (at[pc]) {
        tstate *s = &st[at[pc] - 1];
        if (cur.set) join_state(s, &cur, width);
        if (s->set) {
          cur.depth = s->depth;
          cur.init = s->init;
          memcpy(cur.slot, s->slot, width * sizeof *cur.slot);
          cur.set = true;
        }
      }
      if (!cur.set) { pc = next; continue; }
      uint32_t d = cur.depth, a = info->shape != SHAPE_NONE ? bc_u16(code + pc + 1) : 0;
      uint32_t top = d ? S(d - 1) : TY_ANY, below = d > 1 ? S(d - 2) : TY_ANY;
      uint32_t target = BC_NONE;
      switch (op) {
      case OP_CONST: {
        static const uint32_t of_kind[] = { [K_NUM] = TY_NUM, [K_STR] = TY_TEXT, [K_DATE] = TY_DATE, [K_DUR] = TY_DUR,
                                            [K_REGEX] = TY_ANY, [K_LIST] = TY_ANY };
        S(d) = of_kind[p->consts.items[a].kind];
        break;
      }
      case OP_TRUE: case OP_FALSE: S(d) = TY_BOOL; break;
      case OP_UNKNOWN: S(d) = TY_ANY; break;
      case OP_ROOT: S(d) = rec_type[p->root]; break;
      case OP_TODAY: S(d) = TY_DATE; break;
      case OP_LOCAL: S(d) = LOC(a); break;
      case OP_SETLOCAL: LOC(a) = top; break;
      case OP_FIELD:
        if (!may_be(p, top, TK_REC)) { WRONG("et felt leses fra noe som ikke er en post"); break; }
        if (kind_of(p, top) == TK_REC) {
          const bc_record *r = &p->records.items[p->types.items[top].rec];
          if (a >= r->fields.len) { WRONG("feltet finnes ikke i posten"); break; }
          S(d - 1) = r->fields.items[a].type;
        } else {
          S(d - 1) = TY_ANY;
        }
        break;
      case OP_NEG:
        if (!may_be(p, top, TK_NUM)) WRONG("minus foran noe som ikke er et tall");
        S(d - 1) = TY_NUM;
        break;
      case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV:
        if (!may_be(p, top, TK_NUM) || !may_be(p, below, TK_NUM)) WRONG("regning med noe som ikke er et tall");
        S(d - 2) = TY_NUM;
        break;
      case OP_DATE_ADD: case OP_DATE_SUB:
        if (!may_be(p, below, TK_DATE) || !may_be(p, top, TK_DUR)) WRONG("datoregning uten en dato og en varighet");
        S(d - 2) = TY_DATE;
        break;
      case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
        if (kind_of(p, top) != TK_ANY && kind_of(p, below) != TK_ANY && kind_of(p, top) != kind_of(p, below))
          WRONG("sammenligning av verdier av ulike typer");
        S(d - 2) = TY_BOOL;
        break;
      case OP_IN:
        if (!may_be(p, top, TK_LIST)) WRONG("«i» med noe som ikke er en liste");
        S(d - 2) = TY_BOOL;
        break;
      case OP_NOT: case OP_WRITTEN: case OP_MISSING: S(d - 1) = TY_BOOL; break;
      case OP_AND: case OP_OR: case OP_ANY_STEP: case OP_ALL_STEP: S(d - 2) = TY_BOOL; break;
      case OP_COUNT_STEP: S(d - 2) = TY_NUM; break;
      case OP_MATCH:
        if (!may_be(p, top, TK_TEXT)) WRONG("et regulært uttrykk brukt på noe som ikke er tekst");
        S(d - 1) = TY_BOOL;
        break;
      case OP_OR_EMPTY:
        if (!may_be(p, top, TK_LIST)) WRONG("«registrert» brukt på noe som ikke er en liste");
        break;
      case OP_RETURN:
        v->ret[bi] = pass == 0 && ret_first ? top : join_t(v->ret[bi], top);
        ret_first = false;
        break;
      case OP_ITER_INIT:
        if (!may_be(p, top, TK_LIST)) { WRONG("en løkke over noe som ikke er en liste"); break; }
        ITER(a) = kind_of(p, top) == TK_LIST ? p->types.items[top].elem : TY_ANY;
        cur.init |= 1ull << a;
        break;
      case OP_ITER_NEXT: case OP_ITER_END:
        if (!(cur.init & 1ull << a)) WRONG("en løkke brukes uten at den er startet på alle veier hit");
        break;
      case OP_CALL: {
        const std_builtin *f = &std_builtins[a];
        for (uint32_t i = 0; i < f->argc && ok; i++) {
          uint32_t want = f->args[i], got = S(d - f->argc + i);
          if (want == STD_ANY_LIST ? !may_be(p, got, TK_LIST) : want < TY__BUILTIN && want != TY_ANY && !may_be(p, got, want))
            WRONG("en innebygd funksjon får et argument av feil type");
        }
        S(d - f->argc) = f->ret < TY__BUILTIN ? f->ret : TY_ANY;
        break;
      }
      default: break;
      }
      if (!ok) break;
      /* the state after: the stack, and where control may go */
      uint32_t after = d - (uint32_t)(info->pop < 0 ? code[pc + 3] : info->pop) + (uint32_t)info->push;
      if (info->shape == SHAPE_JUMP) target = next + a;
      else if (info->shape == SHAPE_LOOP) target = next - a;
      else if (info->shape == SHAPE_NEXT) {
        /* the exit: the local is not assigned */
        cur.depth = after;
        changed |= join_state(&st[at[next + bc_u16(code + pc + 5)] - 1], &cur, width) && next + bc_u16(code + pc + 5) <= pc;
        LOC(bc_u16(code + pc + 3)) = ITER(a);
      }
      cur.depth = after;
      if (target != BC_NONE) {
        bool grew = join_state(&st[at[target] - 1], &cur, width);
        changed |= grew && target <= pc;                 /* a back edge: another pass */
      }
      if (op == OP_RETURN || op == OP_JUMP || op == OP_LOOP) cur.set = false;
      pc = next;
    }
  }
#undef S
#undef LOC
#undef ITER
#undef WRONG
  oom_pop(&hold_rec);
  oom_pop(&hold_slots);
  oom_pop(&hold_st);
  oom_pop(&hold_at);
  free(rec_type);
  free(slots);
  free(st);
  free(at);
  return ok;
}

/* The type of a per-item rule's item, in each block that reads it: an item of the list
** its collection block returns. The collection blocks are typed first. */
static void item_types(verifier *v)
{
  bc_program *p = v->p;
  for (size_t i = 0; i < p->rules.len; i++) {
    const bc_rule *r = &p->rules.items[i];
    if (r->var_local == BC_NONE) continue;
    uint32_t list = v->ret[r->coll], item = kind_of(p, list) == TK_LIST ? p->types.items[list].elem : TY_ANY;
    const uint32_t blocks[] = { r->filter, r->scope, r->exception, r->check, r->message, r->message_ok };
    for (size_t j = 0; j < sizeof blocks / sizeof *blocks; j++)
      if (blocks[j] != BC_NONE) {
        v->item_local[blocks[j]] = r->var_local;
        v->item_type[blocks[j]] = item;
      }
    for (size_t j = 0; j < r->docs.len; j++)
      if (r->var_local < p->blocks.items[r->docs.items[j].check].nlocals) {
        v->item_local[r->docs.items[j].check] = r->var_local;
        v->item_type[r->docs.items[j].check] = item;
      }
  }
}

struct id_key { const bc_program *p; const char *id; };

static bool id_eq(const void *ctx, uint32_t i)
{
  const struct id_key *k = ctx;
  return !strcmp(bc_str(k->p, k->p->rules.items[i].id), k->id);
}

/* The rules that share an id (versions of a guideline), linked in a cycle, so that the
** evaluator finds a rule's other versions without comparing every pair of rules per case. */
static void free_hindex(void *h) { hindex_free(h); }

static void link_same_ids(bc_program *p)
{
  p->same_id = xmalloc((p->rules.len + 1) * sizeof *p->same_id);
  hindex h = { 0 };
  oom_cleanup hold;
  oom_push(&hold, free_hindex, &h);
  for (uint32_t i = 0; i < p->rules.len; i++) {
    struct id_key key = { p, bc_str(p, p->rules.items[i].id) };
    uint32_t hash = hash_bytes(key.id, strlen(key.id)), k = hindex_find(&h, hash, id_eq, &key);
    if (k == UINT32_MAX) {
      p->same_id[i] = i;
      hindex_add(&h, hash, i);
    } else {
      p->same_id[i] = p->same_id[k];
      p->same_id[k] = i;
    }
  }
  oom_pop(&hold);
  hindex_free(&h);
}

static void free_verifier(void *arg)
{
  verifier *v = arg;
  free(v->ret);
  free(v->item_local);
  free(v->item_type);
}

bool bc_verify(bc_program *p, char **why)
{
  verifier v = { p, why, 0, NULL, NULL, NULL };
  if (!check_tables(&v)) return false;
  bool ok = true;
  /* Each block after the one before it, none sharing code: the compiler lays them out so,
  ** and what is done per block (checked here, laid out in vm.c) then costs the code once –
  ** blocks that overlapped would cost blocks × code, and more room than the code. */
  for (size_t i = 0; i < p->blocks.len && ok; i++) {
    const bc_block *prev = i ? &p->blocks.items[i - 1] : NULL;   /* checked: within the code */
    if (prev && p->blocks.items[i].start < prev->start + prev->len)
      ok = bad(&v, "kodeblokk %zu begynner før kodeblokk %zu slutter", i, i - 1);
    else
      ok = check_block(&v, (uint32_t)i);
  }
  size_t nb = p->blocks.len + 1;
  oom_cleanup hold;
  oom_push(&hold, free_verifier, &v);
  v.ret = xmalloc(nb * sizeof *v.ret);
  v.item_local = xmalloc(nb * sizeof *v.item_local);
  v.item_type = xmalloc(nb * sizeof *v.item_type);
  for (size_t i = 0; i < nb; i++) {
    v.ret[i] = TY_ANY;
    v.item_local[i] = BC_NONE;
    v.item_type[i] = TY_ANY;
  }
  /* collection blocks first: the other blocks of a rule read their items */
  for (size_t i = 0; i < p->blocks.len && ok; i++)
    if (p->blocks.items[i].kind == BLOCK_COLL) ok = check_types(&v, (uint32_t)i);
  if (ok) item_types(&v);
  for (size_t i = 0; i < p->blocks.len && ok; i++)
    if (p->blocks.items[i].kind != BLOCK_COLL) ok = check_types(&v, (uint32_t)i);
  oom_pop(&hold);
  free_verifier(&v);
  if (ok) link_same_ids(p);
  return ok && check_regexes(&v);
}
