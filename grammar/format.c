/*
** The canonical layout of rule files. The writer decides where lines break only where the
** grammar makes it obvious; everywhere else it keeps the author's line breaks:
**   - a declaration (retningslinje, regel, parameter, definisjon, post, skjema, regelsett,
**     bruk) starts a line at column 0; `regel`, `retningslinje` and `post` have a blank
**     line before them (and before the comments directly above them);
**   - a clause of a rule or guideline, and a field of a post, starts a line at column 2;
**   - any other line continues the one above: column 4 under a rule, guideline or post,
**     column 2 under the other declarations, 4 more inside each open ( or [, and 2 more
**     than the line that opened a quantifier body with «:» at its end;
**   - one space between tokens, none inside ( ) [ ], before , ; : . or a call's (, nor
**     after a unary minus; at most one blank line; no trailing blanks; one final newline;
**   - a comment on a line of its own is indented like the code after it; a comment after
**     code stays there, one space after it.
** Because it depends only on the tokens and on which of them start a line, formatting
** formatted text changes nothing.
*/
#include <string.h>

#include "ast.h"
#include "format.h"
#include "lexer.h"
#include "parser.h"

typedef struct { int kind; srcloc loc; } fmt_tok;
typedef VEC(fmt_tok) fmt_toks;

static void collect(void *ctx, int kind, srcloc loc)
{
  fmt_tok t = { kind, loc };
  vec_push((fmt_toks *)ctx, t);
}

static bool tokens_of(srcset *src, uint32_t file, fmt_toks *out)
{
  ast_unit u;
  ast_unit_init(&u, src);
  bool ok = lex_tokens(&u, file, collect, out);
  ast_unit_free(&u);
  return ok;
}

/* ---- what a token is for the layout ---- */

typedef enum { CTX_TOP, CTX_CLAUSES, CTX_RECORD, CTX_SIMPLE } fmt_ctx;

static bool is_decl(int k)
{
  return k == RETNINGSLINJE || k == REGEL || k == PARAMETER || k == DEFINISJON || k == POST ||
         k == SKJEMA || k == REGELSETT || k == BRUK;
}

static bool is_clause(int k)
{
  switch (k) {
  case UTGIVER: case SIST_OPPDATERT: case GJELDER_FRA: case GJELDER_TIL: case DOKUMENT:
  case VERSJON: case GJELDER_NAAR: case SITAT: case KILDER: case ALIAS: case FOR: case NAAR:
  case UNNTAK: case KREV: case MELDING: case DOKUMENTER:
    return true;
  default:
    return false;
  }
}

/* A token after which a '-' is binary. */
static bool ends_operand(int k)
{
  switch (k) {
  case IDENT: case RULEID: case NUMBER: case STRING: case DATE: case SANN: case USANN:
  case UKJENT: case DAGER: case UKER: case MAANEDER: case AAR: case ')': case ']':
    return true;
  default:
    return false;
  }
}

static bool space_between(int before_prev, int prev, int k)
{
  if (k == ',' || k == ')' || k == ']' || k == ';' || k == ':' || k == '.') return false;
  if (prev == '(' || prev == '[' || prev == '.') return false;
  if (k == '(' && (prev == IDENT || prev == ANTALL)) return false;
  if (prev == '-' && !ends_operand(before_prev)) return false;
  return true;
}

/* ---- the writer ---- */

typedef struct {
  int indent;
  bool blank_before, comment;
  buf text;
} fmt_line;

typedef struct { srcloc loc; bool blank_before; } fmt_comment;

typedef struct {
  const char *src;
  const fmt_toks *toks;
  VEC(fmt_line) lines;
  VEC(fmt_comment) pending;  /* comments on lines of their own, waiting for the code after them */
  VEC(int) frames;           /* continuation column, one per open ( or [ plus the clause */
  fmt_ctx ctx;
  int prev, before_prev;     /* the last two code tokens, 0 at the start */
} writer;

