/*
** Writer and reader of .normc files. The reader trusts nothing: every count is
** checked against the bytes left, every read is bounds-checked, and the digest is
** checked before anything is decoded; verify.c then checks what the bytes mean.
*/
#include "bcfile.h"

#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "sign.h"
#include "verify.h"

void bcf_sha256(const void *data, size_t len, uint8_t out[32])
{
  struct sha256_ctx c;
  sha256_init(&c);
  sha256_update(&c, len, data);
  sha256_digest(&c, SHA256_DIGEST_SIZE, out);
}

void bcf_hex(const uint8_t *d, size_t n, char *out)
{
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hex[d[i] >> 4];
    out[2 * i + 1] = hex[d[i] & 15];
  }
  out[2 * n] = 0;
}

/* ---- writing ---- */

static void w_u32(buf *b, uint32_t v)
{
  uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
  buf_put(b, x, 4);
}

static void w_u64(buf *b, uint64_t v)
{
  w_u32(b, (uint32_t)v);
  w_u32(b, (uint32_t)(v >> 32));
}

static void w_ids(buf *b, const uint32_t *ids, size_t n)
{
  w_u32(b, (uint32_t)n);
  for (size_t i = 0; i < n; i++) w_u32(b, ids[i]);
}

static void write_payload(const bc_program *p, buf *b)
{
  w_u32(b, (uint32_t)p->strings.len);
  for (size_t i = 0; i < p->strings.len; i++) {
    w_u32(b, p->strings.items[i]->len);
    buf_put(b, p->strings.items[i]->s, p->strings.items[i]->len);
  }
  w_u32(b, p->name);
  w_u32(b, p->format);
  w_u32(b, p->root);
  w_u32(b, p->justified);
  w_u32(b, (uint32_t)p->types.len);
  for (size_t i = 0; i < p->types.len; i++) {
    const bc_type *t = &p->types.items[i];
    w_u32(b, t->kind); w_u32(b, t->elem); w_u32(b, t->rec); w_u32(b, t->ref);
    w_ids(b, t->values.items, t->values.len);
    w_ids(b, t->extra.items, t->extra.len);
  }
  w_u32(b, (uint32_t)p->records.len);
  for (size_t i = 0; i < p->records.len; i++) {
    const bc_record *r = &p->records.items[i];
    w_u32(b, r->name); w_u32(b, r->id_field); w_u32(b, (uint32_t)r->fields.len);
    for (size_t j = 0; j < r->fields.len; j++) {
      w_u32(b, r->fields.items[j].name); w_u32(b, r->fields.items[j].type); w_u32(b, r->fields.items[j].required);
    }
  }
  w_u32(b, (uint32_t)p->consts.len);
  for (size_t i = 0; i < p->consts.len; i++) {
    const bc_const *k = &p->consts.items[i];
    w_u32(b, k->kind);
    uint64_t bits;
    memcpy(&bits, &k->num, 8);
    w_u64(b, bits);
    w_u32(b, k->str); w_u32(b, (uint32_t)k->date); w_u32(b, (uint32_t)k->months); w_u32(b, (uint32_t)k->days);
    w_ids(b, k->items.items, k->items.len);
  }
  w_u32(b, (uint32_t)p->conds.len);
  for (size_t i = 0; i < p->conds.len; i++) {
    const bc_cond *c = &p->conds.items[i];
    w_u32(b, c->text); w_u32(b, c->file); w_u32(b, c->line); w_u32(b, c->col); w_u32(b, c->flags);
  }
  w_u32(b, (uint32_t)p->guides.len);
  for (size_t i = 0; i < p->guides.len; i++) {
    const bc_guide *g = &p->guides.items[i];
    w_u32(b, g->id); w_u32(b, g->title); w_u32(b, g->publisher); w_u32(b, g->document); w_u32(b, g->version);
    w_u32(b, (uint32_t)g->updated); w_u32(b, (uint32_t)g->from); w_u32(b, (uint32_t)g->to);
    w_u32(b, g->cond); w_u32(b, g->cond_text); w_u32(b, g->file);
  }
  w_u32(b, (uint32_t)p->rules.len);
  for (size_t i = 0; i < p->rules.len; i++) {
    const bc_rule *r = &p->rules.items[i];
    const uint32_t f[] = { r->id, r->title, r->quote, r->guide, r->strength, (uint32_t)r->from, (uint32_t)r->to,
                           r->line, r->var_local, r->coll, r->filter, r->scope, r->exception, r->check,
                           r->message, r->message_ok, r->check_text };
    for (size_t j = 0; j < sizeof f / sizeof *f; j++) w_u32(b, f[j]);
    w_ids(b, r->sources.items, r->sources.len);
    w_ids(b, r->aliases.items, r->aliases.len);
    w_u32(b, (uint32_t)r->docs.len);
    for (size_t j = 0; j < r->docs.len; j++) {
      w_u32(b, r->docs.items[j].type); w_u32(b, r->docs.items[j].text);
      w_u32(b, r->docs.items[j].on_deviation); w_u32(b, r->docs.items[j].check);
    }
  }
  w_u32(b, (uint32_t)p->blocks.len);
  for (size_t i = 0; i < p->blocks.len; i++) {
    const bc_block *k = &p->blocks.items[i];
    w_u32(b, k->start); w_u32(b, k->len); w_u32(b, k->nlocals); w_u32(b, k->niters); w_u32(b, k->kind);
  }
  w_u32(b, (uint32_t)p->lines.len);
  for (size_t i = 0; i < p->lines.len; i++) { w_u32(b, p->lines.items[i].pc); w_u32(b, p->lines.items[i].line); }
  w_u32(b, (uint32_t)p->code.len);
  buf_put(b, p->code.items, p->code.len);
  /* version 3: explanations */
  for (size_t i = 0; i < p->records.len; i++)
    for (size_t j = 0; j < p->records.items[i].fields.len; j++) w_u32(b, p->records.items[i].fields.items[j].label);
  for (size_t i = 0; i < p->conds.len; i++) {
    const bc_cond *c = &p->conds.items[i];
    w_u32(b, c->parent); w_u32(b, c->kind); w_u32(b, c->words); w_u32(b, c->words_false);
  }
  for (size_t i = 0; i < p->guides.len; i++) w_u32(b, p->guides.items[i].cond_top);
  for (size_t i = 0; i < p->rules.len; i++) {
    const bc_rule *r = &p->rules.items[i];
    w_u32(b, r->filter_top); w_u32(b, r->scope_top); w_u32(b, r->exception_top); w_u32(b, r->check_top);
  }
  /* version 4: what people call each value of a choice */
  for (size_t i = 0; i < p->types.len; i++) w_ids(b, p->types.items[i].labels.items, p->types.items[i].labels.len);
}

