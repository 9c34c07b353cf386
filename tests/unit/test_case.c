/*
** The case loader: every input error names its JSON path; limits; unknown keys accepted;
** what simdjson would take but the format forbids is refused in jansson's words; the audit
** checksum made from the parsed document is the one audit_case_digest makes.
*/
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "helpers.h"
#include "json_simd.h"

static bc_program prog;

static int setup(void **state)
{
  (void)state;
  th_program("retningslinje X \"T\"\nregel X-EN krav \"En\"\n  krev sann\n", &prog);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  bc_free(&prog);
  return 0;
}

static char *load_errors(const char *json)
{
  ncase c;
  buf errors;
  buf_init(&errors);
  bool ok = case_load(&prog, json, strlen(json), &c, &errors);
  assert_false(ok);
  case_free(&c);
  return buf_take(&errors);
}

/* A reference is checked when the whole case is read, against ids that may come later in
** the document, and its error comes in the schema's order (vedtak before tiltak), not the
** document's: here tiltak comes first, with 20 ids (more than are looked through one by
** one, so they are sorted), and foreldre last, after the consent that points at it. */
/* Every field of r and of the records under it: case_path_in gives what case_path does. */
static size_t same_paths(const bc_program *p, const nrec *r, arena *a)
{
  size_t n = 0;
  for (uint32_t f = 0; f < r->nfields; f++, n++) {
    buf want;
    buf_init(&want);
    case_path(p, r, f, &want);
    assert_string_equal(case_path_in(p, r, f, a), want.data);
    buf_free(&want);
    value v = r->fields[f];
    if (v.tag == V_REC) n += same_paths(p, v.u.rec, a);
    if (v.tag == V_LIST)
      for (uint32_t i = 0; i < v.u.list->n; i++)
        if (v.u.list->items[i].tag == V_REC) n += same_paths(p, v.u.list->items[i].u.rec, a);
  }
  return n;
}

/* same_paths over the case in json (named `name` when it does not load). */
static size_t same_paths_of(const bc_program *p, const char *json, size_t len, const char *name)
{
  ncase c;
  buf errors;
  buf_init(&errors);
  if (!case_load(p, json, len, &c, &errors)) fail_msg("%s: %s", name, errors.data);
  arena a;
  arena_init(&a);
  size_t n = same_paths(p, c.root, &a);
  arena_free(&a);
  case_free(&c);
  buf_free(&errors);
  return n;
}

/* A fact's path made straight in an arena (a result makes one per fact it names) is the one
** case_path writes, for every field of every example case, and for list items numbered
** with one, two and three digits. */
static void test_paths_made_in_place(void **state)
{
  (void)state;
  bc_program p;
  assert_true(fe_load_ruleset("rules", &p, stderr, false));
  char *list = th_runf(0, "ls examples/saker/*.json examples/saksmappe-eksempel.json");
  size_t fields = 0;
  for (char *path = strtok(list, "\n"); path; path = strtok(NULL, "\n")) {
    char *json = th_slurp(path);
    fields += same_paths_of(&p, json, strlen(json), path);
    free(json);
  }
  buf json;
  buf_init(&json);
  buf_puts(&json, "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"tiltak\": [");
  for (int i = 0; i < 120; i++) buf_printf(&json, "%s{\"id\": \"T%d\", \"start\": \"2024-01-01\"}", i ? ", " : "", i);
  buf_puts(&json, "]}");
  fields += same_paths_of(&p, json.data, json.len, "120 tiltak");
  buf_free(&json);
  free(list);
  bc_free(&p);
  assert_true(fields > 1000);
}

static void test_references_in_schema_order(void **state)
{
  (void)state;
  buf json;
  buf_init(&json);
  buf_puts(&json, "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"tiltak\": [");
  for (int i = 0; i < 20; i++) {
    buf_printf(&json, "%s{\"id\": \"T%d\"", i ? ", " : "", i);
    if (i == 3)
      buf_puts(&json, ", \"samtykker\": [{\"fra\": \"F7\", \"dato\": \"2024-01-01\"}, {\"fra\": \"barn\", \"dato\": \"2024-01-01\"},"
                      " {\"fra\": \"F1\", \"dato\": \"2024-01-01\"}]");
    buf_putc(&json, '}');
  }
  buf_puts(&json, "], \"vedtak\": [{\"id\": \"V1\", \"tiltak\": [\"T1\", \"T88\"]}, {\"id\": \"V2\", \"tiltak\": [\"T19\", \"T9x\"]}],"
                  " \"foreldre\": [{\"id\": \"F1\"}]}");
  char *e = load_errors(json.data);
  assert_string_equal(e, "vedtak[0].tiltak[1]: viser til \"T88\", men det finnes ingen slik id i tiltak\n"
                         "vedtak[1].tiltak[1]: viser til \"T9x\", men det finnes ingen slik id i tiltak\n"
                         "tiltak[3].samtykker[0].fra: viser til \"F7\", men det finnes ingen slik id i foreldre\n");
  free(e);
  buf_free(&json);
}

