/*
** Small shared helpers: arenas, buffers, checked allocation, file reading, UTF-8.
*/
#include "util.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Out of memory outside a trap: the process stops with exit status 2 (not judged), never
** with a result that lacks what could not be computed. Results already written are whole
** (each is rendered in memory before it is written) and are flushed; no core file is left
** with a case's data in it. */
static _Noreturn void out_of_memory(void)
{
  /* outside any trap: the command stops here (norm check has a trap per case, and says
  ** which case; this is for what lies between them, and for the other commands) */
  static const char msg[] = "norm: tom for minne: kommandoen ble avbrutt; det som alt er skrevet ut, er helt, "
                            "men resten er ikke gjort (for norm check: saken som ble vurdert, og sakene etter den)\n";
  fflush(stdout);
  if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) _exit(2);
  _exit(2);
}

/* The thread's traps and cleanups (see util.h), and the tests' countdown. */
static _Thread_local struct {
  oom_trap *trap;
  oom_cleanup *cleanups;
  unsigned long fail_in;     /* > 0: allocations left until one fails */
} oom;

void oom_trap_set(oom_trap *t)
{
  t->outer = oom.trap;
  t->cleanups = oom.cleanups;
  oom.trap = t;
}

void oom_trap_clear(oom_trap *t)
{
  if (oom.trap == t) oom.trap = t->outer;
  oom.cleanups = t->cleanups;
}

bool oom_trapped(void) { return oom.trap != NULL; }

void oom_push(oom_cleanup *c, void (*fn)(void *), void *arg)
{
  c->fn = fn;
  c->arg = arg;
  c->next = oom.cleanups;
  oom.cleanups = c;
}

void oom_pop(oom_cleanup *c)
{
  assert(oom.cleanups == c);               /* pushed and popped in the same function, innermost first */
  oom.cleanups = c->next;
}

static void free_buf(void *b) { buf_free(b); }
void oom_hold_buf(oom_cleanup *c, buf *b) { oom_push(c, free_buf, b); }
void oom_hold_mem(oom_cleanup *c, void *p) { oom_push(c, free, p); }

unsigned long oom_fail_after(unsigned long n)
{
  unsigned long left = oom.fail_in;
  oom.fail_in = n;
  return left;
}

/* An allocation failed: into the innermost trap, after its cleanups, or out of the process. */
static _Noreturn void oom_fail(void)
{
  oom_trap *t = oom.trap;
  if (!t) out_of_memory();
  while (oom.cleanups != t->cleanups) {
    oom_cleanup *c = oom.cleanups;
    oom.cleanups = c->next;
    c->fn(c->arg);
  }
  oom.trap = t->outer;
  longjmp(t->env, 1);
}

_Noreturn void oom_raise(void) { oom_fail(); }

static void drop_mstream(void *arg)
{
  mstream *m = arg;
  if (m->f) fclose(m->f);
  free(m->text);
}

FILE *mstream_open(mstream *m)
{
  m->f = NULL;
  m->text = NULL;
  m->len = 0;
  oom_push(&m->hold, drop_mstream, m);
  if (!(m->f = open_memstream(&m->text, &m->len))) oom_raise();
  return m->f;
}

void mstream_close_to(mstream *m, buf *out)
{
  size_t n;
  char *text = mstream_close(m, &n);
  oom_cleanup hold;
  oom_hold_mem(&hold, text);
  buf_put(out, text, n);
  oom_pop(&hold);
  free(text);
}

char *mstream_close(mstream *m, size_t *len)
{
  FILE *f = m->f;
  m->f = NULL;
  if (fclose(f) != 0) oom_raise();           /* the stream could not grow: what it holds is not whole */
  oom_pop(&m->hold);
  if (len) *len = m->len;
  return m->text;
}

/* The tests' countdown: whether this allocation is the one that is to fail. */
static inline bool injected(void)
{
  return oom.fail_in && --oom.fail_in == 0;
}

void *xmalloc(size_t n)
{
  void *p = injected() ? NULL : malloc(n ? n : 1);
  if (!p) oom_fail();
  return p;
}

void *xcalloc(size_t n, size_t size)
{
  void *p = injected() ? NULL : calloc(n ? n : 1, size ? size : 1);
  if (!p) oom_fail();
  return p;
}

void *xrealloc(void *p, size_t n)
{
  void *q = injected() ? NULL : realloc(p, n ? n : 1);
  if (!q) oom_fail();
  return q;
}

