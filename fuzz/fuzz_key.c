/*
** Key files (docs/signering.md): any bytes as the PEM file of --sign (a private Ed25519 key)
** or --trust (a public one), read with Nettle's base64 and DER iterator (engine/sign.c). The
** first byte says which (bit 0: private), and whether the rest is the file (bit 1 clear) or
** DER that the harness puts in PEM armour, so that mutations reach the DER reader directly.
** A private key that is read signs a minimal unsigned .normc.
*/
#include "fuzz_common.h"

#include <nettle/base64.h>
#include <string.h>

#include "bytecode.h"
#include "sign.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!size) return 0;
  bool private = data[0] & 1;
  char path[256];
  if (data[0] & 2) {
    const char *label = private ? "PRIVATE KEY" : "PUBLIC KEY";
    buf pem;
    buf_init(&pem);
    buf_printf(&pem, "-----BEGIN %s-----\n", label);
    size_t n = BASE64_ENCODE_RAW_LENGTH(size - 1);
    char *b64 = xmalloc(n + 1);
    base64_encode_raw(b64, size - 1, data + 1);
    buf_put(&pem, b64, n);
    free(b64);
    buf_printf(&pem, "\n-----END %s-----\n", label);
    fuzz_file((const uint8_t *)pem.data, pem.len, "nokkel.pem", path);
    buf_free(&pem);
  } else {
    fuzz_file(data + 1, size - 1, "nokkel.pem", path);
  }
  char *why = NULL;
  if (private) {
    buf normc;                                /* a header that says: no payload, not signed */
    buf_init(&normc);
    static const uint8_t header[BC_HEADER_LEN] = { 0 };
    buf_put(&normc, header, sizeof header);
    if (sign_normc(&normc, path, &why) && normc.len != BC_HEADER_LEN + BC_SIG_LEN) abort();
    buf_free(&normc);
  } else {
    uint8_t key[SIGN_KEY_LEN];
    sign_read_public(path, key, &why);
  }
  free(why);
  fuzz_done(path);
  return 0;
}
