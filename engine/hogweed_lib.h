/*
** Nettle's Hogweed (and GMP under it), loaded the first time a signature is made or checked
** or a key is read (lazylib.h). sign.c includes this after Nettle's headers; from there on,
** the Hogweed names it uses call the loaded library. Nettle itself (SHA-256, base64) is
** linked as usual: every rule set's digest needs it.
*/
#ifndef NORM_HOGWEED_LIB_H
#define NORM_HOGWEED_LIB_H

#include <nettle/asn1.h>
#include <nettle/eddsa.h>
#include <stdbool.h>

#include "lazylib.h"

/* Every Hogweed function norm calls, by its real name (Nettle's headers turn
** asn1_der_iterator_first into nettle_asn1_der_iterator_first). */
#define HOGWEED_LIB_FUNCTIONS(X) \
  X(nettle_asn1_der_iterator_first) X(nettle_asn1_der_iterator_next) X(nettle_asn1_der_decode_constructed) \
  X(nettle_asn1_der_decode_constructed_last) X(nettle_asn1_der_get_uint32) X(nettle_ed25519_sha512_public_key) \
  X(nettle_ed25519_sha512_sign) X(nettle_ed25519_sha512_verify)

/* hogweed_lib_load(&why) loads Hogweed, once per process (any thread may ask): false, with
** *why saying which library and why, when it cannot be loaded. hogweed_lib() is the table
** after that. */
LAZYLIB_DECLARE(hogweed_lib_api, HOGWEED_LIB_FUNCTIONS, hogweed_lib_load, hogweed_lib)

#ifndef HOGWEED_LIB_IMPL
#define nettle_asn1_der_iterator_first (hogweed_lib()->nettle_asn1_der_iterator_first)
#define nettle_asn1_der_iterator_next (hogweed_lib()->nettle_asn1_der_iterator_next)
#define nettle_asn1_der_decode_constructed (hogweed_lib()->nettle_asn1_der_decode_constructed)
#define nettle_asn1_der_decode_constructed_last (hogweed_lib()->nettle_asn1_der_decode_constructed_last)
#define nettle_asn1_der_get_uint32 (hogweed_lib()->nettle_asn1_der_get_uint32)
#define nettle_ed25519_sha512_public_key (hogweed_lib()->nettle_ed25519_sha512_public_key)
#define nettle_ed25519_sha512_sign (hogweed_lib()->nettle_ed25519_sha512_sign)
#define nettle_ed25519_sha512_verify (hogweed_lib()->nettle_ed25519_sha512_verify)
#endif

#endif
