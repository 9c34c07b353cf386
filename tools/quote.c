/*
** Checking quotes against their source document (see quote.h).
*/
#include "quote.h"

#include <string.h>

/* Characters that are layout, not text: white space (also no-break and thin spaces), list
** bullets, the soft hyphen, and «|», with which a quote marks where one table cell ends and
** the next begins (the source texts run cells together). Returns the byte length of such a
** character at s, or 0. */
static size_t layout_char(const char *s, const char *end)
{
  static const char *const multi[] = { "\u00a0", "\u2009", "\u202f", "\u2022", "\u25aa", "\u00ad", "\u2023", "\u25e6" };
  unsigned char c = (unsigned char)*s;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '|') return 1;
  for (size_t i = 0; i < sizeof multi / sizeof *multi; i++) {
    size_t n = strlen(multi[i]);
    if ((size_t)(end - s) >= n && !memcmp(s, multi[i], n)) return n;
  }
  return 0;
}

static void squeeze(const char *s, size_t len, buf *out)
{
  const char *end = s + len;
  while (s < end) {
    size_t n = layout_char(s, end);
    if (n) s += n;
    else buf_putc(out, *s++);
  }
  buf_putc(out, 0);
  out->len--;
}

/* Finds needle (squeezed) in hay from *from on; advances *from past it. */
static bool find_from(const buf *hay, size_t *from, const char *needle, size_t len)
{
  buf n;
  buf_init(&n);
  squeeze(needle, len, &n);
  bool found = n.len == 0;
  if (!found) {
    const char *at = strstr(hay->data + *from, n.data);
    found = at != NULL;
    if (found) *from = (size_t)(at - hay->data) + n.len;
  }
  buf_free(&n);
  return found;
}

/* Says how far a part of the quote is found: the words it starts with, and the word after. */
static void explain(const buf *hay, size_t from, const char *part, size_t len, buf *why)
{
  const char *end = part + len, *p = part;
  while (p < end && layout_char(p, end)) p += layout_char(p, end);
  const char *good_end = p;
  size_t words = 0;
  while (p < end) {
    const char *w = p;
    while (p < end && !layout_char(p, end)) p++;
    size_t probe = from;
    if (!find_from(hay, &probe, part, (size_t)(p - part))) {
      if (!words) {
        buf_printf(why, "fant ikke begynnelsen «%.*s»", (int)(p - w), w);
        return;
      }
      /* the last few words that are found, cut at a character boundary */
      const char *from_here = good_end - 40 > part ? good_end - 40 : part;
      if (from_here > part) {                  /* start at a word */
        while (from_here < good_end && !layout_char(from_here, good_end)) from_here++;
        while (from_here < good_end && layout_char(from_here, good_end)) from_here += layout_char(from_here, good_end);
      }
      buf_printf(why, "teksten stemmer til «%s%.*s», men fortsetter ikke med «%.*s»", from_here > part ? "…" : "",
                 (int)(good_end - from_here), from_here, (int)(p - w), w);
      return;
    }
    words++;
    good_end = p;
    while (p < end && layout_char(p, end)) p += layout_char(p, end);
  }
}

bool quote_in_text(const char *doc, size_t doclen, const char *quote, buf *why)
{
  buf hay;
  buf_init(&hay);
  squeeze(doc, doclen, &hay);
  if (!hay.data) buf_putc(&hay, 0), hay.len = 0;
  size_t from = 0;
  bool ok = true;
  const char *part = quote;
  static const char *const marks[] = { "[…]", "[...]" };
  while (ok) {
    const char *next = NULL;
    size_t mark = 0;
    for (size_t i = 0; i < 2; i++) {
      const char *m = strstr(part, marks[i]);
      if (m && (!next || m < next)) { next = m; mark = strlen(marks[i]); }
    }
    size_t len = next ? (size_t)(next - part) : strlen(part);
    size_t before = from;
    if (!find_from(&hay, &from, part, len)) {
      explain(&hay, before, part, len, why);
      ok = false;
    }
    if (!next) break;
    part = next + mark;
  }
  buf_free(&hay);
  return ok;
}
