/*
** Semantic analysis: schema, typing rules, suggestions.
*/
#include "sema.h"

#include <stdlib.h>
#include <string.h>

static const char *const scalar_names[] = { "tekst", "tall", "sannhet", "dato" };
static const uint32_t scalar_types[] = { TY_TEXT, TY_NUM, TY_BOOL, TY_DATE };

static uint32_t find_record(const ast_unit *u, const char *name)
{
  for (size_t i = 0; i < u->records.len; i++)
    if (!strcmp(u->records.items[i]->name, name)) return (uint32_t)i;
  return BC_NONE;
}

static uint32_t resolve_typespec(ast_unit *u, bc_program *p, ast_typespec *t, bool *ok);

static uint32_t resolve_call(ast_unit *u, bc_program *p, ast_typespec *t, bool *ok)
{
  if (!strcmp(t->name, "valg")) {
    if (!t->args.len || t->idargs.len) {
      diag_at(u->src, DIAG_ERROR, t->loc, "valg(…) tar en eller flere verdier i anførselstegn");
      *ok = false;
      return TY_ERROR;
    }
    uint32_t ty = bc_type_new(p, TK_TEXT);
    bool labelled = false;
    for (size_t i = 0; i < t->args.len; i++) labelled |= t->arg_labels.items[i].s != NULL;
    for (size_t i = 0; i < t->args.len; i++) {
      uint32_t s = bc_intern(p, t->args.items[i].s, t->args.items[i].len);
      vec_push(&p->types.items[ty].values, s);
      const ast_string *l = &t->arg_labels.items[i];
      if (l->s && !l->len) {
        diag_at(u->src, DIAG_ERROR, l->loc, "navnet på verdien «%s» er tomt; skriv hva folk kaller den, eller ta bort = \"\"",
                t->args.items[i].s);
        *ok = false;
      }
      if (labelled) vec_push(&p->types.items[ty].labels, l->s ? bc_intern(p, l->s, l->len) : BC_NONE);
    }
    return ty;
  }
  if (!strcmp(t->name, "id")) {
    if (t->idargs.len != 1) {
      diag_at(u->src, DIAG_ERROR, t->loc, "id(…) tar navnet på én liste i saksmappen, f.eks. id(tiltak)");
      *ok = false;
      return TY_ERROR;
    }
    for (size_t i = 0; i < t->arg_labels.len; i++)
      if (t->arg_labels.items[i].s) {
        diag_at(u->src, DIAG_ERROR, t->arg_labels.items[i].loc, "bare verdiene i valg(…) kan få et navn med =");
        *ok = false;
      }
    uint32_t ty = bc_type_new(p, TK_TEXT);
    /* The list is a root field; resolved once the root record's fields are known. */
    p->types.items[ty].ref = bc_intern(p, t->idargs.items[0], strlen(t->idargs.items[0]));
    for (size_t i = 0; i < t->args.len; i++)
      vec_push(&p->types.items[ty].extra, bc_intern(p, t->args.items[i].s, t->args.items[i].len));
    return ty;
  }
  diag_at(u->src, DIAG_ERROR, t->loc, "ukjent typekonstruksjon «%s»; bruk valg(…) eller id(…)", t->name);
  *ok = false;
  return TY_ERROR;
}

static uint32_t resolve_typespec(ast_unit *u, bc_program *p, ast_typespec *t, bool *ok)
{
  switch (t->kind) {
  case TS_LIST:
    return bc_list_of(p, resolve_typespec(u, p, t->elem, ok));
  case TS_CALL:
    return resolve_call(u, p, t, ok);
  case TS_NAME:
    for (size_t i = 0; i < 4; i++)
      if (!strcmp(t->name, scalar_names[i])) return scalar_types[i];
    uint32_t r = find_record(u, t->name);
    if (r != BC_NONE) {
      for (size_t i = 0; i < p->types.len; i++)
        if (p->types.items[i].kind == TK_REC && p->types.items[i].rec == r) return (uint32_t)i;
    }
    buf b;
    buf_init(&b);
    oom_cleanup hold;
    oom_hold_buf(&hold, &b);
    buf_printf(&b, "ukjent type «%s»", t->name);
    const char *cands[64];
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) cands[n++] = scalar_names[i];
    for (size_t i = 0; i < u->records.len && n < 64; i++) cands[n++] = u->records.items[i]->name;
    sema_suggest(&b, t->name, cands, n);
    diag_at(u->src, DIAG_ERROR, t->loc, "%s", b.data);
    oom_pop(&hold);
    buf_free(&b);
    *ok = false;
    return TY_ERROR;
  }
  return TY_ERROR;
}

