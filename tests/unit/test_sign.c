/*
** Signed rule sets (issue 14, item 2): norm compile --sign adds an Ed25519 signature, and
** --trust on check and audit replay accepts only rule sets signed by that key. Keys are made
** with the openssl command, as docs/signering.md tells an editor to.
*/
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define DIR "build/q-signatur"

static void make_keys(void)
{
  char *out = th_runf(0, "rm -rf " DIR " && mkdir -p " DIR " && cd " DIR " && "
                      "openssl genpkey -algorithm ed25519 -out bufdir.pem && openssl pkey -in bufdir.pem -pubout -out bufdir.pub && "
                      "openssl genpkey -algorithm ed25519 -out annen.pem && openssl pkey -in annen.pem -pubout -out annen.pub");
  free(out);
}

static void test_signed_rule_set_round_trips(void **state)
{
  (void)state;
  make_keys();
  char *out = th_runf(0, "%s compile rules -o " DIR "/s.normc --sign " DIR "/bufdir.pem 2>&1 && "
                      "%s compile rules -o " DIR "/u.normc", th_norm(), th_norm());
  assert_non_null(strstr(out, "signert med Ed25519-nøkkelen "));
  free(out);
  /* the identity is the payload's: the same signed or not */
  char *a = th_runf(0, "%s check --format json --rules " DIR "/s.normc --trust " DIR "/bufdir.pub examples/saksmappe-eksempel.json; test $? -le 1",
                    th_norm());
  char *b = th_runf(0, "%s check --format json --rules " DIR "/u.normc examples/saksmappe-eksempel.json; test $? -le 1", th_norm());
  assert_string_equal(a, b);
  assert_non_null(strstr(a, "\"funn\""));
  free(a);
  free(b);
}

/* The signature is plain Ed25519 (RFC 8032) over the unsigned file, so the openssl command,
** given the same key, makes the same trailer byte for byte (Ed25519 is deterministic), and
** norm's own signature verifies with openssl. */
static void test_signature_is_the_one_openssl_makes(void **state)
{
  (void)state;
  char *out = th_runf(0, "cd " DIR " && openssl pkeyutl -sign -inkey bufdir.pem -rawin -in u.normc -out o.sig && "
                      "openssl pkey -in bufdir.pem -pubout -outform DER | tail -c 32 > o.key && "
                      "{ cat u.normc; printf " BC_SIG_MAGIC "; cat o.key o.sig; } > o.normc && cmp o.normc s.normc && "
                      "tail -c 64 s.normc > n.sig && openssl pkeyutl -verify -pubin -inkey bufdir.pub -rawin -in u.normc -sigfile n.sig");
  assert_non_null(strstr(out, "Signature Verified Successfully"));
  free(out);
  /* a key file whose base64 is cut short is no key */
  out = th_runf(2, "head -c 60 " DIR "/bufdir.pem > " DIR "/kort.pem && echo '-----END PRIVATE KEY-----' >> " DIR "/kort.pem && "
                "%s compile rules -o " DIR "/k.normc --sign " DIR "/kort.pem", th_norm());
  assert_non_null(strstr(out, "er ikke en privat nøkkel i PEM-format"));
  free(out);
}

