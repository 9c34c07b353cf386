/*
** The streaming JSON writer against jansson: the same strings and numbers must give the
** same bytes (norm-resultat/1 was written by jansson before), nesting gives valid JSON,
** and bytes that are not UTF-8 become U+FFFD instead of losing the key.
*/
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "jsonw.h"

/* A small deterministic generator, so a failure can be reproduced. */
static uint32_t next(uint32_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

/* A random valid UTF-8 string: ASCII with every control character, quotes and
** backslashes, and two-, three- and four-byte sequences. Every other string is mostly
** printable ASCII, so that long plain runs (which the writer takes a word at a time) meet
** the other bytes at every offset. */
static size_t random_utf8(uint32_t *seed, char *out, size_t cap)
{
  static const char *const pieces[] = { "\"", "\\", "/", "\x7f", "ø", "Å", "–", "\xe2\x80\xa8", "😀", "§", " " };
  size_t n = 0, want = next(seed) % 40;
  uint32_t plain = next(seed) % 2 ? 1 : 24;
  for (size_t i = 0; i < want && n + 8 < cap; i++) {
    uint32_t r = next(seed) % (plain + 3);
    if (r == 0) out[n++] = (char)(next(seed) % 0x20);
    else if (r <= plain) out[n++] = (char)(0x20 + next(seed) % 0x5f);
    else {
      const char *p = pieces[next(seed) % (sizeof pieces / sizeof *pieces)];
      memcpy(out + n, p, strlen(p));
      n += strlen(p);
    }
  }
  return n;
}

static void test_strings_as_jansson(void **state)
{
  (void)state;
  uint32_t seed = 2463534242u;
  char s[512];
  for (int round = 0; round < 5000; round++) {
    size_t n = random_utf8(&seed, s, sizeof s);
    json_t *j = json_stringn(s, n);
    assert_non_null(j);
    char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    buf got;
    buf_init(&got);
    jw_escape(&got, s, n);
    assert_string_equal(got.data, want);
    /* plain: exactly the strings that go out as they are, between quotes */
    assert_int_equal(jw_plain(s, n), got.len == n + 2 && !memcmp(got.data + 1, s, n));
    buf_free(&got);
    free(want);
    json_decref(j);
  }
}

static void test_numbers_as_jansson(void **state)
{
  (void)state;
  const double reals[] = { 0.5, 1e20, 1e-5, 123.456, -0.0, 1.0 / 3, 1e300, 2.5e-300, 1.2345678901234567e19, -7.25, 0.1 };
  for (size_t i = 0; i < sizeof reals / sizeof *reals; i++) {
    json_t *j = json_real(reals[i]);
    char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    buf got;
    buf_init(&got);
    jsonw w;
    jw_init(&w, &got);
    jw_real(&w, reals[i]);
    assert_string_equal(got.data, want);
    buf_free(&got);
    free(want);
    json_decref(j);
  }
  buf got;
  buf_init(&got);
  jsonw w;
  jw_init(&w, &got);
  jw_arr(&w);
  jw_int(&w, -9007199254740991LL);
  jw_int(&w, 0);
  jw_int(&w, 7);
  jw_int(&w, 1234567890123LL);
  jw_int(&w, LLONG_MAX);
  jw_int(&w, LLONG_MIN);
  jw_real(&w, NAN);
  jw_real(&w, INFINITY);
  jw_arr_end(&w);
  assert_string_equal(got.data, "[-9007199254740991,0,7,1234567890123,9223372036854775807,-9223372036854775808,null,null]");
  buf_free(&got);
}

static void test_nesting_commas_and_keys(void **state)
{
  (void)state;
  buf got;
  buf_init(&got);
  jsonw w;
  jw_init(&w, &got);
  jw_obj(&w);
  jw_kstr(&w, "a", "x");
  jw_key(&w, "b");
  jw_arr(&w);
  jw_arr_end(&w);
  jw_key(&w, "c");
  jw_obj(&w);
  jw_obj_end(&w);
  jw_key(&w, "d");
  jw_arr(&w);
  jw_obj(&w);
  jw_kint(&w, "e", 1);
  jw_kbool(&w, "f", false);
  jw_obj_end(&w);
  jw_str(&w, NULL);
  jw_raw(&w, "{\"g\":2}", 7);
  jw_arr_end(&w);
  jw_obj_end(&w);
  assert_string_equal(got.data, "{\"a\":\"x\",\"b\":[],\"c\":{},\"d\":[{\"e\":1,\"f\":false},null,{\"g\":2}]}");
  json_error_t e;
  json_t *back = json_loads(got.data, 0, &e);
  assert_non_null(back);
  json_decref(back);
  /* a key that is not a plain name is escaped like any text */
  buf_reset(&got);
  jw_init(&w, &got);
  jw_obj(&w);
  jw_kint(&w, "plain_key9", 1);
  jw_keyn(&w, "a\"b\\c\n", 6);
  jw_int(&w, 2);
  jw_keyn(&w, "s\xc3\xb8k", 4);
  jw_int(&w, 3);
  jw_keyn(&w, "", 0);
  jw_int(&w, 4);
  jw_obj_end(&w);
  assert_string_equal(got.data, "{\"plain_key9\":1,\"a\\\"b\\\\c\\n\":2,\"s\xc3\xb8k\":3,\"\":4}");
  buf_free(&got);
}


static void test_invalid_utf8_is_replaced(void **state)
{
  (void)state;
  buf got;
  buf_init(&got);
  jw_escape(&got, "a\xff" "b\xc3", 4);                   /* a stray byte and a cut-off sequence */
  assert_string_equal(got.data, "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\"");
  buf_reset(&got);
  jw_escape(&got, "\xed\xa0\x80", 3);                    /* a UTF-16 surrogate is not UTF-8 */
  assert_string_equal(got.data, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  buf_reset(&got);                                       /* the same inside runs read a word at a time */
  jw_escape(&got, "abcdefg\xffhijklmn\xc3opqrstuv\xc3\xb8", 26);
  assert_string_equal(got.data, "\"abcdefg\xEF\xBF\xBDhijklmn\xEF\xBF\xBDopqrstuv\xc3\xb8\"");
  assert_false(jw_plain("abcdefghijklmnopq\xff", 18));
  assert_true(jw_plain("abcdefghijklmnopq\xc3\xb8", 19));
  buf_free(&got);
}

int th_jsonw_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_strings_as_jansson),
    cmocka_unit_test(test_numbers_as_jansson),
    cmocka_unit_test(test_nesting_commas_and_keys),
    cmocka_unit_test(test_invalid_utf8_is_replaced),
  };
  return cmocka_run_group_tests_name("json-skriver", tests, NULL, NULL);
}
