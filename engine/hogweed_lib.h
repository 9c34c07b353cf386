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

/* Every Hogweed function norm calls, by its real name (Nettle's headers turn
** asn1_der_iterator_first into nettle_asn1_der_iterator_first). */
#define HOGWEED_LIB_FUNCTIONS(X) \
  X(nettle_asn1_der_iterator_first) X(nettle_asn1_der_iterator_next) X(nettle_asn1_der_decode_constructed) \
  X(nettle_asn1_der_decode_constructed_last) X(nettle_asn1_der_get_uint32) X(nettle_ed25519_sha512_public_key) \
  X(nettle_ed25519_sha512_sign) X(nettle_ed25519_sha512_verify)

typedef struct {
#define HOGWEED_LIB_MEMBER(name) __typeof__(&name) name;
  HOGWEED_LIB_FUNCTIONS(HOGWEED_LIB_MEMBER)
#undef HOGWEED_LIB_MEMBER
} hogweed_lib_api;

/* Loads Hogweed, once per process (any thread may ask). False when it cannot be loaded, with
** *why (static text, Norwegian) saying which library and why. */
bool hogweed_lib_load(const char **why);
/* The loaded functions; only after hogweed_lib_load has returned true. */
const hogweed_lib_api *hogweed_lib(void);

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
