/*
** Small shared helpers: arenas, growable byte buffers and vectors, checked allocation.
** Everything here is owned by its caller; nothing is global.
*/
#ifndef NORM_UTIL_H
#define NORM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>              /* FILE, for mstream */
#include <stdlib.h>             /* free, for vec_free */
#include <string.h>             /* memcpy, strlen, for buf_put */

#include "norm.h"               /* norm_buffer */

/* NORM_ASAN: built with AddressSanitizer (gcc says so with __SANITIZE_ADDRESS__, clang with
** __has_feature): the test and fuzz builds, where the engine also checks what it trusts. */
#if defined(__SANITIZE_ADDRESS__)
#define NORM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NORM_ASAN 1
#endif
#endif

/* Allocation that never returns NULL. When memory runs out, the process ends with exit
** status 2 and a message (never a result with what could not be computed left out) –
** unless the thread is inside an oom_trap (below): then the one piece of work the trap
** was set for fails, and the process goes on. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* An arena hands out memory that lives until arena_free(); used for AST nodes and cases. */
typedef struct arena_chunk arena_chunk;
typedef struct {
  arena_chunk *head;
  size_t total;        /* bytes handed out, for limits */
} arena;

void arena_init(arena *a);
void *arena_alloc(arena *a, size_t n);          /* zeroed, 8-byte aligned */
void *arena_alloc_raw(arena *a, size_t n);      /* the same, not zeroed: for what is filled at once */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
void arena_free(arena *a);
/* Work that repeats (a case after a case) keeps one chunk instead of asking malloc again:
** arena_recycle empties a and keeps its newest chunk in spare (one at most; the others, and
** a chunk larger than usual, are freed); arena_adopt gives the empty a spare's chunk. */
void arena_recycle(arena *a, arena *spare);
void arena_adopt(arena *a, arena *spare);

/* A growable byte buffer; buf_free releases it. data is always NUL-terminated. It is the
** library's norm_buffer, so that callers of include/norm.h hand theirs in as it is. */
typedef norm_buffer buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b);
void buf_put_grow(buf *b, const void *p, size_t n);   /* buf_put when it must grow */
void buf_reserve(buf *b, size_t extra);               /* room for extra more bytes and the NUL */
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
char *buf_take(buf *b);                           /* caller frees; buffer becomes empty */

