/*
** Loading Graphviz (gvlib.h): libgvc, and through it libcgraph (dlsym searches a library's
** dependencies too).
*/
#define GVLIB_IMPL
#include "gvlib.h"

#include "lazylib.h"

#ifndef NORM_GVC_SONAME
#define NORM_GVC_SONAME "libgvc.so.6"        /* (the Makefile gives the one built against) */
#endif

LAZYLIB_DEFINE(gvlib_api, GVLIB_FUNCTIONS, gvlib_load, gvlib, "Graphviz", NORM_GVC_SONAME,
               "diagrammer og HTML-rapporter", "libgvc6")