static size_t newlines(const char *s, uint32_t from, uint32_t to)
{
  size_t n = 0;
  for (uint32_t i = from; i < to; i++) n += s[i] == '\n';
  return n;
}

static fmt_line *new_line(writer *w, int indent, bool blank_before, bool comment)
{
  fmt_line l = { indent, blank_before && w->lines.len > 0, comment, { 0 } };
  buf_init(&l.text);
  vec_push(&w->lines, l);
  return &w->lines.items[w->lines.len - 1];
}

static void put_text(writer *w, fmt_line *l, srcloc loc, bool comment)
{
  size_t n = loc.end_off - loc.off;
  if (comment)
    while (n && (w->src[loc.off + n - 1] == ' ' || w->src[loc.off + n - 1] == '\t' || w->src[loc.off + n - 1] == '\r')) n--;
  buf_put(&l->text, w->src + loc.off, n);
}

/* A blank line before this `regel`, `retningslinje` or `post`, above the comments that
** belong to it. */
static void separate_block(writer *w)
{
  size_t j = w->lines.len - 1;
  while (j > 0 && !w->lines.items[j].blank_before && w->lines.items[j - 1].comment) j--;
  if (j > 0) w->lines.items[j].blank_before = true;
}

static void reset_frames(writer *w, int column)
{
  w->frames.len = 0;
  vec_push(&w->frames, column);
}

static int *top_frame(writer *w) { return &w->frames.items[w->frames.len - 1]; }

/* Where a line starting with token k goes, after entering whatever k starts. */
static int place(writer *w, int k, bool field)
{
  if (is_decl(k)) {
    w->ctx = k == REGEL || k == RETNINGSLINJE ? CTX_CLAUSES : k == POST ? CTX_RECORD : CTX_SIMPLE;
    reset_frames(w, w->ctx == CTX_SIMPLE ? 2 : 4);
    return 0;
  }
  if ((w->ctx == CTX_CLAUSES && is_clause(k)) || field) {
    reset_frames(w, 4);
    return 2;
  }
  if ((k == ')' || k == ']') && w->frames.len > 1) return w->frames.items[w->frames.len - 2];
  return *top_frame(w);
}

static size_t next_code(const fmt_toks *t, size_t i)
{
  for (i++; i < t->len && t->items[i].kind == COMMENT; i++) ;
  return i;
}

static void put_comments(writer *w, int indent)
{
  for (size_t c = 0; c < w->pending.len; c++) {
    fmt_line *l = new_line(w, indent, w->pending.items[c].blank_before, true);
    put_text(w, l, w->pending.items[c].loc, true);
  }
  w->pending.len = 0;
}

static void write_code(writer *w, size_t i, uint32_t gap_from)
{
  const fmt_toks *t = w->toks;
  fmt_tok tok = t->items[i];
  size_t nx = next_code(t, i);
  bool field = w->ctx == CTX_RECORD && tok.kind == IDENT && nx < t->len && t->items[nx].kind == ':';
  bool forced = is_decl(tok.kind) || (w->ctx == CTX_CLAUSES && is_clause(tok.kind)) || field;
  size_t gap = newlines(w->src, gap_from, tok.loc.off);
  fmt_line *l;
  if (w->lines.len == 0 || gap > 0 || forced || w->pending.len) {
    int indent = place(w, tok.kind, field);
    put_comments(w, indent);
    l = new_line(w, indent, gap >= 2, false);
    if (tok.kind == REGEL || tok.kind == RETNINGSLINJE || tok.kind == POST) separate_block(w);
  } else {
    l = &w->lines.items[w->lines.len - 1];
    if (space_between(w->before_prev, w->prev, tok.kind)) buf_putc(&l->text, ' ');
  }
  put_text(w, l, tok.loc, false);
  int indent = l->indent;
  if (tok.kind == '(' || tok.kind == '[') {
    int col = *top_frame(w) + 4;
    vec_push(&w->frames, col);
  } else if ((tok.kind == ')' || tok.kind == ']') && w->frames.len > 1) {
    w->frames.len--;
  } else if (tok.kind == ':' && w->ctx != CTX_RECORD && nx < t->len &&
             newlines(w->src, tok.loc.end_off, t->items[nx].loc.off) > 0) {
    if (*top_frame(w) < indent + 2) *top_frame(w) = indent + 2;
  }
  w->before_prev = w->prev;
  w->prev = tok.kind;
}