/* A failure's reason: sets *why to the formatted text (caller frees) and returns false. */
bool why_printf(char **why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool why_vprintf(char **why, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* ---- running out of memory as an error ----
** A caller that can answer «not enough memory» for one piece of work (a case, a rule set)
** sets a trap around it:
**
**     oom_trap t;
**     oom_trap_set(&t);
**     if (setjmp(t.env)) return NOT_ENOUGH_MEMORY;   // the trap is spent; cleanups have run
**     ... the work ...
**     oom_trap_clear(&t);
**
** An allocation that fails inside it runs the cleanups pushed since the trap was set
** (innermost first, while their frames still exist) and jumps back. Whatever holds memory
** across an allocation, and is not reachable from something a cleanup frees, pushes a
** cleanup for it and pops it when done: the work leaks nothing when it is cut short.
** Objects kept between pieces of work (a VM, a buffer) stay consistent: a vector or
** buffer that fails to grow is as it was. A thread's traps and cleanups are the one
** piece of thread-local state in the engine: allocation happens everywhere, and passing
** a context to every function that may allocate would be the only other way. */
typedef struct oom_cleanup {
  void (*fn)(void *);
  void *arg;
  struct oom_cleanup *next;
} oom_cleanup;

typedef struct oom_trap {
  jmp_buf env;
  struct oom_trap *outer;
  oom_cleanup *cleanups;     /* the thread's cleanups when the trap was set */
} oom_trap;

void oom_trap_set(oom_trap *t);
void oom_trap_clear(oom_trap *t);
void oom_push(oom_cleanup *c, void (*fn)(void *), void *arg);
void oom_pop(oom_cleanup *c);              /* c must be the innermost; does not run it */
/* The usual cleanups: buf_free(b); free(p) (p must not change while it is held). */
void oom_hold_buf(oom_cleanup *c, buf *b);
void oom_hold_mem(oom_cleanup *c, void *p);
/* A library said it has no memory: as if an allocation here had failed. */
_Noreturn void oom_raise(void);
/* A memory stream (open_memstream) that is let go if memory runs out while it is open.
** mstream_open raises when it cannot open one and pushes its cleanup; mstream_close pops
** it and returns what was written (caller frees), or raises when the stream could not
** hold it all – a report is whole or not given. */
typedef struct {
  FILE *f;
  char *text;
  size_t len;
  oom_cleanup hold;
} mstream;

FILE *mstream_open(mstream *m);
char *mstream_close(mstream *m, size_t *len);
/* mstream_close, with what was written appended to out (and the text freed) */
void mstream_close_to(mstream *m, buf *out);

/* Whether this thread is inside a trap: if not, running out of memory ends the process. */
bool oom_trapped(void);
/* For tests (SQLite's OOM loop): the n-th allocation from now on this thread fails, as if
** memory had run out; 0 turns it off. Returns how many allocations were left to count
** (0 when the n-th was reached), so a loop knows when a run no longer reaches it. */
unsigned long oom_fail_after(unsigned long n);

/* Appending is on every output path, so the common case (it fits) is inline. */
static inline void buf_put(buf *b, const void *p, size_t n)
{
  if (b->len + n >= b->cap) {
    buf_put_grow(b, p, n);
    return;
  }
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
}
static inline void buf_puts(buf *b, const char *s) { buf_put(b, s, strlen(s)); }
static inline void buf_putc(buf *b, char c)
{
  if (b->len + 1 >= b->cap) {
    buf_put_grow(b, &c, 1);
    return;
  }
  b->data[b->len++] = c;
  b->data[b->len] = 0;
}

/* A typed growable array: VEC(int) v = {0}; vec_push(&v, 3); free(v.items). */
#define VEC(T) struct { T *items; size_t len, cap; }
/* The vector changes only once the new room is there, so one that fails to grow is whole. */
/* Room for at least one more item (vec_push; or for an item written in place, field by
** field, at items[len++]). */
#define vec_grow(v) do { \
    if ((v)->len == (v)->cap) { \
      size_t vec_cap_ = (v)->cap ? (v)->cap * 2 : 8; \
      (v)->items = xrealloc((v)->items, vec_cap_ * sizeof *(v)->items); \
      (v)->cap = vec_cap_; \
    } \
  } while (0)
#define vec_push(v, x) do { \
    vec_grow(v); \
    (v)->items[(v)->len++] = (x); \
  } while (0)
#define vec_free(v) do { free((v)->items); (v)->items = NULL; (v)->len = (v)->cap = 0; } while (0)

/* A hash index over the caller's array: finds an entry's place by a hash and the caller's
** own equality test, so lookups in tables that grow with the input (strings, conditions,
** names) cost O(1) instead of a scan. Holds only (hash, index) pairs. */
typedef struct {
  struct hslot { uint32_t hash, idx1; } *slots;   /* idx1 = index + 1; 0 is empty */
  size_t cap, n;
} hindex;

uint32_t hash_bytes(const void *p, size_t n);
/* The index of the entry with this hash for which eq(ctx, index) holds, or UINT32_MAX. */
uint32_t hindex_find(const hindex *h, uint32_t hash, bool (*eq)(const void *ctx, uint32_t idx), const void *ctx);
void hindex_add(hindex *h, uint32_t hash, uint32_t idx);
void hindex_free(hindex *h);

/* Reads a whole regular file; returns NULL and sets *err (static text, bokmål) on failure,
** also for a folder, FIFO, device or socket. Caller frees. */
char *read_file(const char *path, size_t max, size_t *len, const char **err);
/* Whether item is one of the items of list, which are separated by sep (a whole item, not
** a part of one: «sted» is not in «barnet til stede»). */
bool list_has(const char *list, const char *item, const char *sep);
/* What an errno value means, in Norwegian (strerror speaks the C locale's English). */
const char *sys_error(int err);

/* The length of a UTF-8 byte-order mark at the start of s (3), or 0. Windows tools often
** write one; files that start with it are read as if it were not there. */
size_t utf8_bom(const char *s, size_t n);
/* UTF-8: number of code points in s[0..n), and whether s[0..n) is valid UTF-8. */
size_t utf8_width(const char *s, size_t n);
bool utf8_valid(const char *s, size_t n);

/* Whether s ends with suf; qsort comparator for arrays of char *. */
bool str_has_suffix(const char *s, const char *suf);
int str_cmp_ptr(const void *a, const void *b);

/* Levenshtein distance over code points (names of at most 64), else (size_t)-1; used for
** "mente du …?" suggestions. */
size_t edit_distance(const char *a, const char *b);

#endif
