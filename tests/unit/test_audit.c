/*
** The audit trail: the hash chain (append, verify, each kind of tampering found and
** named), schema-version handling, `norm check --audit` with replay, show and export as a
** supervisor runs them, a batch killed with SIGKILL at random moments, and two processes
** appending to one database at once. Works in build/q-audit/.
*/
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "audit.h"
#include "helpers.h"
#include "norm.h"

#define DIR "build/q-audit"

static void fresh_dir(void)
{
  char *out;
  assert_int_equal(th_run("rm -rf " DIR " && mkdir -p " DIR, &out), 0);
  free(out);
}

static void sql(const char *db, const char *stmt)
{
  sqlite3 *h;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  char *err = NULL;
  if (sqlite3_exec(h, stmt, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", stmt, err);
  sqlite3_close(h);
}

static int64_t count(const char *db, const char *query)
{
  sqlite3 *h;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, query, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

/* A log of n records on a small real rule set, each with its case and result stored. */
static void make_log(const char *path, int n)
{
  buf bytes, diags;
  buf_init(&bytes);
  buf_init(&diags);
  bool ok = th_compile("r.norm", "retningslinje G \"g\"\nregel G-1 krav \"t\"\n  krev sann\n", &bytes, &diags);
  if (!ok) fail_msg("%s", diags.data);
  bc_program p;
  char *why = NULL;
  assert_true(bcf_load((const uint8_t *)bytes.data, bytes.len, &p, &why));
  char *err = NULL;
  audit_db *db = audit_open(path, true, &err);
  if (!db) fail_msg("%s", err);
  assert_true(audit_begin(db));
  assert_true(audit_put_ruleset(db, p.sha256_hex, "r", bytes.data, bytes.len));
  for (int i = 1; i <= n; i++) {
    char sak[64], res_json[64], cd[65], rd[65], id[16];
    snprintf(id, sizeof id, "S-%d", i);
    snprintf(sak, sizeof sak, "{\"sak_id\": \"%s\", \"format\": \"saksmappe/1\"}", id);
    snprintf(res_json, sizeof res_json, "{\"sak_id\":\"%s\"}", id);
    assert_true(audit_case_digest(sak, strlen(sak), cd));
    uint8_t d[32];
    bcf_sha256(res_json, strlen(res_json), d);
    bcf_hex(d, 32, rd);
    audit_record r = { 0, xstrdup("2026-01-02T03:04:05Z"), xstrdup("test"), xstrdup(p.sha256_hex), xstrdup(cd),
                       xstrdup(id), xstrdup("2026-01-02"), xstrdup("kari"),
                       xstrdup("[{\"element\":null,\"regel\":\"G-1\",\"status\":\"oppfylt\"}]"), xstrdup(rd), NULL, NULL, NULL };
    assert_true(audit_append(db, &r, sak, strlen(sak), res_json, strlen(res_json)));
    assert_int_equal(r.seq, i);
    audit_record_free(&r);
  }
  assert_true(audit_commit(db));
  audit_close(db);
  bc_free(&p);
  buf_free(&bytes);
  buf_free(&diags);
}

/* Replay judges through the library (norm_rules_load_normc, norm_judge_case): a record whose
** stored result is not what the rules give is shown byte by byte when the findings agree, and
** a stored case the rule set cannot read is named with every problem, once. */
static void test_replay_through_the_library(void **state)
{
  (void)state;
  fresh_dir();
  const char *path = DIR "/r.db";
  make_log(path, 2);            /* each record's stored result is {"sak_id":…}, not the real one */
  char *err = NULL;
  audit_db *db = audit_open(path, false, &err);
  if (!db) fail_msg("%s", err);
  audit_record r = { 0 };
  assert_true(audit_get(db, 2, &r));
  static const char bad[] = "{\"format\":\"saksmappe/1\",\"sak_id\":\"S-3\",\"barn\":{\"fodselsdato\":\"i går\"}}";
  assert_true(audit_case_digest(bad, strlen(bad), r.case_digest));
  free(r.sak_id);
  r.sak_id = xstrdup("S-3");
  assert_true(audit_begin(db));
  assert_true(audit_append(db, &r, bad, strlen(bad), "{\"sak_id\":\"S-2\"}", 16));   /* the result r names */
  assert_true(audit_commit(db));
  audit_record_free(&r);
  audit_close(db);
  char *out = th_runf(1, "%s audit replay %s 1", th_norm(), path);
  assert_non_null(strstr(out, "post 1 (sak S-1): resultatet er IKKE det samme"));
  assert_non_null(strstr(out, "funnene er de samme; resultatet skiller seg fra det lagrede ved byte 2:"));
  assert_non_null(strstr(out, "nå:     …{\"format\":\"norm-resultat/1\",\"sak_id\":\"S-1\""));
  free(out);
  out = th_runf(2, "%s audit replay %s 3", th_norm(), path);
  assert_string_equal(out, "post 3: saken kan ikke leses med det lagrede regelsettet:\n"
                           "barn.fodselsdato: forventet dato (ÅÅÅÅ-MM-DD), fikk \"i går\"\n");
  free(out);
  out = th_runf(2, "%s audit replay %s --alle", th_norm(), path);
  assert_non_null(strstr(out, "3 poster etterprøvd: 0 identiske, 2 ulike, 1 kunne ikke etterprøves"));
  free(out);
}

/* SQLite is loaded only when an audit log is opened. Where it cannot be loaded (an empty
** libsqlite3.so.0 first on the library path), --audit is refused before anything is judged
** or shown, and without --audit the cases are judged as before. */
static void test_sqlite_only_for_the_log(void **state)
{
  (void)state;
  fresh_dir();
  free(th_runf(0, "mkdir -p " DIR "/uten && : > " DIR "/uten/libsqlite3.so.0"));
  char *out = th_runf(1, "LD_DEBUG=files %s check --format json examples/saksmappe-eksempel.json 2>&1 >/dev/null", th_norm());
  if (!strstr(out, "file=libc.so")) fail_msg("LD_DEBUG=files sa ikke hvilke biblioteker som ble lastet:\n%.400s", out);
  if (strstr(out, "file=libsqlite3.so")) fail_msg("SQLite ble lastet uten revisjonslogg");
  free(out);
  out = th_runf(1, "LD_DEBUG=files %s check --format json --audit " DIR "/l.db --operator t examples/saksmappe-eksempel.json "
                "2>&1 >/dev/null", th_norm());
  assert_non_null(strstr(out, "file=libsqlite3.so"));
  free(out);
  out = th_runf(2, "LD_LIBRARY_PATH=" DIR "/uten %s check --format json --audit " DIR "/m.db --operator t "
                "examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "SQLite kan ikke lastes (libsqlite3.so.0)"));
  assert_non_null(strstr(out, "revisjonsloggen trenger SQLite (Debian-pakken libsqlite3-0)"));
  assert_null(strstr(out, "\"funn\""));                          /* nothing shown unrecorded */
  free(out);
  out = th_runf(1, "LD_LIBRARY_PATH=" DIR "/uten %s check --format json examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "\"funn\""));
  free(out);
}

/* The log as the library reads it (norm.h): the same verdict, records, stored rule set and
** case as the engine wrote, the digests a record names made again from the bytes, nothing
** found where there is nothing, and a changed record found by verify. */
static void test_reading_the_log_through_the_library(void **state)
{
  (void)state;
  fresh_dir();
  const char *path = DIR "/les.db";
  make_log(path, 3);
  norm_audit_log *l;
  norm_error err;
  assert_int_equal(norm_audit_log_open(DIR "/finnes-ikke.db", &l, &err), NORM_ERR_AUDIT);
  assert_string_equal(err.message, "filen finnes ikke");
  assert_int_equal(norm_audit_log_open(path, &l, &err), NORM_OK);
  norm_audit_check c;
  assert_int_equal(norm_audit_log_verify(l, &c, &err), NORM_OK);
  assert_true(c.whole);
  assert_int_equal(c.count, 3);
  assert_string_equal(c.why, "");
  norm_audit_entry e;
  bool found;
  assert_int_equal(norm_audit_log_get(l, 3, &e, &found, &err), NORM_OK);
  assert_true(found);
  assert_string_equal(e.hash, c.head);
  assert_string_equal(e.sak_id, "S-3");
  assert_int_equal(norm_audit_log_get(l, 9, &e, &found, &err), NORM_OK);
  assert_false(found);
  assert_int_equal(norm_audit_log_get(l, 1, &e, &found, &err), NORM_OK);
  assert_true(found);
  assert_int_equal(e.seq, 1);
  assert_string_equal(e.date, "2026-01-02");
  assert_string_equal(e.operator_name, "kari");
  assert_string_equal(e.signer, "");
  /* the rule set the record names, loaded as the log keeps it */
  norm_buffer normc = { 0 };
  assert_int_equal(norm_audit_log_rules(l, e.rules_digest, &normc, &found, &err), NORM_OK);
  assert_true(found);
  norm_rules *r;
  assert_int_equal(norm_rules_load_normc(normc.data, normc.len, &r, &err), NORM_OK);
  assert_string_equal(norm_rules_digest(r), e.rules_digest);
  norm_rules_free(r);
  norm_buffer_free(&normc);
  assert_int_equal(norm_audit_log_rules(l, "ab", &normc, &found, &err), NORM_OK);
  assert_false(found);
  /* the case and result, and the digests of them that the record names */
  norm_buffer sak = { 0 }, res = { 0 };
  assert_int_equal(norm_audit_log_stored(l, 1, &sak, &res, &found, &err), NORM_OK);
  assert_true(found);
  char d[65];
  assert_true(norm_case_digest(sak.data, sak.len, d));
  assert_string_equal(d, e.case_digest);
  norm_digest(res.data, res.len, d);
  assert_string_equal(d, e.result_digest);
  assert_false(norm_case_digest("{ikke json", 10, d));
  norm_buffer_free(&sak);
  norm_buffer_free(&res);
  assert_int_equal(norm_audit_log_stored(l, 7, &sak, &res, &found, &err), NORM_OK);
  assert_false(found);
  norm_audit_log_close(l);
  /* a record changed behind the chain's back */
  free(th_runf(0, "sqlite3 %s \"UPDATE vurdering SET operator = 'ola' WHERE seq = 2\"", path));
  assert_int_equal(norm_audit_log_open(path, &l, &err), NORM_OK);
  assert_int_equal(norm_audit_log_verify(l, &c, &err), NORM_OK);
  assert_false(c.whole);
  assert_int_equal(c.broken_at, 2);
  assert_non_null(strstr(c.why, "endret"));
  norm_audit_log_close(l);
}

static audit_check verify(const char *path)
{
  char *err = NULL;
  audit_db *db = audit_open(path, false, &err);
  if (!db) fail_msg("%s", err);
  audit_check c;
  assert_true(audit_verify(db, &c));
  audit_close(db);
  return c;
}

static void test_chain_links_every_record(void **state)
{
  (void)state;
  fresh_dir();
  make_log(DIR "/kjede.db", 5);
  audit_check c = verify(DIR "/kjede.db");
  assert_true(c.ok);
  assert_int_equal(c.count, 5);
  char *err = NULL;
  audit_db *db = audit_open(DIR "/kjede.db", false, &err);
  assert_non_null(db);
  char prev[65] = AUDIT_GENESIS, h[65];
  for (int64_t s = 1; s <= 5; s++) {
    audit_record r = { 0 };
    assert_true(audit_get(db, s, &r));
    assert_string_equal(r.prev, prev);
    audit_hash(&r, h);
    assert_string_equal(h, r.hash);
    snprintf(prev, sizeof prev, "%s", r.hash);
    audit_record_free(&r);
  }
  assert_string_equal(c.head, prev);
  audit_record none = { 0 };
  assert_false(audit_get(db, 6, &none));
  audit_close(db);
  /* A second writer continues the chain where it ends. */
  make_log(DIR "/kjede.db", 0);
  c = verify(DIR "/kjede.db");
  assert_true(c.ok);
  assert_int_equal(c.count, 5);
}

static void test_each_tampering_is_found_and_named(void **state)
{
  (void)state;
  static const struct { const char *sql; int64_t bad; const char *why; } cases[] = {
    { "UPDATE vurdering SET funn = '[]' WHERE seq = 3", 3, "innholdet i posten er endret" },
    { "UPDATE vurdering SET sak_id = 'S-9' WHERE seq = 2", 2, "innholdet i posten er endret" },
    { "UPDATE vurdering SET tid = '2025-01-02T03:04:05Z' WHERE seq = 5", 5, "innholdet i posten er endret" },
    { "DELETE FROM vurdering WHERE seq = 3", 4, "en post er slettet, satt inn eller flyttet" },
    { "DELETE FROM vurdering WHERE seq = 1", 2, "neste i kjeden skulle vært 1" },
    { "UPDATE vurdering SET seq = -2 WHERE seq = 2; UPDATE vurdering SET seq = 2 WHERE seq = 3;"
      "UPDATE vurdering SET seq = 3 WHERE seq = -2", 2, "peker ikke på posten før den" },
    { "UPDATE vurdering SET seq = seq + 100 WHERE seq >= 3; UPDATE vurdering SET seq = seq - 99 WHERE seq > 100;"
      "INSERT INTO vurdering SELECT 3, tid, norm_versjon, regelsett_sha256, sak_sha256, 'S-X', vurderingsdato,"
      " operator, funn, resultat_sha256, forrige_hash, hash, signert_av FROM vurdering WHERE seq = 2", 3, "" },
    { "UPDATE vurdering SET hash = (SELECT hash FROM vurdering WHERE seq = 1) WHERE seq = 4", 4, "innholdet" },
    { "UPDATE vurdering_data SET resultat = CAST('{\"sak_id\":\"S-8\"}' AS BLOB) WHERE seq = 2", 2, "det lagrede resultatet" },
    { "UPDATE vurdering_data SET sak = CAST('{}' AS BLOB) WHERE seq = 4", 4, "den lagrede saken" },
    { "UPDATE regelsett SET normc = zeroblob(100)", 0, "kan ikke leses" },
    { "DELETE FROM regelsett", 1, "er ikke lagret" },
    { "INSERT INTO vurdering_data VALUES (99, x'00', x'00')", 99, "posten finnes ikke" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    fresh_dir();
    make_log(DIR "/t.db", 5);
    sql(DIR "/t.db", cases[i].sql);
    audit_check c = verify(DIR "/t.db");
    if (c.ok) fail_msg("not found: %s", cases[i].sql);
    if (c.bad != cases[i].bad || !strstr(c.why, cases[i].why))
      fail_msg("%s\nnamed post %lld: %s", cases[i].sql, (long long)c.bad, c.why);
    free(c.why);
  }
  /* Removing the last records leaves a shorter, valid chain: only the head kept elsewhere
  ** shows it (norm audit verify --head). */
  fresh_dir();
  make_log(DIR "/t.db", 5);
  audit_check before = verify(DIR "/t.db");
  sql(DIR "/t.db", "DELETE FROM vurdering WHERE seq = 5; DELETE FROM vurdering_data WHERE seq = 5");
  audit_check after = verify(DIR "/t.db");
  assert_true(after.ok);
  assert_string_not_equal(before.head, after.head);
  /* A stored case may be erased (data protection) without breaking the chain. */
  sql(DIR "/t.db", "DELETE FROM vurdering_data WHERE seq = 2");
  audit_check erased = verify(DIR "/t.db");
  assert_true(erased.ok);
  assert_int_equal(erased.count, 4);
}

static void test_schema_versions(void **state)
{
  (void)state;
  fresh_dir();
  make_log(DIR "/v.db", 1);
  assert_int_equal(count(DIR "/v.db", "PRAGMA user_version"), AUDIT_SCHEMA);
  assert_int_equal(count(DIR "/v.db", "PRAGMA application_id"), AUDIT_APP_ID);
  /* a log of schema 1 (before signert_av) is read as it is, and upgraded when written to;
  ** its records keep verifying, and so do those appended after the upgrade */
  sql(DIR "/v.db", "ALTER TABLE vurdering DROP COLUMN signert_av; PRAGMA user_version = 1");
  char *err = NULL;
  audit_db *db = audit_open(DIR "/v.db", false, &err);
  assert_non_null(db);
  audit_check chk;
  assert_true(audit_verify(db, &chk) && chk.ok && chk.count == 1);
  free(chk.why);
  audit_close(db);
  assert_int_equal(count(DIR "/v.db", "PRAGMA user_version"), 1);
  char *out = th_runf(0, "%s check --rules rules --audit " DIR "/v.db --operator t examples/saker/02-oms-spedbarn.json > /dev/null; "
                      "test $? -le 1 && %s audit verify " DIR "/v.db", th_norm(), th_norm());
  assert_non_null(strstr(out, "kjeden er hel: 2 poster"));
  free(out);
  assert_int_equal(count(DIR "/v.db", "PRAGMA user_version"), 2);
  sql(DIR "/v.db", "PRAGMA user_version = 3");
  assert_null(audit_open(DIR "/v.db", true, &err));
  assert_non_null(strstr(err, "skjemaversjon 3; denne versjonen av norm leser versjon 1 og 2"));
  free(err);
  sql(DIR "/v.db", "PRAGMA user_version = 1; PRAGMA application_id = 7");
  assert_null(audit_open(DIR "/v.db", true, &err));
  assert_non_null(strstr(err, "ikke en revisjonslogg fra norm"));
  free(err);
  assert_null(audit_open(DIR "/finnes-ikke.db", false, &err));
  free(err);
  sql(DIR "/tom.db", "CREATE TABLE x (a); DROP TABLE x");
  assert_null(audit_open(DIR "/tom.db", false, &err));
  assert_non_null(strstr(err, "databasen er tom"));
  free(err);
  FILE *f = fopen(DIR "/tekst.db", "w");
  fputs("dette er ikke en database, men en tekstfil som er lang nok til å ha en topptekst\n", f);
  fclose(f);
  assert_null(audit_open(DIR "/tekst.db", true, &err));
  assert_non_null(strstr(err, "filen er ikke en SQLite-database"));           /* not SQLite's English */
  free(err);
}

static size_t lines_in(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = 0;
  int c;
  while ((c = fgetc(f)) != EOF) n += c == '\n';
  fclose(f);
  return n;
}

static void test_check_audit_replay_show_export(void **state)
{
  (void)state;
  fresh_dir();
  const char *db = DIR "/logg.db";
  char *out = th_runf(0, "(%s check --format json --audit %s --audit-store-case --operator kari examples/saker/ >"
                  DIR "/ut.ndjson; test $? = 1)", th_norm(), db);
  assert_int_equal(lines_in(DIR "/ut.ndjson"), 47);
  assert_non_null(strstr(out, "47 vurderinger skrevet til revisjonsloggen build/q-audit/logg.db (post 1–47)"));
  free(out);
  /* Data minimisation by default: this case is recorded by digest only. */
  /* Who judged must be known: with no --operator, $NORM_OPERATOR, $USER or $LOGNAME, nothing is judged. */
  out = th_runf(2, "env -u NORM_OPERATOR -u USER -u LOGNAME %s check --audit %s examples/saksmappe-eksempel.json", th_norm(), db);
  assert_non_null(strstr(out, "oppgi --operator NAVN"));
  assert_null(strstr(out, "2024-0193"));
  free(out);
  free(th_runf(2, "%s check --audit '' examples/saksmappe-eksempel.json", th_norm()));
  assert_int_equal(count(db, "SELECT count(*) FROM vurdering"), 47);
  free(th_runf(1, "NORM_OPERATOR=ola %s check --audit %s examples/saksmappe-eksempel.json > /dev/null", th_norm(), db));
  assert_int_equal(count(db, "SELECT count(*) FROM vurdering"), 48);
  assert_int_equal(count(db, "SELECT count(*) FROM vurdering_data"), 47);
  assert_int_equal(count(db, "SELECT count(*) FROM regelsett"), 1);
  assert_int_equal(count(db, "SELECT count(*) FROM vurdering WHERE sak_id = '2024-0193' AND operator = 'ola'"), 1);

  out = th_runf(0, "%s audit verify %s", th_norm(), db);
  assert_non_null(strstr(out, "kjeden er hel: 48 poster, kjedehode "));
  char head[65];
  assert_int_equal(sscanf(strstr(out, "kjedehode ") + 10, "%64s", head), 1);
  free(out);

  out = th_runf(2, "%s audit replay %s --alle", th_norm(), db);
  assert_non_null(strstr(out, "48 poster etterprøvd: 47 identiske, 0 ulike, 1 kunne ikke etterprøves"));
  assert_non_null(strstr(out, "post 48: saken er ikke lagret i revisjonsloggen"));
  free(out);
  out = th_runf(0, "%s audit replay %s 48 --case examples/saksmappe-eksempel.json", th_norm(), db);
  assert_non_null(strstr(out, "post 48 (sak 2024-0193): identisk resultat"));
  free(out);
  out = th_runf(2, "%s audit replay %s 48 --case examples/saker/01-oms-fullstendig.json", th_norm(), db);
  assert_non_null(strstr(out, "avvises"));
  free(out);
  out = th_runf(0, "%s audit replay %s --alle --case examples/ --case examples/saker", th_norm(), db);   /* found by digest */
  assert_non_null(strstr(out, "48 poster etterprøvd: 48 identiske"));
  free(out);

  out = th_runf(0, "%s audit show %s --sak EKS-005", th_norm(), db);
  assert_non_null(strstr(out, "EKS-005"));
  assert_null(strstr(out, "EKS-006"));
  free(out);
  out = th_runf(0, "%s audit show %s --regel OMS-VARIGHET --status avvik --format json", th_norm(), db);
  json_error_t je;
  json_t *shown = json_loads(out, 0, &je);
  assert_non_null(shown);
  assert_true(json_array_size(shown) >= 1);
  free(out);
  json_decref(shown);

  out = th_runf(0, "(%s audit export %s --format json 2>/dev/null)", th_norm(), db);
  json_t *doc = json_loads(out, 0, &je);
  assert_non_null(doc);
  assert_int_equal(json_integer_value(json_object_get(doc, "antall")), 48);
  assert_string_equal(json_string_value(json_object_get(doc, "kjedehode")), head);
  json_t *last = json_array_get(json_object_get(doc, "poster"), 47);
  assert_string_equal(json_string_value(json_object_get(last, "hash")), head);
  size_t findings = 0, k;
  json_t *post;
  json_array_foreach(json_object_get(doc, "poster"), k, post) findings += json_array_size(json_object_get(post, "funn"));
  assert_true(findings > 48);
  json_decref(doc);
  free(out);
  out = th_runf(0, "(%s audit export %s --format csv >" DIR "/eksport.csv)", th_norm(), db);
  assert_non_null(strstr(out, head));
  free(out);
  /* one row per finding, every row with the same 14 columns, rule and status in their own */
  assert_int_equal(lines_in(DIR "/eksport.csv"), (int)findings + 1);
  char *csv = th_slurp(DIR "/eksport.csv");
  assert_non_null(strstr(csv, "operator,regel,element,status,resultat_sha256"));
  assert_non_null(strstr(csv, "\"OMS-EVALUERING\",\"T1\",\"oppfylt\""));
  for (char *line = csv; *line;) {
    char *nl = strchr(line, '\n');
    int commas = 0;
    for (char *q = line; q < nl; q++) commas += *q == ',';
    assert_int_equal(commas, 13);
    line = nl + 1;
  }
  free(csv);

  /* A recorded result that the rules do not give (as from a faulty older norm): replay says so. */
  char *err = NULL;
  audit_db *h = audit_open(db, false, &err);
  assert_non_null(h);
  audit_record r = { 0 };
  assert_true(audit_get(h, 1, &r));
  buf sak, res;
  buf_init(&sak);
  buf_init(&res);
  assert_true(audit_stored(h, 1, &sak, &res));
  static const char plan_ok[] = "\"regel\":\"OMS-PLAN\",\"status\":\"oppfylt\"";
  char *at = strstr(r.findings, plan_ok);
  assert_non_null(at);
  buf forged;
  buf_init(&forged);
  buf_printf(&forged, "%.*s", (int)(at - r.findings), r.findings);   /* (buf_put: GCC's LTO saw a length it could not bound) */
  buf_puts(&forged, "\"regel\":\"OMS-PLAN\",\"status\":\"brudd\"");
  buf_puts(&forged, at + strlen(plan_ok));
  free(r.findings);
  r.findings = buf_take(&forged);
  /* Its stored result says brudd too, and the record carries that result's digest. */
  buf_putc(&res, 0);
  at = strstr(res.data, "\"status\":\"oppfylt\"");
  assert_non_null(at);
  buf forged_result;
  buf_init(&forged_result);
  buf_put(&forged_result, res.data, (size_t)(at - res.data));
  buf_puts(&forged_result, "\"status\":\"brudd\"");
  buf_puts(&forged_result, at + strlen("\"status\":\"oppfylt\""));
  uint8_t d[32];
  bcf_sha256(forged_result.data, forged_result.len, d);
  bcf_hex(d, 32, r.result_digest);
  assert_true(audit_begin(h));
  assert_true(audit_append(h, &r, sak.data, sak.len, forged_result.data, forged_result.len));
  buf_free(&forged_result);
  assert_true(audit_commit(h));
  audit_record_free(&r);
  buf_free(&sak);
  buf_free(&res);
  audit_close(h);
  out = th_runf(1, "%s audit replay %s 49", th_norm(), db);
  assert_non_null(strstr(out, "post 49 (sak EKS-001): resultatet er IKKE det samme"));
  assert_non_null(strstr(out, "OMS-PLAN: lagret brudd, nå oppfylt"));
  free(out);

  /* The head exported earlier is still in the chain; one that never was, is not. */
  out = th_runf(0, "%s audit verify %s --head %s", th_norm(), db, head);
  assert_non_null(strstr(out, "er post 48; 1 post er skrevet etter det"));
  free(out);
  out = th_runf(1, "%s audit verify %s --head 00ff", th_norm(), db);
  assert_non_null(strstr(out, "kjeden er brutt: kjedehodet 00ff finnes ikke i kjeden"));
  assert_null(strstr(out, "kjeden er hel"));
  free(out);
  const char *subs[] = { "verify", "show", "replay", "export" };
  for (size_t i = 0; i < 4; i++) {
    out = th_runf(0, "%s audit %s --help", th_norm(), subs[i]);
    char want[64];
    snprintf(want, sizeof want, "Bruk: norm audit %s FIL.db", subs[i]);
    assert_non_null(strstr(out, want));
    free(out);
  }

  /* One byte of one record changed with the sqlite3 shell: verify names that record. */
  out = th_runf(0, "sqlite3 %s \"UPDATE vurdering SET resultat_sha256 = (CASE WHEN substr(resultat_sha256, 1, 1) = 'f' THEN 'e' ELSE 'f' END) || substr(resultat_sha256, 2) WHERE seq = 7\"", db);
  free(out);
  out = th_runf(1, "%s audit verify %s", th_norm(), db);
  assert_non_null(strstr(out, "kjeden er brutt ved post 7: innholdet i posten er endret"));
  free(out);
  /* show and replay check the chain first: what follows the break is marked, or not replayed */
  out = th_runf(1, "%s audit show %s", th_norm(), db);
  assert_non_null(strstr(out, "ADVARSEL: kjeden er brutt ved post 7"));
  assert_non_null(strstr(out, "\n6 "));
  assert_non_null(strstr(out, "\n!7 "));
  assert_non_null(strstr(out, "\n!49 "));
  free(out);
  out = th_runf(1, "%s audit show %s --format json 2>/dev/null", th_norm(), db);
  assert_non_null(strstr(out, "\"etter_brudd\": true"));
  assert_non_null(strstr(out, "\"etter_brudd\": false"));
  free(out);
  out = th_runf(1, "%s audit replay %s 8 --case examples/saker", th_norm(), db);
  assert_non_null(strstr(out, "post 8: etterprøves ikke: den står etter bruddet i kjeden"));
  assert_null(strstr(out, "identisk"));
  free(out);
  out = th_runf(0, "%s audit replay %s 6 --case examples/saker", th_norm(), db);
  assert_non_null(strstr(out, "post 6 (sak EKS-006): identisk resultat"));
  free(out);
}

/* Starts norm with stdout to `out`; returns its pid. `out` is emptied here, before the
** fork, so a kill that lands before the child has run never leaves the last run's lines. */
static pid_t spawn(char *const argv[], const char *out)
{
  int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  assert_true(o >= 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    FILE *e = freopen("/dev/null", "w", stderr);
    if (dup2(o, STDOUT_FILENO) < 0 || !e) _exit(127);
    execv(argv[0], argv);
    _exit(127);
  }
  close(o);
  return pid;
}

/* A batch of many cases: the corpus, twenty times. */
static void make_batch(const char *path)
{
  char cmd[512], *out;
  snprintf(cmd, sizeof cmd, "for i in $(seq 20); do for f in examples/saker/*.json; do tr -d '\\n' < $f; echo; done; done > %s", path);
  assert_int_equal(th_run(cmd, &out), 0);
  free(out);
}

/* norm check --audit on a log that starts refusing records midway (a trigger, as a full
** disk would): the results of the batches committed before are shown, none after; one
** message says so; the chain up to there verifies, and the exit status is 2. */
static void test_check_when_the_log_fails_midway(void **state)
{
  (void)state;
  fresh_dir();
  make_batch(DIR "/batch.ndjson");
  const char *db = DIR "/svikter.db";
  char *out;
  int st = th_run("head -n 1 " DIR "/batch.ndjson > " DIR "/en.ndjson", &out);
  free(out);
  assert_int_equal(st, 0);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s check --format json --audit %s --operator t " DIR "/en.ndjson > /dev/null", th_norm(), db);
  st = th_run(cmd, &out);
  if (st > 1) fail_msg("%s: %s", cmd, out);
  free(out);
  sql(db, "CREATE TRIGGER stopp BEFORE INSERT ON vurdering WHEN NEW.seq > 100 BEGIN SELECT RAISE(ABORT, 'full'); END;");
  /* records 2–65 are the first batch of 64; the second (66–129) fails at 101 and is not kept */
  free(th_runf(2, "%s check --format json --audit %s --operator t " DIR "/batch.ndjson > " DIR "/ut.ndjson 2> " DIR "/feil.txt",
               th_norm(), db));
  char *shown = th_slurp(DIR "/ut.ndjson"), *said = th_slurp(DIR "/feil.txt");
  size_t lines = 0;
  for (const char *c = shown; *c; c++) lines += *c == '\n';
  assert_int_equal(lines, 64);
  const char *msg = strstr(said, "er ikke lagret og vises ikke");
  if (!msg) fail_msg("ingen melding om resultatene som ikke er lagret:\n%s", said);
  assert_null(strstr(msg + 1, "er ikke lagret og vises ikke"));
  audit_check c = verify(db);
  assert_true(c.ok);
  assert_int_equal(c.count, 65);
  free(c.why);
  free(shown);
  free(said);
}

static void test_kill_9_leaves_a_valid_chain(void **state)
{
  (void)state;
  fresh_dir();
  make_batch(DIR "/batch.ndjson");
  const char *db = DIR "/krasj.db";
  char norm[256];
  snprintf(norm, sizeof norm, "%s", th_norm());
  char *argv[] = { norm, "check", "--format", "json", "--audit", (char *)db, "--operator", "k", "--audit-store-case",
                   DIR "/batch.ndjson", NULL };
  /* A whole run first, to learn how long one takes on this machine; the kills land at
  ** random moments inside that span. What is checked does not depend on where they land. */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t first = spawn(argv, DIR "/ut.ndjson");
  int st;
  waitpid(first, &st, 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long span = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000 + 1;
  assert_int_equal(verify(db).count, 940);
  srand(20261122);
  int64_t before = 940;
  for (int attempt = 0; attempt < 10; attempt++) {
    pid_t pid = spawn(argv, DIR "/ut.ndjson");
    usleep(attempt == 0 ? 0 : (useconds_t)(rand() % span)); /* the first before norm has started */
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    audit_check c = verify(db);
    if (!c.ok) fail_msg("after kill -9 (attempt %d): post %lld: %s", attempt, (long long)c.bad, c.why);
    /* Every result printed before the kill has its record; nothing is half-written. */
    int64_t now = c.count;
    assert_true((int64_t)lines_in(DIR "/ut.ndjson") <= now - before);
    assert_int_equal(count(db, "SELECT count(*) FROM vurdering_data"), now);
    assert_int_equal(count(db, "SELECT count(*) FROM vurdering WHERE seq NOT IN (SELECT seq FROM vurdering_data)"), 0);
    before = now;
  }
  /* And the log is still good for a full run after all that. */
  pid_t pid = spawn(argv, DIR "/ut.ndjson");
  waitpid(pid, &st, 0);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) <= 1);
  audit_check c = verify(db);
  assert_true(c.ok);
  assert_int_equal(c.count, before + 940);
  assert_int_equal(lines_in(DIR "/ut.ndjson"), 940);
}

static void test_two_writers_one_chain(void **state)
{
  (void)state;
  fresh_dir();
  make_batch(DIR "/batch.ndjson");
  const char *db = DIR "/samtidig.db";
  char norm[256];
  snprintf(norm, sizeof norm, "%s", th_norm());
  char *a[] = { norm, "check", "--format", "json", "--audit", (char *)db, "--operator", "a", DIR "/batch.ndjson", NULL };
  char *b[] = { norm, "check", "--format", "json", "--audit", (char *)db, "--operator", "b", DIR "/batch.ndjson", NULL };
  pid_t pa = spawn(a, DIR "/a.ndjson"), pb = spawn(b, DIR "/b.ndjson");
  int sa, sb;
  waitpid(pa, &sa, 0);
  waitpid(pb, &sb, 0);
  assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) <= 1);
  assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) <= 1);
  audit_check c = verify(db);
  if (!c.ok) fail_msg("post %lld: %s", (long long)c.bad, c.why);
  assert_int_equal(c.count, 1880);
  assert_int_equal(count(db, "SELECT count(*) FROM vurdering WHERE operator = 'a'"), 940);
  assert_int_equal(count(db, "SELECT count(*) FROM vurdering WHERE operator = 'b'"), 940);
  assert_int_equal(count(db, "SELECT count(DISTINCT sak_id) FROM vurdering"), 47);
}