static void test_unsigned_or_other_key_is_refused(void **state)
{
  (void)state;
  char *out = th_runf(2, "%s check --rules " DIR "/u.normc --trust " DIR "/bufdir.pub examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "er ikke signert; bare et regelsett signert med den betrodde nøkkelen"));
  free(out);
  out = th_runf(2, "%s check --rules " DIR "/s.normc --trust " DIR "/annen.pub examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "ikke med den betrodde nøkkelen"));
  free(out);
  out = th_runf(2, "%s check --rules rules --trust " DIR "/bufdir.pub examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "er ikke signert"));
  free(out);
  /* a private key is not a public one, and only Ed25519 signs */
  out = th_runf(2, "%s check --rules " DIR "/s.normc --trust " DIR "/bufdir.pem examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "er ikke en offentlig nøkkel i PEM-format"));
  free(out);
  out = th_runf(2, "openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out " DIR "/ec.pem 2>/dev/null && "
                "%s compile rules -o " DIR "/x.normc --sign " DIR "/ec.pem", th_norm());
  assert_non_null(strstr(out, "er ikke en Ed25519-nøkkel"));
  free(out);
}

/* Changing a signed rule set and recomputing its SHA-256, as anyone can, breaks the
** signature: the file is refused with or without --trust. */
static void test_tampered_signed_rule_set_is_refused(void **state)
{
  (void)state;
  char *bytes = th_slurp(DIR "/s.normc");
  char *plain = th_slurp(DIR "/u.normc");
  FILE *f = fopen(DIR "/u.normc", "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long ulen = ftell(f);
  fclose(f);
  free(plain);
  /* a string in the payload changed, the digest made right again */
  char *hit = NULL;
  for (long i = BC_HEADER_LEN; i + 6 <= ulen && !hit; i++)
    if (!memcmp(bytes + i, "Bufdir", 6)) hit = bytes + i;
  assert_non_null(hit);
  hit[0] = 'X';
  bcf_sha256(bytes + BC_HEADER_LEN, (size_t)ulen - BC_HEADER_LEN, (uint8_t *)bytes + 20);
  f = fopen(DIR "/t.normc", "wb");
  assert_non_null(f);
  fwrite(bytes, 1, (size_t)ulen + BC_SIG_LEN, f);
  fclose(f);
  char *out = th_runf(2, "%s check --rules " DIR "/t.normc examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "signaturen stemmer ikke"));
  free(out);
  /* the signature itself changed */
  hit[0] = 'B';
  bcf_sha256(bytes + BC_HEADER_LEN, (size_t)ulen - BC_HEADER_LEN, (uint8_t *)bytes + 20);
  bytes[ulen + BC_SIG_LEN - 1] ^= 1;
  f = fopen(DIR "/t.normc", "wb");
  fwrite(bytes, 1, (size_t)ulen + BC_SIG_LEN, f);
  fclose(f);
  out = th_runf(2, "%s check --rules " DIR "/t.normc examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "signaturen stemmer ikke"));
  free(out);
  free(bytes);
}

/* The audit record names the key that signed the rule set, in the chain; replay --trust
** uses only rule sets signed by the trusted key. */
static void test_audit_names_the_signer(void **state)
{
  (void)state;
  char *out = th_runf(0, "%s check --rules " DIR "/s.normc --audit " DIR "/logg.db --operator test "
                      "examples/saker/02-oms-spedbarn.json > /dev/null; test $? -le 1 && "
                      "%s audit show " DIR "/logg.db --format json && %s audit verify " DIR "/logg.db",
                      th_norm(), th_norm(), th_norm());
  assert_non_null(strstr(out, "\"signert_av\": \""));
  assert_non_null(strstr(out, "kjeden er hel"));
  free(out);
  /* the signer is in the record's hash: changing it breaks the chain */
  out = th_runf(1, "sqlite3 " DIR "/logg.db \"UPDATE vurdering SET signert_av = '0000000000000000'\" && %s audit verify " DIR "/logg.db",
                th_norm());
  assert_non_null(strstr(out, "brutt"));
  free(out);
  free(th_runf(0, "rm -f " DIR "/logg.db*; %s check --rules " DIR "/s.normc --audit " DIR "/logg.db --operator test "
               "examples/saker/02-oms-spedbarn.json > /dev/null; test $? -le 1", th_norm()));
  out = th_runf(0, "%s audit replay " DIR "/logg.db 1 --case examples/saker --trust " DIR "/bufdir.pub", th_norm());
  assert_non_null(strstr(out, "identisk resultat"));
  free(out);
  out = th_runf(2, "%s audit replay " DIR "/logg.db 1 --case examples/saker --trust " DIR "/annen.pub", th_norm());
  assert_non_null(strstr(out, "ikke med den betrodde nøkkelen"));
  free(out);
}

/* Hogweed (and GMP under it) is loaded only when a signature or a key is read: an unsigned
** rule set never loads it. Where it cannot be loaded (an empty libhogweed.so.6 first on the
** library path stands in for a machine without it), a signed rule set is refused with the
** reason, and an unsigned one is judged as before. */
static void test_hogweed_only_for_signatures(void **state)
{
  (void)state;
  make_keys();
  free(th_runf(0, "%s compile rules -o " DIR "/s.normc --sign " DIR "/bufdir.pem 2>&1 && %s compile rules -o " DIR "/u.normc"
               " && mkdir -p " DIR "/uten && : > " DIR "/uten/libhogweed.so.6", th_norm(), th_norm()));
  static const char check[] = "%s%s check --format json --rules " DIR "/%s.normc examples/saksmappe-eksempel.json 2>&1 >/dev/null";
  char *out = th_runf(1, check, "LD_DEBUG=files ", th_norm(), "u");
  if (!strstr(out, "file=libc.so")) fail_msg("LD_DEBUG=files sa ikke hvilke biblioteker som ble lastet:\n%.400s", out);
  if (strstr(out, "file=libhogweed.so") || strstr(out, "file=libgmp.so")) fail_msg("Hogweed ble lastet for et usignert regelsett");
  free(out);
  out = th_runf(1, check, "LD_DEBUG=files ", th_norm(), "s");
  assert_non_null(strstr(out, "file=libhogweed.so"));
  free(out);
  out = th_runf(1, check, "LD_LIBRARY_PATH=" DIR "/uten ", th_norm(), "u");
  free(out);
  out = th_runf(2, check, "LD_LIBRARY_PATH=" DIR "/uten ", th_norm(), "s");
  assert_non_null(strstr(out, "Nettles Hogweed kan ikke lastes (libhogweed.so.6)"));
  assert_non_null(strstr(out, "Debian-pakken libhogweed6"));
  free(out);
}

int th_sign_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_signed_rule_set_round_trips),
    cmocka_unit_test(test_hogweed_only_for_signatures),
    cmocka_unit_test(test_signature_is_the_one_openssl_makes),
    cmocka_unit_test(test_unsigned_or_other_key_is_refused),
    cmocka_unit_test(test_tampered_signed_rule_set_is_refused),
    cmocka_unit_test(test_audit_names_the_signer),
  };
  return cmocka_run_group_tests_name("signerte regelsett", tests, NULL, NULL);
}