char *xstrndup(const char *s, size_t n)
{
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

/* ---- arena ----
** Under AddressSanitizer, a chunk's memory is poisoned until it is handed out, and again when
** the chunk is recycled: a pointer kept into the case before is caught as if it were freed. */

#ifdef NORM_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ARENA_CHUNK 16384              /* bytes; a larger allocation gets a chunk of its own */

struct arena_chunk {
  arena_chunk *next;
  size_t used, cap;
  _Alignas(16) unsigned char mem[];
};

void arena_init(arena *a) { a->head = NULL; a->total = 0; }

void *arena_alloc(arena *a, size_t n)
{
  void *p = arena_alloc_raw(a, n);
  memset(p, 0, n);
  return p;
}

void *arena_alloc_raw(arena *a, size_t n)
{
  n = (n + 15) & ~(size_t)15;
  arena_chunk *c = a->head;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
    c = xmalloc(sizeof *c + cap);
    c->used = 0;
    c->cap = cap;
    c->next = a->head;
    a->head = c;
    POISON(c->mem, cap);
  }
  void *p = c->mem + c->used;
  c->used += n;
  a->total += n;
  UNPOISON(p, n);
  return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
  char *p = arena_alloc_raw(a, n + 1);     /* (every byte is written) */
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *arena_strdup(arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

void arena_recycle(arena *a, arena *spare)
{
  arena_chunk *keep = a->head;
  if (keep && (keep->cap > ARENA_CHUNK || spare->head)) keep = NULL;
  if (keep) {
    a->head = keep->next;
    keep->next = NULL;
    keep->used = 0;
    POISON(keep->mem, keep->cap);
    spare->head = keep;
    spare->total = 0;
  }
  arena_free(a);
}

void arena_adopt(arena *a, arena *spare)
{
  if (a->head) return;                         /* only an empty arena takes one */
  a->head = spare->head;
  a->total = 0;
  spare->head = NULL;
}

void arena_free(arena *a)
{
  arena_chunk *c = a->head;
  while (c) {
    arena_chunk *next = c->next;
    UNPOISON(c->mem, c->cap);
    free(c);
    c = next;
  }
  a->head = NULL;
  a->total = 0;
}

/* ---- buf ---- */

void buf_init(buf *b) { b->data = NULL; b->len = b->cap = 0; }
void buf_free(buf *b) { free(b->data); buf_init(b); }
void buf_reset(buf *b) { b->len = 0; if (b->data) b->data[0] = 0; }

void buf_reserve(buf *b, size_t extra)
{
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

void buf_put_grow(buf *b, const void *p, size_t n)
{
  buf_reserve(b, n);
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
}

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
  /* Most texts fit in the room left: then one formatting pass is enough. */
  va_list ap2;
  va_copy(ap2, ap);
  size_t room = b->cap > b->len ? b->cap - b->len : 0;
  int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    if (b->data) b->data[b->len] = 0;
    return;
  }
  if ((size_t)n >= room) {
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  }
  b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(b, fmt, ap);
  va_end(ap);
}

char *buf_take(buf *b)
{
  char *p = b->data ? b->data : xstrdup("");
  buf_init(b);
  return p;
}

/* ---- files ---- */

/* A file being read, and what has been read: let go together if memory runs out. */
typedef struct {
  int fd;
  buf b;
} reading;

static void stop_reading(void *arg)
{
  reading *r = arg;
  close(r->fd);
  buf_free(&r->b);
}

char *read_file(const char *path, size_t max, size_t *len, const char **err)
{
  /* Opened without blocking, so a FIFO with no writer is refused instead of waited for. */
  reading r;
  r.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (r.fd < 0) {
    *err = errno == ENOENT ? "finnes ikke" : errno == EACCES ? "mangler lesetilgang" : sys_error(errno);
    return NULL;
  }
  struct stat st;
  if (fstat(r.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    bool dir = S_ISDIR(st.st_mode);
    close(r.fd);
    *err = dir ? "er en mappe, ikke en fil" : "er ikke en vanlig fil (men en FIFO, en enhet eller en socket)";
    return NULL;
  }
  buf_init(&r.b);
  oom_cleanup hold;
  oom_push(&hold, stop_reading, &r);
  /* Straight into a buffer of the size the file says it has, and a byte more to see its
  ** end; one that grows meanwhile, or says it has no size (/proc), makes the buffer grow.
  ** At most max + 1 bytes are read: one more than max is a file too big. */
  size_t want = st.st_size > 0 && (uintmax_t)st.st_size <= max ? (size_t)st.st_size + 1 : 65536;
  const char *problem = NULL;
  while (!problem) {
    if (r.b.len > max) {
      problem = "er for stor";
      break;
    }
    if (r.b.len + 1 >= r.b.cap) buf_reserve(&r.b, r.b.len < want ? want - r.b.len : r.b.len);
    size_t room = r.b.cap - 1 - r.b.len;
    if (room > max + 1 - r.b.len) room = max + 1 - r.b.len;
    ssize_t n = read(r.fd, r.b.data + r.b.len, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) problem = "kunne ikke leses";
    else if (n == 0) break;
    else r.b.len += (size_t)n;
  }
  if (r.b.data) r.b.data[r.b.len] = 0;
  oom_pop(&hold);
  close(r.fd);
  if (problem) {
    buf_free(&r.b);
    *err = problem;
    return NULL;
  }
  *len = r.b.len;
  return buf_take(&r.b);
}

/* ---- UTF-8 ---- */

size_t utf8_bom(const char *s, size_t n)
{
  return n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF ? 3 : 0;
}

size_t utf8_width(const char *s, size_t n)
{
  size_t w = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
  return w;
}

bool utf8_valid(const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned c = p[i];
    size_t k;
    uint32_t cp;
    if (c < 0x80) { i++; continue; }
    else if ((c & 0xE0) == 0xC0) { k = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { k = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { k = 3; cp = c & 0x07; }
    else return false;
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || (p[i + j] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + j] & 0x3F);
    }
    if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += k + 1;
  }
  return true;
}

bool str_has_suffix(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && !strcmp(s + n - m, suf);
}

int str_cmp_ptr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The code points of s (at most max; a stray continuation byte counts as one). */
static size_t code_points(const char *s, uint32_t *out, size_t max)
{
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; n++) {
    if (n == max) return max + 1;
    uint32_t c = *p++;
    while ((*p & 0xC0) == 0x80) c = c << 6 | (*p++ & 0x3F);
    out[n] = c;
  }
  return n;
}