/* ---- a log that fails while judges on several threads wait for it ---- */

#define FAIL_THREADS 4
#define FAIL_ROUNDS 150

typedef struct {
  const norm_rules *rules;
  norm_audit *audit;
  const char *json;
  size_t len;
  int ok, refused, other;      /* answers: recorded, refused by the log, anything else */
  bool ok_after_refusal;       /* a recorded answer after this thread had a refusal */
  volatile int *started;       /* decisions recorded, over all threads */
} fail_worker;

static void *judge_until_done(void *arg)
{
  fail_worker *w = arg;
  norm_judge *j = norm_judge_new(w->rules);
  if (!j) return NULL;
  norm_options o = { .date = "2024-10-01", .format = NORM_FORMAT_COMPACT, .audit = w->audit };
  for (int i = 0; i < FAIL_ROUNDS; i++) {
    norm_result r;
    norm_error e;
    norm_status st = norm_judge_case(j, w->json, w->len, &o, &r, &e);
    if (st == NORM_OK) {
      w->ok++;
      if (w->refused) w->ok_after_refusal = true;
      __atomic_add_fetch(w->started, 1, __ATOMIC_RELAXED);
    } else if (st == NORM_ERR_AUDIT) {
      w->refused++;
    } else {
      w->other++;
    }
  }
  norm_judge_free(j);
  return NULL;
}

