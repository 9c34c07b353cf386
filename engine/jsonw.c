/*
** The streaming JSON writer (see jsonw.h).
*/
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "date.h"

void jw_init(jsonw *w, buf *out)
{
  w->out = out;
  w->depth = 0;
  w->after_key = false;
  w->has_items[0] = false;
}

static void open(jsonw *w, char c)
{
  jw_put_item(w, jw_item(w), &c, 1);
  if (w->depth + 1 < JW_MAX_DEPTH) w->depth++;
  w->has_items[w->depth] = false;
}

static void close_level(jsonw *w, char c)
{
  buf_putc(w->out, c);
  if (w->depth) w->depth--;
}

void jw_obj(jsonw *w) { open(w, '{'); }
void jw_obj_end(jsonw *w) { close_level(w, '}'); }
void jw_arr(jsonw *w) { open(w, '['); }
void jw_arr_end(jsonw *w) { close_level(w, ']'); }


/* The length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
  unsigned c = s[0];
  size_t len;
  unsigned min, cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000, cp = c & 0x07;
  else return 0;
  if (len > n) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

/* Bytes that go out as they are: printable ASCII but the quote and the backslash. */
static const uint8_t plain[256] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Are all of p[0..8) plain? One word at a time: no byte below 0x20, no quote, no
** backslash, none at or above 0x80 (each test is exact for "is there any such byte"). */
static inline bool plain8(const unsigned char *p)
{
  const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
  uint64_t x, q, b;
  memcpy(&x, p, 8);
  q = x ^ (ones * '"');
  b = x ^ (ones * '\\');
  uint64_t special = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b) | x;
  return (special & high) == 0;
}

/* The end of the longest run at p that needs no escape (valid UTF-8 included). */
static inline const unsigned char *plain_run(const unsigned char *p, const unsigned char *end)
{
  size_t len;
  while (p < end) {
    if (end - p >= 8 && plain8(p)) p += 8;
    else if (plain[*p]) p++;
    else if (*p >= 0x80 && (len = utf8_seq(p, (size_t)(end - p)))) p += len;
    else break;
  }
  return p;
}

bool jw_plain(const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  return plain_run(p, p + n) == p + n;
}

/* The comma (when `comma` is 1), the opening quote and s[0..n), which needs no escape, with
** one check for room; and the closing quote when `whole`. */
static inline void put_plain(buf *out, size_t comma, const char *s, size_t n, bool whole)
{
  if (out->len + n + 3 >= out->cap) buf_reserve(out, n + 3);
  char *d = out->data + out->len;
  d[0] = ',';
  d[comma] = '"';
  memcpy(d + comma + 1, s, n);
  d[comma + 1 + n] = '"';                    /* (overwritten by the NUL when not whole) */
  out->len += comma + 1 + n + whole;
  out->data[out->len] = 0;
}

/* s[0..n) as a JSON string, after a comma when `comma` is 1. A string with nothing to
** escape (most) goes out with one check for room. */
static void escape(buf *out, size_t comma, const char *s, size_t n)
{
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  p = plain_run(p, end);
  put_plain(out, comma, s, (size_t)(p - (const unsigned char *)s), p == end);
  if (p == end) return;
  while (p < end) {
    /* the longest run that needs no escape (valid UTF-8 included) goes out in one copy */
    const unsigned char *run = p;
    p = plain_run(p, end);
    if (p > run) buf_put(out, run, (size_t)(p - run));
    if (p == end) break;
    unsigned c = *p;
    if (c >= 0x80) {                                   /* not UTF-8 */
      buf_puts(out, "\xEF\xBF\xBD");                   /* U+FFFD */
      p++;
      continue;
    }
    p++;
    switch (c) {
    case '"': buf_puts(out, "\\\""); break;
    case '\\': buf_puts(out, "\\\\"); break;
    case '\b': buf_puts(out, "\\b"); break;
    case '\f': buf_puts(out, "\\f"); break;
    case '\n': buf_puts(out, "\\n"); break;
    case '\r': buf_puts(out, "\\r"); break;
    case '\t': buf_puts(out, "\\t"); break;
    default: {
      char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
      buf_put(out, u, 6);
    }
    }
  }
  buf_putc(out, '"');
}

void jw_escape(buf *out, const char *s, size_t n) { escape(out, 0, s, n); }

void jw_keyn(jsonw *w, const char *key, size_t n)
{
  escape(w->out, jw_item(w), key, n);
  buf_putc(w->out, ':');
  w->after_key = true;
}

void jw_strn(jsonw *w, const char *s, size_t n)
{
  escape(w->out, jw_item(w), s, n);
}

void jw_strn_plain(jsonw *w, const char *s, size_t n)
{
#ifdef NORM_ASAN
  assert(jw_plain(s, n));
#endif
  put_plain(w->out, jw_item(w), s, n, true);
}

void jw_nstr(jsonw *w, const nstr *s)
{
  if (!s->plain) {
    jw_strn(w, s->s, s->len);
    return;
  }
  put_plain(w->out, jw_item(w), s->s, s->len, true);
}

void jw_date(jsonw *w, int32_t days)
{
  char d[13];
  date_format(days, d + 1);                  /* ten digits and dashes: nothing to escape */
  d[0] = d[11] = '"';
  jw_put_item(w, jw_item(w), d, 12);
}

void jw_str(jsonw *w, const char *s)
{
  if (!s) jw_null(w);
  else jw_strn(w, s, strlen(s));
}

void jw_null(jsonw *w) { jw_put_item(w, jw_item(w), "null", 4); }
void jw_bool(jsonw *w, bool b) { jw_put_item(w, jw_item(w), b ? "true" : "false", b ? 4 : 5); }

void jw_int(jsonw *w, long long n)
{
  char s[24], *e = s + sizeof s, *at = e;
  unsigned long long u = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;
  do *--at = (char)('0' + u % 10); while (u /= 10);
  if (n < 0) *--at = '-';
  jw_put_item(w, jw_item(w), at, (size_t)(e - at));
}

/* As jansson: 17 significant digits, a ".0" when it would read as an integer, and the
** exponent without '+' or leading zeros. */
void jw_real(jsonw *w, double d)
{
  char s[40], t[40];
  if (!isfinite(d)) {                /* JSON has no NaN or infinity */
    jw_null(w);
    return;
  }
  size_t comma = jw_item(w);
  snprintf(s, sizeof s, "%.17g", d);
  if (!strchr(s, '.') && !strchr(s, 'e')) strcat(s, ".0");
  char *e = strchr(s, 'e');
  if (e) {
    size_t k = (size_t)(e - s) + 1, o = k;
    memcpy(t, s, k);
    if (s[k] == '-') t[o++] = s[k++];
    else if (s[k] == '+') k++;
    while (s[k] == '0' && s[k + 1]) k++;
    strcpy(t + o, s + k);
    jw_put_item(w, comma, t, strlen(t));
  } else {
    jw_put_item(w, comma, s, strlen(s));
  }
}

void jw_piece(jsonw *w, const char *json, size_t n, unsigned how)
{
  size_t comma;
  if (how & JW_OPENS) {
    comma = jw_item(w);
    if (w->depth + 1 < JW_MAX_DEPTH) w->depth++;
  } else {
    comma = w->has_items[w->depth];
  }
  jw_put_item(w, comma, json, n);
  w->has_items[w->depth] = true;
  w->after_key = (how & JW_AT_KEY) != 0;
}