static void test_errors_name_paths(void **state)
{
  (void)state;
  char *e = load_errors("{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"tiltak\": [{\"id\": \"T1\", \"start\": \"15.05.2024\"}]}");
  assert_string_equal(e, "tiltak[0].start: forventet dato (ÅÅÅÅ-MM-DD), fikk \"15.05.2024\"\n");
  free(e);
  e = load_errors("{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"barn\": {\"tolk_behov\": \"ja\"}, \"foreldre\": [{\"id\": \"F1\", \"rolle\": \"onkel\"}]}");
  assert_non_null(strstr(e, "barn.tolk_behov: forventet sann/usann (true eller false), fikk \"ja\"\n"));
  assert_non_null(strstr(e, "foreldre[0].rolle: forventet en av \"mor\", \"far\", \"annen\", fikk \"onkel\"\n"));
  free(e);
  e = load_errors("{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"tiltak\": [{\"id\": \"T1\"}, {\"id\": \"T1\"}],"
                  " \"vedtak\": [{\"id\": \"V1\", \"tiltak\": [\"T9\"]}]}");
  assert_non_null(strstr(e, "tiltak[1].id: id-en \"T1\" er allerede brukt i [0]"));
  assert_non_null(strstr(e, "vedtak[0].tiltak[0]: viser til \"T9\", men det finnes ingen slik id i tiltak"));
  free(e);
}

static void test_format_and_syntax(void **state)
{
  (void)state;
  char *e = load_errors("{\"format\": \"saksmappe/2\", \"sak_id\": \"S\"}");
  assert_string_equal(e, "format: forventet \"saksmappe/1\", fikk \"saksmappe/2\"\n");
  free(e);
  e = load_errors("{\"format\": \"saksmappe/1\",\n \"sak_id\": }");
  assert_non_null(strstr(e, "linje 2, kolonne"));
  free(e);
  e = load_errors("{\"format\": \"saksmappe/1\"}");
  assert_string_equal(e, "sak_id: mangler, men må være med\n");
  free(e);
  e = load_errors("[1, 2]");
  assert_string_equal(e, "(roten): forventet et objekt, fikk en liste\n");
  free(e);
}

static void test_depth_limit_and_unknown_keys(void **state)
{
  (void)state;
  buf deep;
  buf_init(&deep);
  buf_puts(&deep, "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"ekstra\": ");
  for (int i = 0; i < 100; i++) buf_puts(&deep, "[");
  for (int i = 0; i < 100; i++) buf_puts(&deep, "]");
  buf_puts(&deep, "}");
  char *e = load_errors(deep.data);
  assert_non_null(strstr(e, "ekstra: nøstingen er dypere enn"));
  free(e);
  buf_free(&deep);
  const char *ok = "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"fagsystem\": {\"versjon\": 3}}";
  ncase c;
  buf errors;
  buf_init(&errors);
  /* a key the schema does not name is accepted, and nothing else about the case changes */
  assert_true(case_load(&prog, ok, strlen(ok), &c, &errors));
  assert_null(errors.data);
  assert_string_equal(c.sak_id, "S");
  case_free(&c);
  buf_free(&errors);
}

