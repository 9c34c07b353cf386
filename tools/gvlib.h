/*
** Graphviz, loaded the first time something is drawn (engine/lazylib.h), not when norm
** starts. Most runs draw nothing, and mapping and relocating Graphviz's seven libraries cost
** every start about 1.3 ms (docs/ytelse.md). graph.h includes this after Graphviz's own
** headers; from there on, the Graphviz names norm uses call the loaded library. gvlib_load
** comes first: norm_drawer_new and `norm graph` call it before anything is built or drawn.
*/
#ifndef NORM_GVLIB_H
#define NORM_GVLIB_H

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <stdbool.h>

#include "lazylib.h"

/* Every Graphviz function norm calls, and the one variable (Agdirected). Another one is
** added here and below. */
#define GVLIB_FUNCTIONS(X) \
  X(gvContext) X(gvFreeContext) X(gvLayout) X(gvFreeLayout) X(gvRenderFilename) X(gvRenderData) \
  X(gvFreeRenderData) X(agopen) X(agclose) X(agnode) X(agedge) X(agsubg) X(agattr) X(agsafeset) \
  X(agget) X(agwrite) X(Agdirected)

/* gvlib_load(&why) loads Graphviz, once per process (any thread may ask): false, with *why
** saying which library and why, when it cannot be loaded. gvlib() is the table after that. */
LAZYLIB_DECLARE(gvlib_api, GVLIB_FUNCTIONS, gvlib_load, gvlib)

#ifndef GVLIB_IMPL
#define gvContext (gvlib()->gvContext)
#define gvFreeContext (gvlib()->gvFreeContext)
#define gvLayout (gvlib()->gvLayout)
#define gvFreeLayout (gvlib()->gvFreeLayout)
#define gvRenderFilename (gvlib()->gvRenderFilename)
#define gvRenderData (gvlib()->gvRenderData)
#define gvFreeRenderData (gvlib()->gvFreeRenderData)
#define agopen (gvlib()->agopen)
#define agclose (gvlib()->agclose)
#define agnode (gvlib()->agnode)
#define agedge (gvlib()->agedge)
#define agsubg (gvlib()->agsubg)
#define agattr (gvlib()->agattr)
#define agsafeset (gvlib()->agsafeset)
#define agget (gvlib()->agget)
#define agwrite (gvlib()->agwrite)
#define Agdirected (*gvlib()->Agdirected)
#endif

#endif