/* In a child process: judges on FAIL_THREADS threads record into one log; once some
** decisions are in, the file may no longer grow (RLIMIT_FSIZE), so a commit fails while
** others wait for it. Every judge must then be told NORM_ERR_AUDIT from then on, none may
** be answered without its record, and nothing may touch a waiter's memory after it has
** returned (the queue once kept waiters that had left; AddressSanitizer sees such use).
** Exit status 0 when all held, and the count of recorded answers in DIR/svar.txt. */
static int fail_while_waiting(const char *db)
{
  signal(SIGXFSZ, SIG_IGN);          /* a write past the limit fails with EFBIG instead */
  norm_rules *rules;
  norm_audit *audit;
  norm_error e;
  if (norm_rules_load("rules", &rules, &e) != NORM_OK) return 10;
  if (norm_audit_open(db, "test", &audit, &e) != NORM_OK) return 11;
  char *json = th_slurp("examples/saksmappe-eksempel.json");
  size_t len = strlen(json);
  volatile int started = 0;
  fail_worker w[FAIL_THREADS];
  pthread_t t[FAIL_THREADS];
  for (int i = 0; i < FAIL_THREADS; i++) {
    w[i] = (fail_worker){ rules, audit, json, len, 0, 0, 0, false, &started };
    if (pthread_create(&t[i], NULL, judge_until_done, &w[i])) return 12;
  }
  while (__atomic_load_n(&started, __ATOMIC_RELAXED) < 40) usleep(1000);
  struct stat sb;
  char wal[512];
  snprintf(wal, sizeof wal, "%s-wal", db);
  off_t size = stat(wal, &sb) == 0 ? sb.st_size : 0;
  struct rlimit lim = { (rlim_t)size + 4096, RLIM_INFINITY };
  if (setrlimit(RLIMIT_FSIZE, &lim)) return 13;
  int ok = 0, refused = 0, other = 0;
  bool after = false;
  for (int i = 0; i < FAIL_THREADS; i++) {
    pthread_join(t[i], NULL);
    ok += w[i].ok;
    refused += w[i].refused;
    other += w[i].other;
    after |= w[i].ok_after_refusal;
  }
  lim.rlim_cur = RLIM_INFINITY;
  setrlimit(RLIMIT_FSIZE, &lim);
  norm_audit_close(audit);
  norm_rules_free(rules);
  free(json);
  FILE *f = fopen(DIR "/svar.txt", "w");
  if (!f) return 14;
  fprintf(f, "%d %d %d\n", ok, refused, other);
  fclose(f);
  if (other) return 15;
  if (after) return 16;
  if (!refused) return 17;           /* the log never failed: the test did not test */
  return ok + refused == FAIL_THREADS * FAIL_ROUNDS ? 0 : 18;
}