/* simdjson takes duplicate keys, a NUL in a key and integers beyond 64 bits; the format
** (and jansson, whose words are used) does not – also deep inside keys the schema ignores. */
static void test_what_the_format_forbids(void **state)
{
  (void)state;
  static const struct { const char *json, *want; } bad[] = {
    { "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"sak_id\": \"T\"}", "samme nøkkel står to ganger" },
    { "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"x\": {\"a\": 1, \"a\": 2}}", "samme nøkkel står to ganger" },
    { "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"a\\u0000b\": 1}", "NUL-tegn" },
    /* a key twice is named before a wrong or missing format, and a right one twice is no better */
    { "{\"format\": \"x\", \"sak_id\": \"S\", \"sak_id\": \"T\"}", "samme nøkkel står to ganger" },
    { "{\"sak_id\": \"S\", \"sak_id\": \"T\"}", "samme nøkkel står to ganger" },
    { "{\"format\": \"saksmappe/1\", \"format\": \"saksmappe/1\", \"sak_id\": \"S\"}", "samme nøkkel står to ganger" },
    { "{\"a\\u0000b\": 1, \"format\": \"x\"}", "NUL-tegn" },
    { "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"x\": [18446744073709551615]}", "et tall som er for stort" },
    { "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"barn\": {\"tolk_behov\": tru}}", "ugyldig JSON" },
    { "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\"} {}", "mer tekst etter" },
    { "{\"format\": \"saksmappe/1\", \"sak_id\": \"\xff\"}", "ugyldig UTF-8" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char *e = load_errors(bad[i].json);
    if (!strstr(e, bad[i].want)) fail_msg("«%s»: %s", bad[i].json, e);
    if (strncmp(e, "kolonne ", 8)) fail_msg("«%s»: one line, so no «linje»: %s", bad[i].json, e);
    free(e);
  }
  /* a raw NUL byte, in a string or between tokens, is not JSON: refused before any text
  ** is read (case_read looks for NUL in strings only when the text has a \u0000) */
  static const char raw[][48] = { "{\"format\": \"saksmappe/1\", \"sak_id\": \"S#T\"}",
                                  "{\"format\": \"saksmappe/1\",# \"sak_id\": \"S\"}" };
  for (size_t i = 0; i < sizeof raw / sizeof *raw; i++) {
    char json[48];
    size_t n = strlen(raw[i]);
    memcpy(json, raw[i], n + 1);
    *strchr(json, '#') = '\0';
    ncase c;
    buf errors;
    buf_init(&errors);
    assert_false(case_load(&prog, json, n, &c, &errors));
    if (!strstr(errors.data, "ugyldig JSON")) fail_msg("a raw NUL (%zu): %s", i, errors.data);
    case_free(&c);
    buf_free(&errors);
  }
  /* a \u0000 in a text is found wherever it is, among other escapes (which are not it) */
  for (int pad = 0; pad < 20; pad++) {
    buf t;
    buf_init(&t);
    buf_puts(&t, "{\"format\": \"saksmappe/1\", \"sak_id\": \"");
    for (int i = 0; i < pad; i++) buf_puts(&t, i % 3 ? "x" : "\\u00f8");
    buf_puts(&t, "\\u0000\\u00e5\"}");
    char *e = load_errors(t.data);
    if (!strstr(e, "sak_id: teksten inneholder et NUL-tegn")) fail_msg("%s: %s", t.data, e);
    free(e);
    buf_free(&t);
  }
  /* many keys: the duplicate is found by sorting, not by comparing every pair */
  buf many;
  buf_init(&many);
  buf_puts(&many, "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"x\": {");
  for (int i = 0; i < 5000; i++) buf_printf(&many, "\"k%d\": %d, ", i, i);
  buf_puts(&many, "\"k4321\": 0}}");
  char *e = load_errors(many.data);
  assert_non_null(strstr(e, "samme nøkkel står to ganger"));
  free(e);
  buf_free(&many);
}

/* The checksum the audit log records for a case is made from the document the loader
** parsed; it must be the one audit_case_digest makes with jansson, or logs would not verify. */
static void test_digest_as_jansson(void **state)
{
  (void)state;
  static const char *const cases[] = {
    "{\"sak_id\": \"S\", \"format\": \"saksmappe/1\"}",
    "\xEF\xBB\xBF{\"format\": \"saksmappe/1\", \"sak_id\": \"Å\\u00e5\\n\\\"\\/\\u0001\"}",
    ("{\"format\": \"saksmappe/1\", \"z\": [1, -0, 0.5, 1e20, 1.5e-7, -12345678901234, 1E2, 2.50, 123456789012345678],"
    " \"a\": {\"\\u00f8\": null, \"b\": true, \"B\": false, \"\": [], \"ab\": {}}, \"sak_id\": \"S\"}"),
    "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"t\": \"\\ud83d\\ude00 \\u2028\", \"k\": 1e-400}",
  };
  case_reader *rd = case_reader_new(&prog);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    ncase c;
    buf errors;
    buf_init(&errors);
    char mine[65], theirs[65];
    bool ok = case_read(rd, cases[i], strlen(cases[i]), &c, &errors, mine);
    if (!ok) fail_msg("«%s»: %s", cases[i], errors.data);
    assert_true(audit_case_digest(cases[i], strlen(cases[i]), theirs));
    if (strcmp(mine, theirs)) fail_msg("«%s»: %s, not %s", cases[i], mine, theirs);
    case_free(&c);
    buf_free(&errors);
  }
  case_reader_free(rd);
}