void bcf_write(const bc_program *p, buf *out)
{
  buf payload;
  buf_init(&payload);
  oom_cleanup hold;
  oom_hold_buf(&hold, &payload);
  write_payload(p, &payload);
  uint8_t digest[32];
  bcf_sha256(payload.data, payload.len, digest);
  buf_put(out, BC_MAGIC, 8);
  w_u32(out, BC_VERSION);
  w_u64(out, payload.len);
  buf_put(out, digest, 32);
  buf_put(out, payload.data, payload.len);
  oom_pop(&hold);
  buf_free(&payload);
}

/* ---- reading ---- */

typedef struct {
  const uint8_t *p;
  size_t len, pos;
  const char *section;
  bool bad;
} reader;

static uint32_t r_u32(reader *r)
{
  if (r->bad || r->len - r->pos < 4) { r->bad = true; return 0; }
  const uint8_t *x = r->p + r->pos;
  r->pos += 4;
  return (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
}

/* A count of entries of at least `min` bytes each must fit in what is left. */
static uint32_t r_count(reader *r, size_t min)
{
  uint32_t n = r_u32(r);
  if (!r->bad && (size_t)n > (r->len - r->pos) / (min ? min : 1)) r->bad = true;
  return r->bad ? 0 : n;
}

#define R_IDS(r, vec) do { \
    uint32_t n_ = r_count(r, 4); \
    for (uint32_t i_ = 0; i_ < n_; i_++) vec_push(vec, r_u32(r)); \
  } while (0)

/* Version 3's explanation section, after the code. */
static void read_explanations(reader *r, bc_program *p)
{
  r->section = "forklaringer";
  for (size_t i = 0; i < p->records.len && !r->bad; i++)
    for (size_t j = 0; j < p->records.items[i].fields.len; j++) p->records.items[i].fields.items[j].label = r_u32(r);
  for (size_t i = 0; i < p->conds.len && !r->bad; i++) {
    bc_cond *c = &p->conds.items[i];
    c->parent = r_u32(r); c->kind = r_u32(r); c->words = r_u32(r); c->words_false = r_u32(r);
  }
  for (size_t i = 0; i < p->guides.len && !r->bad; i++) p->guides.items[i].cond_top = r_u32(r);
  for (size_t i = 0; i < p->rules.len && !r->bad; i++) {
    bc_rule *ru = &p->rules.items[i];
    ru->filter_top = r_u32(r); ru->scope_top = r_u32(r); ru->exception_top = r_u32(r); ru->check_top = r_u32(r);
  }
}

