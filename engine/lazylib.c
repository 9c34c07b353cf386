/*
** Loading a library when it is first needed (lazylib.h).
*/
#include "lazylib.h"

#include <dlfcn.h>
#include <stdio.h>

void lazylib_open(lazylib *l)
{
  void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(l->why, sizeof l->why, "%s kan ikke lastes (%s): %s; %s trenger %s (Debian-pakken %s)", l->name, l->soname,
             dlerror(), l->needed_for, l->name, l->package);
    return;
  }
  for (size_t i = 0; i < l->n; i++)
    if (!(l->found[i] = dlsym(h, l->names[i]))) {
      snprintf(l->why, sizeof l->why, "%s (%s) mangler %s: en annen versjon enn norm ble bygget mot", l->name, l->soname,
               l->names[i]);
      return;
    }
  l->loaded = true;
}