static void test_log_that_fails_while_judges_wait(void **state)
{
  (void)state;
  fresh_dir();
  const char *db = DIR "/full.db";
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) _exit(fail_while_waiting(db));
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  if (!WIFEXITED(st)) fail_msg("the judges' process died (signal %d)", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  if (WEXITSTATUS(st)) fail_msg("exit %d (15: another error, 16: an answer after a refusal, 17: never refused)", WEXITSTATUS(st));
  int ok, refused, other;
  char *answers = th_slurp(DIR "/svar.txt");
  assert_int_equal(sscanf(answers, "%d %d %d", &ok, &refused, &other), 3);
  free(answers);
  /* every answered decision is in the log, and only those; the chain holds */
  audit_check c = verify(db);
  if (!c.ok) fail_msg("post %lld: %s", (long long)c.bad, c.why);
  assert_int_equal(c.count, ok);
}

/* The findings as jansson wrote them (JSON_COMPACT | JSON_SORT_KEYS) before the record was
** written with jsonw: the bytes in logs written then. */
static char *findings_by_jansson(const result *r)
{
  json_t *a = json_array();
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    json_t *o = json_object();
    json_object_set_new(o, "regel", json_string(bc_str(r->p, r->p->rules.items[f->rule].id)));
    json_object_set_new(o, "element", f->item ? json_string(f->item) : json_null());
    json_object_set_new(o, "status", json_string(fstatus_name[f->status]));
    json_array_append_new(a, o);
  }
  char *s = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(a);
  return s;
}