static void read_payload(reader *r, bc_program *p, uint32_t version)
{
  r->section = "tekster";
  uint32_t n = r_count(r, 4);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    uint32_t len = r_u32(r);
    if (r->bad || len > r->len - r->pos) { r->bad = true; break; }
    vec_push(&p->strings, NULL);            /* its place first: nothing made is left outside p */
    nstr *s = p->strings.items[p->strings.len - 1] = xmalloc(sizeof *s + len + 1);
    s->len = len;
    s->plain = jw_plain((const char *)r->p + r->pos, len);
    memcpy(s->s, r->p + r->pos, len);
    s->s[len] = 0;
    r->pos += len;
  }
  r->section = "hode";
  p->name = r_u32(r);
  p->format = r_u32(r);
  p->root = r_u32(r);
  p->justified = r_u32(r);
  r->section = "typer";
  /* bc_init made the built-in types; the file carries every type, built-ins included. */
  for (size_t i = 0; i < p->types.len; i++) { vec_free(&p->types.items[i].values); vec_free(&p->types.items[i].extra); }
  p->types.len = 0;
  n = r_count(r, 24);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    bc_type zero;
    memset(&zero, 0, sizeof zero);
    vec_push(&p->types, zero);              /* in p before its lists are read */
    bc_type *t = &p->types.items[p->types.len - 1];
    t->kind = r_u32(r); t->elem = r_u32(r); t->rec = r_u32(r); t->ref = r_u32(r);
    R_IDS(r, &t->values);
    R_IDS(r, &t->extra);
  }
  r->section = "poster";
  n = r_count(r, 12);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    bc_record zero;
    memset(&zero, 0, sizeof zero);
    vec_push(&p->records, zero);
    bc_record *rec = &p->records.items[p->records.len - 1];
    rec->name = r_u32(r); rec->id_field = r_u32(r);
    uint32_t nf = r_count(r, 12);
    for (uint32_t j = 0; j < nf; j++) {
      bc_field f;                    /* one read per statement: initializers are unsequenced */
      f.name = r_u32(r); f.type = r_u32(r); f.required = r_u32(r); f.label = BC_NONE;
      vec_push(&rec->fields, f);
    }
  }
  r->section = "konstanter";
  n = r_count(r, 32);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    bc_const zero;
    memset(&zero, 0, sizeof zero);
    vec_push(&p->consts, zero);
    bc_const *k = &p->consts.items[p->consts.len - 1];
    k->kind = r_u32(r);
    uint64_t bits = r_u32(r);
    bits |= (uint64_t)r_u32(r) << 32;
    memcpy(&k->num, &bits, 8);
    k->str = r_u32(r); k->date = (int32_t)r_u32(r); k->months = (int32_t)r_u32(r); k->days = (int32_t)r_u32(r);
    R_IDS(r, &k->items);
  }
  r->section = "vilkår";
  n = r_count(r, 20);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    bc_cond c;
    c.text = r_u32(r); c.file = r_u32(r); c.line = r_u32(r); c.col = r_u32(r); c.flags = r_u32(r);
    c.parent = BC_NONE; c.kind = CK_LEAF; c.words = c.words_false = BC_NONE;
    vec_push(&p->conds, c);
  }
  r->section = "retningslinjer";
  n = r_count(r, 44);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    bc_guide g;
    g.id = r_u32(r); g.title = r_u32(r); g.publisher = r_u32(r); g.document = r_u32(r); g.version = r_u32(r);
    g.updated = (int32_t)r_u32(r); g.from = (int32_t)r_u32(r); g.to = (int32_t)r_u32(r);
    g.cond = r_u32(r); g.cond_text = r_u32(r); g.file = r_u32(r);
    g.cond_top = BC_NONE;
    vec_push(&p->guides, g);
  }
  r->section = "regler";
  n = r_count(r, 17 * 4 + 12);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    bc_rule zero;
    memset(&zero, 0, sizeof zero);
    vec_push(&p->rules, zero);
    bc_rule *ru = &p->rules.items[p->rules.len - 1];
    ru->id = r_u32(r); ru->title = r_u32(r); ru->quote = r_u32(r); ru->guide = r_u32(r); ru->strength = r_u32(r);
    ru->from = (int32_t)r_u32(r); ru->to = (int32_t)r_u32(r); ru->line = r_u32(r); ru->var_local = r_u32(r);
    ru->coll = r_u32(r); ru->filter = r_u32(r); ru->scope = r_u32(r); ru->exception = r_u32(r); ru->check = r_u32(r);
    ru->message = r_u32(r); ru->message_ok = r_u32(r); ru->check_text = r_u32(r);
    ru->filter_top = ru->scope_top = ru->exception_top = ru->check_top = BC_NONE;
    R_IDS(r, &ru->sources);
    R_IDS(r, &ru->aliases);
    uint32_t nd = r_count(r, 16);
    for (uint32_t j = 0; j < nd; j++) {
      bc_doc d;
      d.type = r_u32(r); d.text = r_u32(r); d.on_deviation = r_u32(r); d.check = r_u32(r);
      vec_push(&ru->docs, d);
    }
  }
  r->section = "kodeblokker";
  n = r_count(r, 20);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    bc_block b;
    b.start = r_u32(r); b.len = r_u32(r); b.nlocals = r_u32(r); b.niters = r_u32(r); b.max_stack = 0;
    b.kind = r_u32(r);
    vec_push(&p->blocks, b);
  }
  r->section = "linjetabell";
  n = r_count(r, 8);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    bc_line l;
    l.pc = r_u32(r); l.line = r_u32(r);
    vec_push(&p->lines, l);
  }
  r->section = "kode";
  n = r_count(r, 1);
  if (!r->bad) {
    p->code.items = xmalloc(n ? n : 1);
    p->code.len = p->code.cap = n;
    memcpy(p->code.items, r->p + r->pos, n);
    r->pos += n;
  }
  if (version >= 3) read_explanations(r, p);
  r->section = "verdinavn";
  if (version >= 4)
    for (size_t i = 0; i < p->types.len && !r->bad; i++) R_IDS(r, &p->types.items[i].labels);
  if (!r->bad && r->pos != r->len) { r->section = "slutten"; r->bad = true; }
}