static void layout(writer *w)
{
  const fmt_toks *t = w->toks;
  uint32_t gap_from = 0;
  reset_frames(w, 0);
  for (size_t i = 0; i < t->len; i++) {
    fmt_tok tok = t->items[i];
    size_t gap = newlines(w->src, gap_from, tok.loc.off);
    if (tok.kind != COMMENT) {
      write_code(w, i, gap_from);
    } else if (gap == 0 && i > 0) {
      fmt_line *l = &w->lines.items[w->lines.len - 1];
      buf_putc(&l->text, ' ');
      put_text(w, l, tok.loc, true);
    } else {
      fmt_comment c = { tok.loc, gap >= 2 };
      vec_push(&w->pending, c);
    }
    gap_from = tok.loc.end_off;
  }
  put_comments(w, 0);
}

/* The formatted text must hold exactly the same tokens and comments as the original. */
static bool same_tokens(const char *a, const fmt_toks *ta, const char *b, const fmt_toks *tb)
{
  if (ta->len != tb->len) return false;
  for (size_t i = 0; i < ta->len; i++) {
    srcloc x = ta->items[i].loc, y = tb->items[i].loc;
    size_t nx = x.end_off - x.off, ny = y.end_off - y.off;
    if (ta->items[i].kind == COMMENT)
      while (nx && (a[x.off + nx - 1] == ' ' || a[x.off + nx - 1] == '\t' || a[x.off + nx - 1] == '\r')) nx--;
    if (ta->items[i].kind != tb->items[i].kind || nx != ny || memcmp(a + x.off, b + y.off, nx)) return false;
  }
  return true;
}

bool fmt_file(srcset *src, uint32_t file, buf *out)
{
  ast_unit u;
  ast_unit_init(&u, src);
  bool ok = lex_parse_file(&u, file);
  ast_unit_free(&u);
  fmt_toks toks = { 0 };
  if (ok) ok = tokens_of(src, file, &toks);
  if (!ok) {
    vec_free(&toks);
    return false;
  }
  writer w = { 0 };
  w.src = src->files.items[file].text;
  w.toks = &toks;
  layout(&w);
  buf text;
  buf_init(&text);
  for (size_t i = 0; i < w.lines.len; i++) {
    fmt_line *l = &w.lines.items[i];
    if (l->blank_before) buf_putc(&text, '\n');
    for (int s = 0; s < l->indent; s++) buf_putc(&text, ' ');
    buf_put(&text, l->text.data, l->text.len);
    buf_putc(&text, '\n');
    buf_free(&l->text);
  }
  vec_free(&w.lines);
  vec_free(&w.frames);
  vec_free(&w.pending);

  /* Check the result in a srcset of its own, so a failure cannot leak into src's. */
  srcset check;
  src_init(&check);
  uint32_t cf = src_add(&check, src->files.items[file].name, NULL, xstrndup(text.data ? text.data : "", text.len), text.len);
  fmt_toks again = { 0 };
  ok = tokens_of(&check, cf, &again) &&
       same_tokens(w.src, &toks, check.files.items[cf].text, &again);
  src_free(&check);
  vec_free(&again);
  vec_free(&toks);
  if (ok)
    buf_put(out, text.data, text.len);
  else
    diag_plain(src, DIAG_ERROR, "%s: intern feil i formateringen: resultatet ville endret filens innhold; "
               "filen er ikke endret", src->files.items[file].name);
  buf_free(&text);
  return ok;
}