/* The loader reads simdjson's tape itself (json_simd.h); every reader there must say what
** simdjson's own API says about the same value, or the loader would read another document
** than the one parsed. Walks the tape and asks both at every value. */
static void same_as_simdjson(const jsd_doc *d, size_t i, int *kinds)
{
  jsd_val v = jsd_at(d, i);
  unsigned tag = jsd_tag(d, i);
  jsd_kind k = jsd_type(v);
  kinds[k]++;
  switch (tag) {
  case 'n': assert_int_equal(k, JSD_NULL); break;
  case 't': case 'f':
    assert_int_equal(k, JSD_BOOL);
    assert_int_equal(jsd_bool(v), tag == 't');
    break;
  case 'l': case 'u': case 'd':
    assert_int_equal(k, tag == 'l' ? JSD_INT : tag == 'u' ? JSD_UINT : JSD_REAL);
    assert_memory_equal(&(double){ jsd_number(d, i) }, &(double){ jsd_num(v) }, sizeof(double));
    break;
  case '"': {
    assert_int_equal(k, JSD_STR);
    uint32_t n;
    size_t m;
    const char *a = jsd_text(d, i, &n), *b = jsd_str(v, &m);
    assert_int_equal(n, m);
    assert_ptr_equal(a, b);
    break;
  }
  case '[': {
    assert_int_equal(k, JSD_ARR);
    size_t n = jsd_count(d, i);
    assert_int_equal(n, jsd_len(v));
    bool small = n < 100;                /* the big one: its count and its end */
    jsd_val *items = small ? calloc(n + 1, sizeof *items) : NULL;
    if (small) jsd_items(v, items);
    size_t j = i + 1, at = 0;
    for (; jsd_tag(d, j) != ']'; j = jsd_after(d, j), at++) {
      assert_true(at < n);
      if (!small) continue;
      assert_int_equal(items[at].index, j);
      same_as_simdjson(d, j, kinds);
    }
    assert_int_equal(at, n);
    assert_int_equal(jsd_after(d, i), j + 1);
    free(items);
    break;
  }
  case '{': {
    assert_int_equal(k, JSD_OBJ);
    size_t n = jsd_count(d, i);
    assert_int_equal(n, jsd_len(v));
    jsd_member *members = calloc(n + 1, sizeof *members);
    jsd_members(v, members);
    size_t j = i + 1, at = 0;
    for (; jsd_tag(d, j) != '}'; j = jsd_after(d, j + 1), at++) {
      assert_true(at < n);
      uint32_t len;
      const char *key = jsd_text(d, j, &len);
      assert_ptr_equal(key, members[at].key);
      assert_int_equal(len, members[at].len);
      assert_int_equal(members[at].val.index, j + 1);
      same_as_simdjson(d, j + 1, kinds);
    }
    assert_int_equal(at, n);
    assert_int_equal(jsd_after(d, i), j + 1);
    free(members);
    break;
  }
  default: fail_msg("tape word %zu has kind %c", i, tag);
  }
}

static void test_tape_as_simdjson_reads_it(void **state)
{
  (void)state;
  static const char *const docs[] = {
    ("{\"a\": [1, -2, 9223372036854775807, -9223372036854775808, 18446744073709551615, 0.5, -1e300, 1e-400],"
     " \"b\": {\"\": \"\", \"\\u00f8\\u0000x\": \"a\\u0000b\\\"\\\\\\n\\ud83d\\ude00\", \"n\": null, \"t\": true, \"f\": false},"
     " \"c\": [[], {}, [[{}]], {\"x\": [null, {\"y\": []}]}], \"d\": \"æøå\"}"),
    "[]", "{}", "\"bare\"", "12", "-3.25", "true", "null",
  };
  jsd_parser *p = jsd_new();
  assert_non_null(p);
  int kinds[JSD_OBJ + 1] = { 0 };
  for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
    jsd_doc d;
    assert_int_equal(jsd_parse(p, docs[i], strlen(docs[i]), &d), JSD_OK);
    same_as_simdjson(&d, JSD_ROOT, kinds);
  }
  for (int k = 0; k <= JSD_OBJ; k++)
    if (!kinds[k]) fail_msg("no value of kind %d was checked", k);
  /* a count of 0xFFFFFF or more is no longer on the tape: counted by walking */
  size_t n = 0xFFFFFF + 2;
  char *big = malloc(2 * n + 2), *w = big;
  *w++ = '[';
  for (size_t i = 0; i < n; i++) *w++ = '0', *w++ = ',';
  w[-1] = ']';
  *w = 0;
  jsd_doc d;
  assert_int_equal(jsd_parse(p, big, (size_t)(w - big), &d), JSD_OK);
  assert_int_equal(jsd_count(&d, JSD_ROOT), n);
  same_as_simdjson(&d, JSD_ROOT, kinds);
  free(big);
  jsd_free(p);
}

int th_case_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tape_as_simdjson_reads_it),
    cmocka_unit_test(test_what_the_format_forbids),
    cmocka_unit_test(test_digest_as_jansson),
    cmocka_unit_test(test_errors_name_paths),
    cmocka_unit_test(test_references_in_schema_order),
    cmocka_unit_test(test_paths_made_in_place),
    cmocka_unit_test(test_format_and_syntax),
    cmocka_unit_test(test_depth_limit_and_unknown_keys),
  };
  return cmocka_run_group_tests_name("saksmapper", tests, setup, teardown);
}