bool bcf_load(const uint8_t *data, size_t len, bc_program *p, char **why)
{
  memset(p, 0, sizeof *p);           /* on any failure p holds nothing (bc_free is still safe) */
  if (len < 8 || memcmp(data, BC_MAGIC, 8))
    return why_printf(why, "dette er ikke en kompilert norm-regelsettfil (.normc)");
  if (len < BC_HEADER_LEN)
    return why_printf(why, "filen er avkortet (%zu byte; hodet alene er %u byte)", len, BC_HEADER_LEN);
  uint32_t version = (uint32_t)data[8] | (uint32_t)data[9] << 8 | (uint32_t)data[10] << 16 | (uint32_t)data[11] << 24;
  if (version < 2 || version > BC_VERSION)
    return why_printf(why, "formatversjon %u støttes ikke (denne norm leser versjon 2 til %u); kompiler regelsettet på nytt",
                version, BC_VERSION);
  uint64_t plen = 0;
  for (int i = 7; i >= 0; i--) plen = plen << 8 | data[12 + i];
  /* a signed rule set ends with the signature trailer, checked here against its own key;
  ** whether that key is trusted is the caller's question (--trust) */
  const uint8_t *trailer = NULL;
  if (len - BC_HEADER_LEN >= BC_SIG_LEN && plen == len - BC_HEADER_LEN - BC_SIG_LEN &&
      !memcmp(data + len - BC_SIG_LEN, BC_SIG_MAGIC, 8)) {
    trailer = data + len - BC_SIG_LEN;
    if (!sign_verify(data, len - BC_SIG_LEN, trailer + 8, trailer + 8 + SIGN_KEY_LEN, why)) return false;
    len -= BC_SIG_LEN;
  }
  if (plen != len - BC_HEADER_LEN)
    return why_printf(why, "filen er avkortet eller har ekstra innhold: hodet sier %llu byte innhold, filen har %zu",
                (unsigned long long)plen, len - BC_HEADER_LEN);
  uint8_t digest[32];
  bcf_sha256(data + BC_HEADER_LEN, (size_t)plen, digest);
  if (memcmp(digest, data + 20, 32))
    return why_printf(why, "sjekksummen (SHA-256) stemmer ikke: filen er endret eller skadet");
  reader r = { data + BC_HEADER_LEN, (size_t)plen, 0, "", false };
  bc_init(p);
  read_payload(&r, p, version);
  if (r.bad) {
    bc_free(p);
    memset(p, 0, sizeof *p);
    return why_printf(why, "innholdet er ødelagt i seksjonen «%s» (ved byte %zu)", r.section, r.pos + BC_HEADER_LEN);
  }
  memcpy(p->sha256, digest, 32);
  bcf_hex(digest, 32, p->sha256_hex);
  if (trailer) {
    p->is_signed = true;
    memcpy(p->signer, trailer + 8, SIGN_KEY_LEN);
    sign_key_id(p->signer, p->signer_id);
  }
  if (!bc_verify(p, why)) {
    bc_free(p);
    memset(p, 0, sizeof *p);
    return false;
  }
  return true;
}
