/*
** Loading Hogweed (hogweed_lib.h).
*/
#define HOGWEED_LIB_IMPL
#include "hogweed_lib.h"

#include "lazylib.h"

#ifndef NORM_HOGWEED_SONAME
#define NORM_HOGWEED_SONAME "libhogweed.so.6"  /* (the Makefile gives the one built against) */
#endif

LAZYLIB_DEFINE(hogweed_lib_api, HOGWEED_LIB_FUNCTIONS, hogweed_lib_load, hogweed_lib, "Nettles Hogweed",
               NORM_HOGWEED_SONAME, "signerte regelsett og nøkler (Ed25519)", "libhogweed6")
