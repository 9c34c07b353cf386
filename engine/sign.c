/*
** Ed25519 signatures of rule sets with OpenSSL's EVP interface (see sign.h).
*/
#include "sign.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

#include "bcfile.h"
#include "bytecode.h"


/* norm never asks for a password (OpenSSL's default would prompt on the terminal). */
static int no_password(char *b, int size, int rw, void *u)
{
  (void)b; (void)size; (void)rw; (void)u;
  return -1;
}

static EVP_PKEY *read_key(const char *path, bool private, char **why)
{
  size_t len;
  const char *err;
  char *text = read_file(path, 64 << 10, &len, &err);
  if (!text) {
    buf b;
    buf_init(&b);
    buf_printf(&b, "kan ikke lese nøkkelfilen %s: %s", path, err);
    *why = buf_take(&b);
    return NULL;
  }
  BIO *bio = BIO_new_mem_buf(text, (int)len);
  EVP_PKEY *k = private ? PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL) : PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL);
  BIO_free(bio);
  bool encrypted = strstr(text, "ENCRYPTED") != NULL;
  free(text);
  if (!k && encrypted) {
    why_printf(why, "nøkkelen i %s er kryptert med passord, og norm spør ikke etter passord; dekrypter den "
              "til en midlertidig fil (openssl pkey -in %s -out /dev/shm/nøkkel.pem) og slett den etterpå", path, path);
    return NULL;
  }
  if (!k) {
    if (private)
      why_printf(why, "%s er ikke en privat nøkkel i PEM-format (lag en med: openssl genpkey -algorithm ed25519 -out nøkkel.pem)", path);
    else
      why_printf(why, "%s er ikke en offentlig nøkkel i PEM-format (lag den fra den private med: "
                "openssl pkey -in nøkkel.pem -pubout -out offentlig.pem)", path);
    return NULL;
  }
  if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    why_printf(why, "nøkkelen i %s er ikke en Ed25519-nøkkel; norm signerer bare med Ed25519", path);
    return NULL;
  }
  return k;
}

static uint64_t payload_len(const uint8_t *d)
{
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = n << 8 | d[12 + i];
  return n;
}

bool sign_normc(buf *normc, const char *key_path, char **why)
{
  const uint8_t *d = (const uint8_t *)normc->data;
  if (normc->len < BC_HEADER_LEN || payload_len(d) != normc->len - BC_HEADER_LEN)
    return why_printf(why, "%s", "regelsettet er allerede signert eller ikke en .normc");
  EVP_PKEY *k = read_key(key_path, true, why);
  if (!k) return false;
  uint8_t key[SIGN_KEY_LEN], sig[SIGN_SIG_LEN];
  size_t klen = sizeof key, slen = sizeof sig;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  bool ok = md && EVP_PKEY_get_raw_public_key(k, key, &klen) == 1 && klen == sizeof key &&
            EVP_DigestSignInit(md, NULL, NULL, NULL, k) == 1 &&
            EVP_DigestSign(md, sig, &slen, d, normc->len) == 1 && slen == sizeof sig;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(k);
  if (!ok) return why_printf(why, "signeringen med nøkkelen i %s mislyktes", key_path);
  buf_put(normc, BC_SIG_MAGIC, 8);
  buf_put(normc, key, sizeof key);
  buf_put(normc, sig, sizeof sig);
  return true;
}

bool sign_verify(const uint8_t *data, size_t len, const uint8_t key[SIGN_KEY_LEN], const uint8_t sig[SIGN_SIG_LEN])
{
  EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, key, SIGN_KEY_LEN);
  if (!k) return false;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  bool ok = md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) == 1 &&
            EVP_DigestVerify(md, sig, SIGN_SIG_LEN, data, len) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(k);
  return ok;
}

bool sign_read_public(const char *path, uint8_t key[SIGN_KEY_LEN], char **why)
{
  EVP_PKEY *k = read_key(path, false, why);
  if (!k) return false;
  size_t n = SIGN_KEY_LEN;
  bool ok = EVP_PKEY_get_raw_public_key(k, key, &n) == 1 && n == SIGN_KEY_LEN;
  EVP_PKEY_free(k);
  return ok || why_printf(why, "kan ikke lese den offentlige nøkkelen i %s", path);
}

void sign_key_id(const uint8_t key[SIGN_KEY_LEN], char out[SIGN_ID_LEN + 1])
{
  uint8_t d[32];
  bcf_sha256(key, SIGN_KEY_LEN, d);
  bcf_hex(d, SIGN_ID_LEN / 2, out);
}
