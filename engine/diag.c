/*
** Diagnostics: collection and printing with source line and caret.
*/
#include "diag.h"

#include <stdlib.h>
#include <string.h>

void src_init(srcset *s)
{
  memset(s, 0, sizeof *s);
  s->max_errors = 50;
}

void src_free(srcset *s)
{
  for (size_t i = 0; i < s->files.len; i++) {
    free(s->files.items[i].name);
    free(s->files.items[i].path);
    free(s->files.items[i].key);
    free(s->files.items[i].text);
  }
  vec_free(&s->files);
  for (size_t i = 0; i < s->diags.len; i++) free(s->diags.items[i].msg);
  vec_free(&s->diags);
}

uint32_t src_add(srcset *s, const char *name, const char *path, char *text, size_t len)
{
  /* the file's place first, holding text (the srcset owns it from here), then its names */
  oom_cleanup hold;
  oom_hold_mem(&hold, text);
  srcfile f = { NULL, NULL, NULL, text, len };
  vec_push(&s->files, f);
  oom_pop(&hold);
  srcfile *at = &s->files.items[s->files.len - 1];
  at->name = xstrdup(name);
  if (path) at->path = xstrdup(path);
  return (uint32_t)(s->files.len - 1);
}

const char *src_key(const srcset *s, uint32_t f)
{
  const srcfile *sf = &s->files.items[f];
  return sf->key ? sf->key : sf->name;
}

static void diag_add(srcset *s, diag_level lvl, const srcloc *loc, const char *fmt, va_list ap)
  __attribute__((format(printf, 4, 0)));
static void diag_add(srcset *s, diag_level lvl, const srcloc *loc, const char *fmt, va_list ap)
{
  if (lvl == DIAG_ERROR) {
    s->errors++;
    if (s->errors > s->max_errors) return;
  }
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  buf_vprintf(&b, fmt, ap);
  /* Inlined definitions can report the same problem once per use: say it once. */
  for (size_t i = 0; i < s->diags.len; i++) {
    const diag *o = &s->diags.items[i];
    if (o->has_loc == (loc != NULL) && (!loc || (o->loc.file == loc->file && o->loc.off == loc->off)) &&
        !strcmp(o->msg, b.data)) {
      if (lvl == DIAG_ERROR) s->errors--;
      oom_pop(&hold);
      buf_free(&b);
      return;
    }
  }
  if (!b.data) buf_puts(&b, "");             /* an empty message is still a string */
  diag d = { lvl, {0}, loc != NULL, b.data };
  if (loc) d.loc = *loc;
  vec_push(&s->diags, d);                   /* b is held until its text is in the list */
  oom_pop(&hold);
}

void diag_at(srcset *s, diag_level lvl, srcloc loc, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  diag_add(s, lvl, &loc, fmt, ap);
  va_end(ap);
}

void diag_plain(srcset *s, diag_level lvl, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  diag_add(s, lvl, NULL, fmt, ap);
  va_end(ap);
}

char *src_span(const srcset *s, srcloc loc)
{
  const srcfile *f = &s->files.items[loc.file];
  if (loc.off > f->len || loc.end_off > f->len || loc.end_off < loc.off) return xstrdup("");
  /* Fold runs of white space (a condition may span lines) into one space. */
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  bool space = false;
  for (uint32_t i = loc.off; i < loc.end_off; i++) {
    char c = f->text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { space = true; continue; }
    if (space && b.len) buf_putc(&b, ' ');
    space = false;
    buf_putc(&b, c);
  }
  oom_pop(&hold);
  return buf_take(&b);
}

/* How much of a long source line an error shows: code points before the column, and in all. */
#define DIAG_BEFORE 60
#define DIAG_WIDTH 160

static const char *next_cp(const char *q, const char *end)
{
  q++;
  while (q < end && ((unsigned char)*q & 0xC0) == 0x80) q++;
  return q;
}

static const char *level_name(diag_level l)
{
  return l == DIAG_ERROR ? "feil" : l == DIAG_WARNING ? "advarsel" : "merknad";
}

void diag_print(const srcset *s, const diag *d, FILE *out, bool color)
{
  const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
  const char *lc = !color ? "" : d->level == DIAG_ERROR ? "\033[1;31m" : d->level == DIAG_WARNING ? "\033[1;35m" : "\033[1;36m";
  if (!d->has_loc) {
    fprintf(out, "%snorm: %s%s:%s %s\n", bold, lc, level_name(d->level), reset, d->msg);
    return;
  }
  const srcfile *f = &s->files.items[d->loc.file];
  fprintf(out, "%s%s:%u:%u: %s%s:%s %s\n", bold, f->name, d->loc.line, d->loc.col, lc,
          level_name(d->level), reset, d->msg);
  /* Find the line's text. */
  const char *p = f->text, *end = f->text + f->len;
  for (uint32_t line = 1; line < d->loc.line && p < end; p++)
    if (*p == '\n') line++;
  const char *eol = p;
  while (eol < end && *eol != '\n' && *eol != '\r') eol++;
  if (p > end) return;
  /* A long line is shown as a window around the column, marked with … where cut. */
  uint32_t col = 1, first = 1;
  const char *from = p, *q = p;
  while (q < eol && col < d->loc.col) {
    q = next_cp(q, eol);
    col++;
    if (col - first > DIAG_BEFORE) {
      from = next_cp(from, eol);
      first++;
    }
  }
  const char *to = q;
  for (uint32_t n = col - first; to < eol && n < DIAG_WIDTH; n++) to = next_cp(to, eol);
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  buf_printf(&b, "%5u | %s%.*s%s\n", d->loc.line, from > p ? "…" : "", (int)(to - from), from, to < eol ? "…" : "");
  /* Caret line: reproduce tabs so the caret lines up; count code points otherwise. */
  buf_puts(&b, from > p ? "      |  " : "      | ");
  for (const char *x = from; x < q; x = next_cp(x, eol)) buf_putc(&b, *x == '\t' ? '\t' : ' ');
  uint32_t last = d->loc.end_line == d->loc.line ? d->loc.end_col : (uint32_t)(d->loc.col + utf8_width(q, (size_t)(eol - q)) - 1);
  uint32_t shown = (uint32_t)(d->loc.col + utf8_width(q, (size_t)(to - q)) - 1);
  if (last > shown) last = shown;
  if (last < d->loc.col) last = d->loc.col;
  buf_puts(&b, lc);
  for (uint32_t c = d->loc.col; c <= last; c++) buf_putc(&b, '^');
  buf_puts(&b, reset);
  buf_putc(&b, '\n');
  fwrite(b.data, 1, b.len, out);
  oom_pop(&hold);
  buf_free(&b);
}

void diag_print_all(const srcset *s, FILE *out, bool color)
{
  for (size_t i = 0; i < s->diags.len; i++) diag_print(s, &s->diags.items[i], out, color);
  if (s->errors > s->max_errors)
    fprintf(out, "norm: %zu feil til er ikke vist\n", s->errors - s->max_errors);
}
