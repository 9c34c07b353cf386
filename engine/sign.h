/*
** Signed rule sets: an Ed25519 signature (GNU Nettle) over a .normc's header and payload,
** appended as a trailer (bytecode.h). The rule set's identity (the payload's SHA-256) is
** the same signed or not; the signature says who published it. A key is named by its key
** id: the first 16 hex digits of the SHA-256 of the raw 32-byte public key. Key handling
** is described in docs/signering.md.
*/
#ifndef NORM_SIGN_H
#define NORM_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SIGN_KEY_LEN 32
#define SIGN_SIG_LEN 64
#define SIGN_ID_LEN 16                        /* hex digits of a key id */

/* Appends the signature trailer to the .normc bytes in normc (which must not be signed
** already), with the Ed25519 private key in the PEM file at key_path. On failure returns
** false with a Norwegian reason in *why (caller frees), normc unchanged. */
bool sign_normc(buf *normc, const char *key_path, char **why);

/* Whether sig is key's Ed25519 signature of data[0..len); when not, or when the library
** that checks it cannot be loaded, false with a Norwegian reason in *why (caller frees). */
bool sign_verify(const uint8_t *data, size_t len, const uint8_t key[SIGN_KEY_LEN], const uint8_t sig[SIGN_SIG_LEN],
                 char **why);

/* Reads an Ed25519 public key (PEM, "BEGIN PUBLIC KEY") for --trust. */
bool sign_read_public(const char *path, uint8_t key[SIGN_KEY_LEN], char **why);

void sign_key_id(const uint8_t key[SIGN_KEY_LEN], char out[SIGN_ID_LEN + 1]);

#endif
