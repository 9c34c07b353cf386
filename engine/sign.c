/*
** Ed25519 signatures of rule sets (see sign.h), with GNU Nettle: its Ed25519 (RFC 8032) signs
** and verifies, and its base64 decoder and DER iterator read the key files the openssl
** command writes (PEM, RFC 7468, around PKCS #8 or SubjectPublicKeyInfo; RFC 8410).
*/
#include "sign.h"

#include <nettle/asn1.h>
#include <nettle/base64.h>
#include <nettle/eddsa.h>
#include <stdio.h>
#include <string.h>

#include "bcfile.h"
#include "bytecode.h"
#include "hogweed_lib.h"

enum key_read { KEY_OK, KEY_NOT_ED25519, KEY_BROKEN };

/* The bytes of the PEM block labelled label in text (RFC 7468), in *der (caller frees):
** 1 found and decoded, 0 no such block, -1 a block without its end or with broken base64. */
static int pem_block(const char *text, const char *label, uint8_t **der, size_t *len)
{
  char begin[48], end[48];
  snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
  snprintf(end, sizeof end, "-----END %s-----", label);
  const char *b = strstr(text, begin);
  if (!b) return 0;
  b += strlen(begin);
  const char *e = strstr(b, end);
  if (!e) return -1;
  size_t n = (size_t)(e - b), got = BASE64_DECODE_LENGTH(n);
  uint8_t *out = xmalloc(got + 1);
  struct base64_decode_ctx ctx;
  base64_decode_init(&ctx);
  /* the decoder passes over the line breaks and spaces between the lines */
  if (!base64_decode_update(&ctx, &got, out, n, b) || !base64_decode_final(&ctx)) {
    explicit_bzero(out, BASE64_DECODE_LENGTH(n));
    free(out);
    return -1;
  }
  *der = out;
  *len = got;
  return 1;
}

/* Whether the AlgorithmIdentifier at i is Ed25519's: the OID 1.3.101.112 alone (RFC 8410). */
static bool is_ed25519(struct asn1_der_iterator *i)
{
  static const uint8_t oid[] = { 0x2b, 0x65, 0x70 };
  struct asn1_der_iterator alg;
  return i->type == ASN1_SEQUENCE && asn1_der_decode_constructed(i, &alg) == ASN1_ITERATOR_PRIMITIVE &&
         alg.type == ASN1_IDENTIFIER && alg.length == sizeof oid && !memcmp(alg.data, oid, sizeof oid) &&
         asn1_der_iterator_next(&alg) == ASN1_ITERATOR_END;
}

/* A private key: OneAsymmetricKey (PKCS #8, RFC 5958) whose privateKey is an OCTET STRING
** holding the 32-byte seed in another OCTET STRING. */
static enum key_read private_key(const uint8_t *der, size_t len, uint8_t priv[SIGN_KEY_LEN])
{
  struct asn1_der_iterator i, seed;
  uint32_t version;
  if (asn1_der_iterator_first(&i, len, der) != ASN1_ITERATOR_CONSTRUCTED || i.type != ASN1_SEQUENCE ||
      asn1_der_decode_constructed_last(&i) != ASN1_ITERATOR_PRIMITIVE || i.type != ASN1_INTEGER ||
      !asn1_der_get_uint32(&i, &version) || version > 1 || asn1_der_iterator_next(&i) != ASN1_ITERATOR_CONSTRUCTED)
    return KEY_BROKEN;
  if (!is_ed25519(&i)) return KEY_NOT_ED25519;
  if (asn1_der_iterator_next(&i) != ASN1_ITERATOR_PRIMITIVE || i.type != ASN1_OCTETSTRING ||
      asn1_der_iterator_first(&seed, i.length, i.data) != ASN1_ITERATOR_PRIMITIVE ||
      seed.type != ASN1_OCTETSTRING || seed.length != SIGN_KEY_LEN || asn1_der_iterator_next(&seed) != ASN1_ITERATOR_END)
    return KEY_BROKEN;
  memcpy(priv, seed.data, SIGN_KEY_LEN);
  return KEY_OK;
}

/* A public key: SubjectPublicKeyInfo whose BIT STRING is the 32-byte key. */
static enum key_read public_key(const uint8_t *der, size_t len, uint8_t pub[SIGN_KEY_LEN])
{
  struct asn1_der_iterator i;
  if (asn1_der_iterator_first(&i, len, der) != ASN1_ITERATOR_CONSTRUCTED || i.type != ASN1_SEQUENCE ||
      asn1_der_decode_constructed_last(&i) != ASN1_ITERATOR_CONSTRUCTED)
    return KEY_BROKEN;
  if (!is_ed25519(&i)) return KEY_NOT_ED25519;
  if (asn1_der_iterator_next(&i) != ASN1_ITERATOR_PRIMITIVE || i.type != ASN1_BITSTRING ||
      i.length != 1 + SIGN_KEY_LEN || i.data[0] != 0 || asn1_der_iterator_next(&i) != ASN1_ITERATOR_END)
    return KEY_BROKEN;
  memcpy(pub, i.data + 1, SIGN_KEY_LEN);
  return KEY_OK;
}

