/*
** Loading Graphviz (gvlib.h). The table of its functions is the process's, like Graphviz's
** own state: written once, under pthread_once, and only read after that.
*/
#define GVLIB_IMPL
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "gvlib.h"

#ifndef NORM_GVC_SONAME
#define NORM_GVC_SONAME "libgvc.so.6"        /* (the Makefile gives the one built against) */
#endif

static gvlib_api api;
static bool loaded;
static char reason[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* libgvc, and through it libcgraph (dlsym searches a library's dependencies too). The
** handle is kept for the rest of the process: Graphviz is never unloaded. */
static void load(void)
{
  void *gv = dlopen(NORM_GVC_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!gv) {
    snprintf(reason, sizeof reason, "Graphviz kan ikke lastes (%s): %s; diagrammer og HTML-rapporter trenger "
             "Graphviz (Debian-pakken libgvc6)", NORM_GVC_SONAME, dlerror());
    return;
  }
  void *sym;
#define GVLIB_FIND(name) \
  if (!(sym = dlsym(gv, #name))) { \
    snprintf(reason, sizeof reason, "Graphviz (%s) mangler funksjonen %s: en annen versjon enn norm ble bygget mot", \
             NORM_GVC_SONAME, #name); \
    return; \
  } \
  api.name = (__typeof__(api.name))sym;
  GVLIB_FUNCTIONS(GVLIB_FIND)
  GVLIB_FIND(Agdirected)
#undef GVLIB_FIND
  loaded = true;
}

bool gvlib_load(const char **why)
{
  pthread_once(&once, load);
  if (!loaded && why) *why = reason;
  return loaded;
}

const gvlib_api *gvlib(void) { return &api; }