size_t edit_distance(const char *a, const char *b)
{
  /* over code points, so «tø» is one edit from «t», as a person counts */
  uint32_t ca[64], cb[64];
  size_t la = code_points(a, ca, 64), lb = code_points(b, cb, 64);
  if (la > 64 || lb > 64) return (size_t)-1;
  size_t row[65];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cur = row[j];
      size_t best = prev + (ca[i - 1] != cb[j - 1]);
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[lb];
}

/* ---- hash index ---- */

uint32_t hash_bytes(const void *p, size_t n)
{
  const unsigned char *s = p;
  uint32_t h = 2166136261u;                          /* FNV-1a */
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
  return h;
}

uint32_t hindex_find(const hindex *h, uint32_t hash, bool (*eq)(const void *ctx, uint32_t idx), const void *ctx)
{
  if (!h->cap) return UINT32_MAX;
  for (size_t i = hash & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
    const struct hslot *s = &h->slots[i];
    if (!s->idx1) return UINT32_MAX;
    if (s->hash == hash && eq(ctx, s->idx1 - 1)) return s->idx1 - 1;
  }
}

static void hindex_put(struct hslot *slots, size_t cap, uint32_t hash, uint32_t idx1)
{
  size_t i = hash & (cap - 1);
  while (slots[i].idx1) i = (i + 1) & (cap - 1);
  slots[i].hash = hash;
  slots[i].idx1 = idx1;
}

void hindex_add(hindex *h, uint32_t hash, uint32_t idx)
{
  if ((h->n + 1) * 2 > h->cap) {                     /* at most half full */
    size_t cap = h->cap ? h->cap * 2 : 64;
    struct hslot *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < h->cap; i++)
      if (h->slots[i].idx1) hindex_put(slots, cap, h->slots[i].hash, h->slots[i].idx1);
    free(h->slots);
    h->slots = slots;
    h->cap = cap;
  }
  hindex_put(h->slots, h->cap, hash, idx + 1);
  h->n++;
}

void hindex_free(hindex *h)
{
  free(h->slots);
  memset(h, 0, sizeof *h);
}

bool why_vprintf(char **why, const char *fmt, va_list ap)
{
  buf b;
  buf_init(&b);
  buf_vprintf(&b, fmt, ap);
  *why = buf_take(&b);
  return false;
}

bool why_printf(char **why, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  why_vprintf(why, fmt, ap);
  va_end(ap);
  return false;
}

const char *sys_error(int err)
{
  switch (err) {
  case ENOENT: return "finnes ikke";
  case EACCES: case EPERM: return "mangler tilgang";
  case ENOSPC: return "disken er full";
  case EDQUOT: return "diskkvoten er brukt opp";
  case EROFS: return "filsystemet kan bare leses";
  case EISDIR: return "er en mappe";
  case ENOTDIR: return "en del av stien er ikke en mappe";
  case EEXIST: return "finnes fra før";
  case ENAMETOOLONG: return "stien er for lang";
  case ELOOP: return "for mange symbolske lenker i stien";
  case EMFILE: case ENFILE: return "for mange åpne filer";
  case ENOMEM: return "ikke nok minne";
  case EIO: return "lese- eller skrivefeil på disken";
  case EADDRINUSE: return "adressen er allerede i bruk";
  case EADDRNOTAVAIL: return "adressen finnes ikke på denne maskinen";
  case ENOEXEC: return "er ikke et program som kan kjøres";
  case EINVAL: return "ugyldig argument";
  default: return strerror(err);          /* rare: in the C locale's words */
  }
}

bool list_has(const char *list, const char *item, const char *sep)
{
  size_t n = strlen(item), k = strlen(sep);
  for (const char *p = list; p && *p;) {
    const char *end = k ? strstr(p, sep) : NULL;
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && !memcmp(p, item, n)) return true;
    p = end ? end + k : NULL;
  }
  return false;
}
