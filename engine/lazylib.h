/*
** A shared library loaded the first time it is needed (dlopen), not when the process
** starts. Mapping and relocating a library costs every start of norm, also the runs that
** never use it: Graphviz about 1.3 ms, SQLite (the audit log) and Nettle's Hogweed with GMP
** (Ed25519 signatures) about 0.8 ms each (docs/ytelse.md), and most runs draw nothing,
** record nothing and check no signature. Each such library has a header of its own
** (tools/gvlib.h, sqlite_lib.h, hogweed_lib.h) with a table of the functions norm calls,
** typed from the library's own headers, and macros that turn each name into a call through
** the table; its .c file is LAZYLIB_DEFINE.
**
** The tables are the process's, like the dynamic linker's own: written once, under
** pthread_once, and only read after that; a library is never unloaded.
*/
#ifndef NORM_LAZYLIB_H
#define NORM_LAZYLIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
  const char *name;            /* "SQLite" */
  const char *soname;          /* the library, by the soname norm was built against */
  const char *needed_for;      /* what needs it, for the message: "revisjonsloggen" */
  const char *package;         /* the Debian package that has it */
  const char *const *names;    /* the functions (or data) norm uses */
  void **found;                /* their addresses, in the same order */
  size_t n;
  bool loaded;
  char why[512];               /* when not loaded: which library, and why (Norwegian) */
} lazylib;

/* Opens l->soname and finds every name: l->loaded with l->found filled in, or l->why. */
void lazylib_open(lazylib *l);

/* The table of one library, in its header: a struct api_t with a member for each name in
** FUNCTIONS (typed from the library's own declaration, so every call is type-checked),
** load_fn and get_fn (below). */
#define LAZYLIB_MEMBER(name) __typeof__(&name) name;
#define LAZYLIB_DECLARE(api_t, FUNCTIONS, load_fn, get_fn) \
  typedef struct { FUNCTIONS(LAZYLIB_MEMBER) } api_t;    \
  bool load_fn(const char **why);                         \
  const api_t *get_fn(void);

/* The loader of one library, in a .c file of its own: load_fn(&why) loads it once per
** process (any thread may ask; false, with *why saying which library and why, when it
** cannot be loaded), get_fn() gives the table once load_fn has returned true. FUNCTIONS is
** the header's X-macro list of names; api_t has a member of the same name for each. */
#define LAZYLIB_NAME(name) #name,
#define LAZYLIB_TAKE(name) lazy_api.name = (__typeof__(lazy_api.name))lazy_found[lazy_i++];
#define LAZYLIB_DEFINE(api_t, FUNCTIONS, load_fn, get_fn, name_, soname, needed_for, package)            \
  static const char *const lazy_names[] = { FUNCTIONS(LAZYLIB_NAME) };                                   \
  static void *lazy_found[sizeof lazy_names / sizeof *lazy_names];                                       \
  static api_t lazy_api;                                                                                 \
  static lazylib lazy_lib = { name_, soname, needed_for, package, lazy_names, lazy_found,                \
                              sizeof lazy_names / sizeof *lazy_names, false, "" };                       \
  static pthread_once_t lazy_once = PTHREAD_ONCE_INIT;                                                   \
  static void lazy_load(void)                                                                            \
  {                                                                                                      \
    lazylib_open(&lazy_lib);                                                                             \
    size_t lazy_i = 0;                                                                                   \
    if (lazy_lib.loaded) { FUNCTIONS(LAZYLIB_TAKE) }                                                     \
  }                                                                                                      \
  bool load_fn(const char **why)                                                                         \
  {                                                                                                      \
    pthread_once(&lazy_once, lazy_load);                                                                 \
    if (!lazy_lib.loaded && why) *why = lazy_lib.why;                                                    \
    return lazy_lib.loaded;                                                                              \
  }                                                                                                      \
  const api_t *get_fn(void) { return &lazy_api; }

#endif