/* Reads the Ed25519 key in the PEM file at path into key: the private key's 32-byte seed,
** or the public key. A private key's bytes are wiped from every buffer they passed through. */
static bool read_key(const char *path, bool private, uint8_t key[SIGN_KEY_LEN], char **why)
{
  size_t len, dlen = 0;
  const char *err;
  char *text = read_file(path, 64 << 10, &len, &err);
  if (!text) return why_printf(why, "kan ikke lese nøkkelfilen %s: %s", path, err);
  uint8_t *der = NULL;
  int found = pem_block(text, private ? "PRIVATE KEY" : "PUBLIC KEY", &der, &dlen);
  bool encrypted = strstr(text, "ENCRYPTED") != NULL;
  bool other = strstr(text, private ? " PRIVATE KEY-----" : " PUBLIC KEY-----") != NULL;
  explicit_bzero(text, len);
  free(text);
  enum key_read r = found <= 0 ? KEY_BROKEN : private ? private_key(der, dlen, key) : public_key(der, dlen, key);
  if (der) explicit_bzero(der, dlen);
  free(der);
  if (r == KEY_OK) return true;
  if (found == 0 && encrypted)
    return why_printf(why, "nøkkelen i %s er kryptert med passord, og norm spør ikke etter passord; dekrypter den "
                      "til en midlertidig fil (openssl pkey -in %s -out /dev/shm/nøkkel.pem) og slett den etterpå", path, path);
  /* "-----BEGIN EC PRIVATE KEY-----" and the like: some other kind of key */
  if (r == KEY_NOT_ED25519 || (found == 0 && other))
    return why_printf(why, "nøkkelen i %s er ikke en Ed25519-nøkkel; norm signerer bare med Ed25519", path);
  if (private)
    return why_printf(why, "%s er ikke en privat nøkkel i PEM-format (lag en med: openssl genpkey -algorithm ed25519 -out nøkkel.pem)", path);
  return why_printf(why, "%s er ikke en offentlig nøkkel i PEM-format (lag den fra den private med: "
                    "openssl pkey -in nøkkel.pem -pubout -out offentlig.pem)", path);
}

static uint64_t payload_len(const uint8_t *d)
{
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = n << 8 | d[12 + i];
  return n;
}

/* Hogweed is loaded the first time a key is read or a signature made or checked. */
static bool hogweed(char **why)
{
  const char *no;
  return hogweed_lib_load(&no) || why_printf(why, "%s", no);
}

bool sign_normc(buf *normc, const char *key_path, char **why)
{
  if (!hogweed(why)) return false;
  const uint8_t *d = (const uint8_t *)normc->data;
  if (normc->len < BC_HEADER_LEN || payload_len(d) != normc->len - BC_HEADER_LEN)
    return why_printf(why, "%s", "regelsettet er allerede signert eller ikke en .normc");
  uint8_t priv[SIGN_KEY_LEN], key[SIGN_KEY_LEN], sig[SIGN_SIG_LEN];
  if (!read_key(key_path, true, priv, why)) return false;
  ed25519_sha512_public_key(key, priv);
  ed25519_sha512_sign(key, priv, normc->len, d, sig);
  explicit_bzero(priv, sizeof priv);
  buf_put(normc, BC_SIG_MAGIC, 8);
  buf_put(normc, key, sizeof key);
  buf_put(normc, sig, sizeof sig);
  return true;
}

bool sign_verify(const uint8_t *data, size_t len, const uint8_t key[SIGN_KEY_LEN], const uint8_t sig[SIGN_SIG_LEN],
                 char **why)
{
  if (!hogweed(why)) return false;
  return ed25519_sha512_verify(key, len, data, sig) == 1 ||
         why_printf(why, "signaturen stemmer ikke: regelsettet er endret etter at det ble signert, eller signaturen er skadet");
}

bool sign_read_public(const char *path, uint8_t key[SIGN_KEY_LEN], char **why)
{
  return hogweed(why) && read_key(path, false, key, why);
}

void sign_key_id(const uint8_t key[SIGN_KEY_LEN], char out[SIGN_ID_LEN + 1])
{
  uint8_t d[32];
  bcf_sha256(key, SIGN_KEY_LEN, d);
  bcf_hex(d, SIGN_ID_LEN / 2, out);
}