bool sema_schema(ast_unit *u, bc_program *p)
{
  bool ok = true;
  if (!u->schema.present) {
    diag_plain(u->src, DIAG_ERROR, "ingen «skjema»-deklarasjon: regelsettet vet ikke hvordan saksmapper ser ut");
    return false;
  }
  /* Records first (so fields may refer to records declared later), then a type each. */
  for (size_t i = 0; i < u->records.len; i++) {
    ast_record *r = u->records.items[i];
    for (size_t j = 0; j < i; j++)
      if (!strcmp(u->records.items[j]->name, r->name)) {
        diag_at(u->src, DIAG_ERROR, r->loc, "posten «%s» er allerede deklarert", r->name);
        ok = false;
      }
    bc_record rec;
    memset(&rec, 0, sizeof rec);
    rec.name = bc_intern(p, r->name, strlen(r->name));
    rec.id_field = BC_NONE;
    vec_push(&p->records, rec);
    uint32_t t = bc_type_new(p, TK_REC);
    p->types.items[t].rec = (uint32_t)i;
  }
  for (size_t i = 0; i < u->records.len; i++) {
    ast_record *r = u->records.items[i];
    for (size_t j = 0; j < r->fields.len; j++) {
      ast_fielddecl *f = &r->fields.items[j];
      for (size_t k = 0; k < j; k++)
        if (!strcmp(r->fields.items[k].name, f->name)) {
          diag_at(u->src, DIAG_ERROR, f->loc, "feltet «%s» er allerede deklarert i posten «%s»", f->name, r->name);
          ok = false;
        }
      bc_field fd = { bc_intern(p, f->name, strlen(f->name)), resolve_typespec(u, p, f->type, &ok), f->required,
                      f->has_label ? bc_intern(p, f->label.s, f->label.len) : BC_NONE };
      vec_push(&p->records.items[i].fields, fd);
      if (!strcmp(f->name, "id")) p->records.items[i].id_field = (uint32_t)j;
    }
  }
  p->root = find_record(u, u->schema.root);
  if (p->root == BC_NONE) {
    diag_at(u->src, DIAG_ERROR, u->schema.loc, "skjemaets rot «%s» er ikke en deklarert post", u->schema.root);
    return false;
  }
  p->format = bc_intern(p, u->schema.format.s, u->schema.format.len);
  /* Resolve id(liste) references to root fields that are lists of records with an id. */
  for (size_t i = 0; i < p->types.len; i++) {
    bc_type *t = &p->types.items[i];
    if (t->kind != TK_TEXT || t->ref == BC_NONE) continue;
    const char *name = bc_str(p, t->ref);
    uint32_t f = sema_field(p, p->root, name);
    const bc_type *ft = f == BC_NONE ? NULL : &p->types.items[p->records.items[p->root].fields.items[f].type];
    if (!ft || ft->kind != TK_LIST || p->types.items[ft->elem].kind != TK_REC ||
        p->records.items[p->types.items[ft->elem].rec].id_field == BC_NONE) {
      diag_at(u->src, DIAG_ERROR, u->schema.loc,
              "id(%s): «%s» må være en liste av poster med feltet «id» i skjemaets rot", name, name);
      ok = false;
      t->ref = BC_NONE;
    } else {
      t->ref = f;
    }
  }
  return ok;
}