/* The findings of case `json` judged on day, as the record writes them and as jansson did;
** returns the record's (caller frees). */
static char *findings_both_ways(const bc_program *p, vm *m, const char *json, int32_t day)
{
  ncase c;
  buf errors;
  buf_init(&errors);
  if (!case_load(p, json, strlen(json), &c, &errors)) fail_msg("%s", errors.data);
  result r;
  eval_case(m, &c, c.has_date ? c.date : day, &r);
  char *ours = audit_findings_json(&r), *theirs = findings_by_jansson(&r);
  assert_string_equal(ours, theirs);
  free(theirs);
  result_free(&r);
  case_free(&c);
  buf_free(&errors);
  return ours;
}

/* A record's findings are the same bytes as jansson wrote: on the example corpus and on
** items whose ids need escaping (quotes, backslashes, control characters, /, non-ASCII). */
static void test_findings_json(void **state)
{
  (void)state;
  bc_program p;
  assert_true(fe_load_ruleset("rules", &p, NULL, false));
  vm *m = vm_new(&p);
  int32_t day;
  assert_true(date_parse("2024-10-01", 10, &day));
  char *list = th_runf(0, "ls examples/saker/*.json examples/saksmappe-eksempel.json");
  int cases = 0;
  for (char *path = strtok(list, "\n"); path; path = strtok(NULL, "\n")) {
    char *json = th_slurp(path);
    free(findings_both_ways(&p, m, json, day));
    free(json);
    cases++;
  }
  assert_true(cases > 40);
  free(list);
  /* odd ids: the finding's item is the measure's id */
  static const char *const ids[] = { "T\\\"1", "T/2", "T\\u0001x", "Tiltak æøå ✓", "T\\t\\n", "T\\u2028" };
  buf members;
  buf_init(&members);
  buf_puts(&members, "\"tiltak\": [");
  for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
    buf_printf(&members, "%s{\"id\": \"%s\", \"type\": \"omsorgsendrende\", \"start\": \"2024-01-15\", \"samtykker\": []}",
               i ? ", " : "", ids[i]);
  buf_puts(&members, "]");
  char *json = th_case(members.data);
  char *ours = findings_both_ways(&p, m, json, day);
  assert_non_null(strstr(ours, "\"element\":\"T\\\"1\""));
  free(ours);
  buf_free(&members);
  free(json);
  vm_free(m);
  bc_free(&p);
}

int th_audit_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_chain_links_every_record),
    cmocka_unit_test(test_each_tampering_is_found_and_named),
    cmocka_unit_test(test_schema_versions),
    cmocka_unit_test(test_check_audit_replay_show_export),
    cmocka_unit_test(test_replay_through_the_library),
    cmocka_unit_test(test_sqlite_only_for_the_log),
    cmocka_unit_test(test_reading_the_log_through_the_library),
    cmocka_unit_test(test_kill_9_leaves_a_valid_chain),
    cmocka_unit_test(test_check_when_the_log_fails_midway),
    cmocka_unit_test(test_two_writers_one_chain),
    cmocka_unit_test(test_findings_json),
  };
  return cmocka_run_group_tests_name("revisjonsloggen", tests, NULL, NULL);
}

/* The log under judges on several threads: also run under ThreadSanitizer (make test-tsan). */
int th_audit_thread_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_log_that_fails_while_judges_wait),
  };
  return cmocka_run_group_tests_name("revisjonsloggen med tråder", tests, NULL, NULL);
}