uint32_t sema_field(const bc_program *p, uint32_t rec, const char *name)
{
  const bc_record *r = &p->records.items[rec];
  for (size_t i = 0; i < r->fields.len; i++)
    if (!strcmp(bc_str(p, r->fields.items[i].name), name)) return (uint32_t)i;
  return BC_NONE;
}

bool sema_is_bool(uint32_t t) { return t == TY_BOOL || t == TY_ANY; }

static uint32_t kind_of(const bc_program *p, uint32_t t) { return p->types.items[t].kind; }

bool sema_assignable(const bc_program *p, uint32_t want, uint32_t got)
{
  if (want == got || got == TY_ANY || want == TY_ANY || got == TY_ERROR) return true;
  uint32_t kw = kind_of(p, want), kg = kind_of(p, got);
  if (kw == TK_TEXT && kg == TK_TEXT) return true;            /* enumerations are text */
  if (kw == TK_LIST && kg == TK_LIST)
    return sema_assignable(p, p->types.items[want].elem, p->types.items[got].elem);
  return false;
}

uint32_t sema_binary(const bc_program *p, ast_binop op, uint32_t l, uint32_t r, const char **why)
{
  if (l == TY_ERROR || r == TY_ERROR) return TY_ERROR;
  uint32_t kl = kind_of(p, l), kr = kind_of(p, r);
  switch (op) {
  case BIN_ADD: case BIN_SUB:
    if ((kl == TK_NUM || kl == TK_ANY) && (kr == TK_NUM || kr == TK_ANY)) return kl == TK_ANY && kr == TK_ANY ? TY_ANY : TY_NUM;
    if ((kl == TK_DATE || kl == TK_ANY) && (kr == TK_DUR || kr == TK_ANY)) return TY_DATE;
    if (kl == TK_DATE && kr == TK_DATE)
      *why = "to datoer kan ikke legges sammen eller trekkes fra hverandre; bruk dager_mellom(a, b) eller måneder_mellom(a, b)";
    else
      *why = "+ og - virker på tall, eller på en dato og en varighet (dato + 6 måneder)";
    return TY_ERROR;
  case BIN_MUL: case BIN_DIV:
    if ((kl == TK_NUM || kl == TK_ANY) && (kr == TK_NUM || kr == TK_ANY)) return TY_NUM;
    *why = "* og / virker bare på tall";
    return TY_ERROR;
  case BIN_EQ: case BIN_NE:
    if (sema_assignable(p, l, r) || sema_assignable(p, r, l)) {
      if (kl == TK_REC || kl == TK_LIST) { *why = "poster og lister kan ikke sammenlignes med ="; return TY_ERROR; }
      return TY_BOOL;
    }
    *why = "verdiene har ulik type og kan ikke sammenlignes";
    return TY_ERROR;
  case BIN_LT: case BIN_LE: case BIN_GT: case BIN_GE:
    if (kl == TK_ANY || kr == TK_ANY) return TY_BOOL;
    if (kl == kr && (kl == TK_NUM || kl == TK_DATE)) return TY_BOOL;
    *why = "<, <=, > og >= sammenligner to tall eller to datoer";
    return TY_ERROR;
  case BIN_AND: case BIN_OR:
    if (sema_is_bool(l) && sema_is_bool(r)) return TY_BOOL;
    *why = "«og» og «eller» binder sammen vilkår (sannhetsverdier)";
    return TY_ERROR;
  case BIN_IN:
    if (kr == TK_ANY) return TY_BOOL;
    if (kr != TK_LIST) { *why = "etter «i» må det stå en liste"; return TY_ERROR; }
    if (sema_assignable(p, p->types.items[r].elem, l) || sema_assignable(p, l, p->types.items[r].elem)) return TY_BOOL;
    *why = "verdien har en annen type enn elementene i listen";
    return TY_ERROR;
  }
  return TY_ERROR;
}

/* Whether a and b differ only in the case of ASCII letters («MST» and «mst», «Krev» and «krev»). */
static bool same_but_case(const char *a, const char *b)
{
  for (; *a && *b; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a, y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
    if (x != y) return false;
  }
  return *a == *b;
}

void sema_suggest(buf *b, const char *name, const char *const *cands, size_t n)
{
  for (size_t i = 0; i < n; i++)                 /* the same word in other letters: however long */
    if (same_but_case(name, cands[i]) && strcmp(name, cands[i])) {
      buf_printf(b, " – mente du «%s»? (store og små bokstaver er ikke det samme)", cands[i]);
      return;
    }
  const char *best = NULL;
  size_t bestd = (size_t)-1, len = utf8_width(name, strlen(name));
  for (size_t i = 0; i < n; i++) {
    size_t d = edit_distance(name, cands[i]);
    if (d < bestd) { bestd = d; best = cands[i]; }
  }
  size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
  if (best && bestd <= limit && bestd > 0) buf_printf(b, " – mente du «%s»?", best);
}

const char *sema_native_word(const char *word, size_t len)
{
  static const struct { const char *foreign, *native; } words[] = {
    { "and", "og" }, { "or", "eller" }, { "not", "ikke" }, { "true", "sann" }, { "false", "usann" },
    { "if", "når" }, { "when", "når" }, { "where", "der" }, { "exists", "finnes" }, { "all", "alle" },
    { "count", "antall" }, { "in", "i" }, { "og", "og" }, { "eller", "eller" }, { "ikke", "ikke" },
    { "sann", "sann" }, { "usann", "usann" }, { "ja", "sann" }, { "nei", "usann" }, { "sant", "sann" },
    { "usant", "usann" },
  };
  char low[16];
  if (len == 0 || len >= sizeof low) return NULL;
  for (size_t i = 0; i < len; i++) low[i] = (char)(word[i] >= 'A' && word[i] <= 'Z' ? word[i] - 'A' + 'a' : word[i]);
  low[len] = 0;
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (!strcmp(low, words[i].foreign) && !(strlen(words[i].native) == len && !memcmp(word, words[i].native, len)))
      return words[i].native;                /* (the word itself is the keyword: nothing to say) */
  return NULL;
}

bool sema_suggest_native(buf *b, const char *word, size_t len)
{
  const char *native = sema_native_word(word, len);
  if (native) buf_printf(b, " – i regelspråket heter det «%s», ikke «%.*s»", native, (int)len, word);
  return native != NULL;
}

void sema_suggest_field(buf *b, const bc_program *p, uint32_t rec, const char *name)
{
  const bc_record *r = &p->records.items[rec];
  const char *cands[128];
  size_t n = 0;
  for (size_t i = 0; i < r->fields.len && n < 128; i++) cands[n++] = bc_str(p, r->fields.items[i].name);
  sema_suggest(b, name, cands, n);
}

bool sema_enum_ok(const bc_program *p, uint32_t t, const char *s, size_t len, buf *why)
{
  if (t >= p->types.len) return true;
  const bc_type *ty = &p->types.items[t];
  if (ty->kind != TK_TEXT || !ty->values.len) return true;
  const char *cands[128];
  size_t n = 0;
  for (size_t i = 0; i < ty->values.len; i++) {
    const nstr *v = p->strings.items[ty->values.items[i]];
    if (v->len == len && !memcmp(v->s, s, len)) return true;
    if (n < 128) cands[n++] = v->s;
  }
  buf_printf(why, "«%.*s» er ikke en av de tillatte verdiene (", (int)len, s);
  for (size_t i = 0; i < n; i++) buf_printf(why, "%s«%s»", i ? ", " : "", cands[i]);
  buf_puts(why, ")");
  char *tmp = xstrndup(s, len);
  oom_cleanup hold;
  oom_hold_mem(&hold, tmp);
  sema_suggest(why, tmp, cands, n);
  oom_pop(&hold);
  free(tmp);
  return false;
}
