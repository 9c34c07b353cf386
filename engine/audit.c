/*
** The audit trail in SQLite: schema, the hash chain, appending under the write lock,
** reading and verifying. WAL with synchronous=FULL: a committed record survives a crash,
** and a crash before commit leaves no trace of the transaction.
*/
#include <jansson.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "bcfile.h"
#include "jsonw.h"
#include "sqlite_lib.h"

#define AUDIT_BUSY_MS 60000                  /* how long a writer waits for another */

struct audit_db {
  sqlite3 *db;
  char err[512];
  int64_t head_seq;            /* chain head read by audit_begin, advanced by each append */
  char head[65];
  bool has_signer;             /* the vurdering table has signert_av (schema 2) */
  sqlite3_stmt *insert;        /* the record INSERT, prepared once */
  bool missing;                /* the last get, ruleset or stored found nothing (not an error) */
};

static const char *const schema_sql =
  "CREATE TABLE IF NOT EXISTS regelsett ("
  "  sha256 TEXT PRIMARY KEY, navn TEXT NOT NULL, normc BLOB NOT NULL, lagret TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS vurdering ("
  "  seq INTEGER PRIMARY KEY, tid TEXT NOT NULL, norm_versjon TEXT NOT NULL,"
  "  regelsett_sha256 TEXT NOT NULL, sak_sha256 TEXT NOT NULL, sak_id TEXT NOT NULL,"
  "  vurderingsdato TEXT NOT NULL, operator TEXT NOT NULL, funn TEXT NOT NULL,"
  "  resultat_sha256 TEXT NOT NULL, forrige_hash TEXT NOT NULL, hash TEXT NOT NULL,"
  "  signert_av TEXT NOT NULL DEFAULT '');"
  "CREATE TABLE IF NOT EXISTS vurdering_data ("
  "  seq INTEGER PRIMARY KEY, sak BLOB NOT NULL, resultat BLOB NOT NULL);";

/* SQLite's messages are in English: the common causes in Norwegian, the rest with SQLite's. */
static bool fail(audit_db *db, const char *what)
{
  const char *why;
  switch (sqlite3_errcode(db->db)) {
  case SQLITE_BUSY: case SQLITE_LOCKED: why = "databasen er låst av en annen prosess"; break;
  case SQLITE_NOTADB: why = "filen er ikke en SQLite-database"; break;
  case SQLITE_CORRUPT: why = "databasefilen er skadet"; break;
  case SQLITE_FULL: why = "disken er full"; break;
  case SQLITE_READONLY: why = "databasen kan bare leses"; break;
  case SQLITE_CANTOPEN: why = "databasefilen kan ikke åpnes (finnes mappen, og er det tilgang?)"; break;
  case SQLITE_IOERR: why = "lese- eller skrivefeil på disken"; break;
  case SQLITE_PERM: case SQLITE_AUTH: why = "mangler tilgang"; break;
  case SQLITE_NOMEM: why = "ikke nok minne"; break;
  default: why = NULL;
  }
  if (why) snprintf(db->err, sizeof db->err, "%s: %s", what, why);
  else snprintf(db->err, sizeof db->err, "%s: SQLite sier «%s»", what, sqlite3_errmsg(db->db));
  return false;
}

const char *audit_errmsg(audit_db *db) { return db->err; }

static bool exec(audit_db *db, const char *sql, const char *what)
{
  return sqlite3_exec(db->db, sql, NULL, NULL, NULL) == SQLITE_OK || fail(db, what);
}

static int64_t pragma_int(audit_db *db, const char *sql)
{
  sqlite3_stmt *st;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Creates the tables in a fresh database, or checks that an existing one is ours and of
** a schema version this norm reads. Under the write lock, so two processes creating the
** same database at once agree. */
/* Switching to WAL does not wait for a lock held by another process creating the same
** database at the same moment; it is retried for as long as the busy timeout. */
static bool enable_wal(audit_db *db)
{
  for (int tries = 0;; tries++) {
    int rc = sqlite3_exec(db->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    if (rc == SQLITE_OK) return true;
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) break;
    if (tries * 10 >= AUDIT_BUSY_MS) break;
    sqlite3_sleep(10);
  }
  return fail(db, "kan ikke slå på WAL");
}

static bool setup(audit_db *db, bool create)
{
  if (create && !enable_wal(db)) return false;
  if (!exec(db, "PRAGMA synchronous=FULL", "kan ikke sette synchronous=FULL")) return false;
  if (!exec(db, "BEGIN IMMEDIATE", "databasen er låst")) return false;
  int64_t app = pragma_int(db, "PRAGMA application_id");
  int64_t version = pragma_int(db, "PRAGMA user_version");
  int64_t tables = pragma_int(db, "SELECT count(*) FROM sqlite_master");
  bool ok = true;
  if (app < 0 || version < 0 || tables < 0) {
    ok = fail(db, "filen kan ikke leses som en SQLite-database");
  } else if (tables == 0 && version == 0) {
    if (!create) {
      snprintf(db->err, sizeof db->err, "databasen er tom: ingen revisjonslogg er skrevet hit");
      ok = false;
    } else {
      char sql[128];
      snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d;", AUDIT_APP_ID, AUDIT_SCHEMA);
      ok = exec(db, schema_sql, "kan ikke lage tabellene") && exec(db, sql, "kan ikke merke databasen");
    }
  } else if (app != AUDIT_APP_ID) {
    snprintf(db->err, sizeof db->err, "databasen er ikke en revisjonslogg fra norm");
    ok = false;
  } else if (version == 1 && create) {
    /* schema 1 had no signert_av: added, empty for the records already there (whose
    ** hashes do not include it) */
    char sql[160];
    snprintf(sql, sizeof sql, "ALTER TABLE vurdering ADD COLUMN signert_av TEXT NOT NULL DEFAULT ''; PRAGMA user_version=%d;", AUDIT_SCHEMA);
    ok = exec(db, sql, "kan ikke oppgradere revisjonsloggen til skjemaversjon 2");
  } else if (version != AUDIT_SCHEMA && version != 1) {
    snprintf(db->err, sizeof db->err, "revisjonsloggen har skjemaversjon %lld; denne versjonen av norm leser versjon 1 og %d",
             (long long)version, AUDIT_SCHEMA);
    ok = false;
  }
  if (!ok) {
    sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
    return false;
  }
  db->has_signer = pragma_int(db, "SELECT count(*) FROM pragma_table_info('vurdering') WHERE name = 'signert_av'") == 1;
  return exec(db, "COMMIT", "kan ikke lagre skjemaet");
}

audit_db *audit_open(const char *path, bool create, char **err)
{
  const char *why;
  if (!sqlite_lib_load(&why)) {          /* SQLite is loaded the first time a log is opened */
    *err = xstrdup(why);
    return NULL;
  }
  audit_db *db = xcalloc(1, sizeof *db);
  if (!create && access(path, F_OK) != 0) {
    *err = xstrdup("filen finnes ikke");
    free(db);
    return NULL;
  }
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path, &db->db, flags, NULL) != SQLITE_OK) {
    if (db->db) fail(db, "kan ikke åpne databasen");
    else snprintf(db->err, sizeof db->err, "kan ikke åpne databasen");
    *err = xstrdup(db->err);
    audit_close(db);
    return NULL;
  }
  sqlite3_busy_timeout(db->db, AUDIT_BUSY_MS);
  sqlite3_extended_result_codes(db->db, 1);
  if (!setup(db, create)) {
    *err = xstrdup(db->err);
    audit_close(db);
    return NULL;
  }
  return db;
}

void audit_close(audit_db *db)
{
  if (!db) return;
  sqlite3_finalize(db->insert);
  sqlite3_close(db->db);
  free(db);
}

char *audit_now(void)
{
  time_t t = time(NULL);
  struct tm tm;
  char s[32];
  gmtime_r(&t, &tm);
  strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return xstrdup(s);
}

void audit_record_free(audit_record *r)
{
  char **fields[] = { &r->tid, &r->norm_version, &r->ruleset, &r->case_digest, &r->sak_id, &r->date,
                      &r->operator_name, &r->findings, &r->result_digest, &r->prev, &r->hash, &r->signer };
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    free(*fields[i]);
    *fields[i] = NULL;
  }
}

/* ---- hashing ---- */

static void hash_field(struct sha256_ctx *c, const char *s)
{
  size_t n = s ? strlen(s) : 0;
  uint8_t len[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
  sha256_update(c, 4, len);
  sha256_update(c, n, (const uint8_t *)(s ? s : ""));
}

void audit_hash(const audit_record *r, char out[65])
{
  static const uint8_t leaf[] = "\0norm-revisjon/1";   /* with its NUL: 0x00 tag 0x00 */
  char seq[24];
  snprintf(seq, sizeof seq, "%lld", (long long)r->seq);
  struct sha256_ctx c;
  sha256_init(&c);
  sha256_update(&c, sizeof leaf, leaf);
  const char *fields[] = { seq, r->tid, r->norm_version, r->ruleset, r->case_digest, r->sak_id, r->date,
                           r->operator_name, r->findings, r->result_digest, r->prev };
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) hash_field(&c, fields[i]);
  if (r->signer && *r->signer) hash_field(&c, r->signer);
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_digest(&c, sizeof d, d);
  bcf_hex(d, sizeof d, out);
}

static void sha_hex(const void *data, size_t len, char out[65])
{
  uint8_t d[32];
  bcf_sha256(data, len, d);
  bcf_hex(d, 32, out);
}

bool audit_case_digest(const char *json, size_t len, char out[65])
{
  json_error_t je;
  size_t bom = utf8_bom(json, len);
  json_t *doc = json_loadb(json + bom, len - bom, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  if (!doc) return false;
  char *canon = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
  json_decref(doc);
  if (!canon) return false;
  sha_hex(canon, strlen(canon), out);
  free(canon);
  return true;
}

char *audit_findings_json(const result *r)
{
  /* [{"element":…,"regel":…,"status":…}, …]: the keys in sorted order and the bytes jansson
  ** wrote with JSON_COMPACT | JSON_SORT_KEYS, which earlier records hold (test_findings_json) */
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  jsonw w;
  jw_init(&w, &b);
  jw_arr(&w);
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    jw_obj(&w);
    jw_key(&w, "element");
    if (f->item) jw_str(&w, f->item);
    else jw_null(&w);
    jw_kstr(&w, "regel", bc_str(r->p, r->p->rules.items[f->rule].id));
    jw_kstr(&w, "status", fstatus_name[f->status]);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  oom_pop(&hold);
  return buf_take(&b);
}

/* ---- writing ---- */

bool audit_begin(audit_db *db)
{
  if (!exec(db, "BEGIN IMMEDIATE", "kan ikke låse revisjonsloggen for skriving")) return false;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db->db, "SELECT seq, hash FROM vurdering ORDER BY seq DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
    fail(db, "kan ikke lese kjedehodet");
    audit_rollback(db);
    return false;
  }
  db->head_seq = 0;
  snprintf(db->head, sizeof db->head, "%s", AUDIT_GENESIS);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    db->head_seq = sqlite3_column_int64(st, 0);
    const unsigned char *h = sqlite3_column_text(st, 1);
    snprintf(db->head, sizeof db->head, "%s", h ? (const char *)h : "");
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    fail(db, "kan ikke lese kjedehodet");
    audit_rollback(db);
    return false;
  }
  return true;
}

static bool run(audit_db *db, sqlite3_stmt *st, const char *what)
{
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE || fail(db, what);
}

bool audit_put_ruleset(audit_db *db, const char *sha_hex, const char *name, const void *normc, size_t len)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db->db, "INSERT INTO regelsett (sha256, navn, normc, lagret) "
                         "VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
                         /* the same rule set signed replaces it unsigned (same digest) */
                         "ON CONFLICT (sha256) DO UPDATE SET normc = excluded.normc "
                         "WHERE length(excluded.normc) > length(normc)", -1, &st, NULL) != SQLITE_OK)
    return fail(db, "kan ikke lagre regelsettet");
  sqlite3_bind_text(st, 1, sha_hex, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob64(st, 3, normc, len, SQLITE_TRANSIENT);
  return run(db, st, "kan ikke lagre regelsettet");
}

bool audit_append(audit_db *db, audit_record *r, const char *case_json, size_t case_len,
                  const char *result_json, size_t result_len)
{
  r->seq = db->head_seq + 1;
  free(r->prev);
  r->prev = xstrdup(db->head);
  char h[65];
  audit_hash(r, h);
  free(r->hash);
  r->hash = xstrdup(h);
  if (!db->insert &&
      sqlite3_prepare_v2(db->db, "INSERT INTO vurdering (seq, tid, norm_versjon, regelsett_sha256, sak_sha256, sak_id, "
                         "vurderingsdato, operator, funn, resultat_sha256, forrige_hash, hash, signert_av) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &db->insert, NULL) != SQLITE_OK)
    return fail(db, "kan ikke skrive posten");
  sqlite3_stmt *st = db->insert;
  sqlite3_bind_int64(st, 1, r->seq);
  const char *text[] = { r->tid, r->norm_version, r->ruleset, r->case_digest, r->sak_id, r->date,
                         r->operator_name, r->findings, r->result_digest, r->prev, r->hash, r->signer ? r->signer : "" };
  for (int i = 0; i < (int)(sizeof text / sizeof *text); i++) sqlite3_bind_text(st, i + 2, text[i], -1, SQLITE_TRANSIENT);
  bool inserted = sqlite3_step(st) == SQLITE_DONE || fail(db, "kan ikke skrive posten");
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (!inserted) return false;
  if (case_json) {
    if (sqlite3_prepare_v2(db->db, "INSERT INTO vurdering_data (seq, sak, resultat) VALUES (?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
      return fail(db, "kan ikke lagre saken");
    sqlite3_bind_int64(st, 1, r->seq);
    sqlite3_bind_blob64(st, 2, case_json, case_len, SQLITE_TRANSIENT);
    sqlite3_bind_blob64(st, 3, result_json, result_len, SQLITE_TRANSIENT);
    if (!run(db, st, "kan ikke lagre saken")) return false;
  }
  db->head_seq = r->seq;
  snprintf(db->head, sizeof db->head, "%s", r->hash);
  return true;
}

bool audit_commit(audit_db *db)
{
  return exec(db, "COMMIT", "kan ikke lagre postene");
}

void audit_rollback(audit_db *db)
{
  sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- reading ---- */

#define SELECT_RECORD(signer) \
  "SELECT seq, tid, norm_versjon, regelsett_sha256, sak_sha256, sak_id, vurderingsdato, operator, " \
  "funn, resultat_sha256, forrige_hash, hash, " signer " FROM vurdering"
#define select_sql (db->has_signer ? SELECT_RECORD("signert_av") : SELECT_RECORD("''"))

static void read_row(sqlite3_stmt *st, audit_record *r)
{
  r->seq = sqlite3_column_int64(st, 0);
  char **fields[] = { &r->tid, &r->norm_version, &r->ruleset, &r->case_digest, &r->sak_id, &r->date,
                      &r->operator_name, &r->findings, &r->result_digest, &r->prev, &r->hash, &r->signer };
  for (int i = 0; i < (int)(sizeof fields / sizeof *fields); i++) {
    const unsigned char *t = sqlite3_column_text(st, i + 1);
    *fields[i] = xstrdup(t ? (const char *)t : "");
  }
}

bool audit_each(audit_db *db, audit_fn fn, void *ctx)
{
  char sql[512];
  snprintf(sql, sizeof sql, "%s ORDER BY seq", select_sql);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) return fail(db, "kan ikke lese postene");
  int rc;
  bool go = true;
  while (go && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    audit_record r = { 0 };
    read_row(st, &r);
    go = fn(ctx, &r);
    audit_record_free(&r);
  }
  sqlite3_finalize(st);
  return !go || rc == SQLITE_DONE || fail(db, "kan ikke lese postene");
}

bool audit_missing(const audit_db *db) { return db->missing; }

bool audit_get(audit_db *db, int64_t seq, audit_record *r)
{
  char sql[512];
  snprintf(sql, sizeof sql, "%s WHERE seq = ?", select_sql);
  sqlite3_stmt *st;
  db->missing = false;
  if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) return fail(db, "kan ikke lese posten");
  sqlite3_bind_int64(st, 1, seq);
  int rc = sqlite3_step(st);
  db->missing = rc == SQLITE_DONE;
  if (rc == SQLITE_ROW) read_row(st, r);
  else if (db->missing) snprintf(db->err, sizeof db->err, "revisjonsloggen har ingen post %lld", (long long)seq);
  else fail(db, "kan ikke lese posten");
  sqlite3_finalize(st);
  return rc == SQLITE_ROW;
}

static bool blobs(audit_db *db, const char *sql, const char *key, int64_t seq, buf *a, buf *b)
{
  sqlite3_stmt *st;
  db->missing = false;
  if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) return fail(db, "kan ikke lese databasen");
  if (key) sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_int64(st, 1, seq);
  int rc = sqlite3_step(st);
  db->missing = rc == SQLITE_DONE;
  if (rc == SQLITE_ROW) {
    if (sqlite3_column_bytes(st, 0)) buf_put(a, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    if (b && sqlite3_column_bytes(st, 1)) buf_put(b, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
  } else if (!db->missing) {
    fail(db, "kan ikke lese databasen");
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW;
}

bool audit_ruleset(audit_db *db, const char *sha_hex, buf *normc)
{
  return blobs(db, "SELECT normc FROM regelsett WHERE sha256 = ?", sha_hex, 0, normc, NULL);
}

bool audit_stored(audit_db *db, int64_t seq, buf *case_json, buf *result_json)
{
  return blobs(db, "SELECT sak, resultat FROM vurdering_data WHERE seq = ?", NULL, seq, case_json, result_json);
}

/* ---- verifying ---- */

typedef struct {
  audit_db *db;
  audit_check *c;
  int64_t last_seq;
  char last_hash[65];
} verifier;

static bool broken(verifier *v, int64_t seq, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool broken(verifier *v, int64_t seq, const char *fmt, ...)
{
  buf m;
  buf_init(&m);
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&m, fmt, ap);
  va_end(ap);
  v->c->ok = false;
  v->c->bad = seq;
  v->c->why = buf_take(&m);
  return false;
}

static bool check_stored(verifier *v, const audit_record *r)
{
  buf sak, res;
  buf_init(&sak);
  buf_init(&res);
  bool ok = true;
  if (audit_stored(v->db, r->seq, &sak, &res)) {
    char d[65];
    if (!audit_case_digest(sak.data ? sak.data : "", sak.len, d) || strcmp(d, r->case_digest))
      ok = broken(v, r->seq, "den lagrede saken har ikke sjekksummen posten oppgir (%s)", r->case_digest);
    else if (sha_hex(res.data ? res.data : "", res.len, d), strcmp(d, r->result_digest))
      ok = broken(v, r->seq, "det lagrede resultatet har ikke sjekksummen posten oppgir (%s)", r->result_digest);
  }
  buf_free(&sak);
  buf_free(&res);
  return ok;
}

static bool check_record(void *ctx, const audit_record *r)
{
  verifier *v = ctx;
  char h[65];
  if (r->seq != v->last_seq + 1)
    return broken(v, r->seq, "posten har sekvensnummer %lld, men neste i kjeden skulle vært %lld "
                  "(en post er slettet, satt inn eller flyttet)", (long long)r->seq, (long long)(v->last_seq + 1));
  if (strcmp(r->prev, v->last_hash))
    return broken(v, r->seq, "posten peker ikke på posten før den: forrige_hash er %s, men den posten har hash %s",
                  r->prev, v->last_hash);
  audit_hash(r, h);
  if (strcmp(h, r->hash))
    return broken(v, r->seq, "innholdet i posten er endret etter at den ble skrevet (lagret hash %s, beregnet %s)", r->hash, h);
  json_error_t je;
  json_t *f = json_loads(r->findings, 0, &je);
  bool shape = f && json_is_array(f);
  json_decref(f);
  if (!shape) return broken(v, r->seq, "funnlisten er ikke en JSON-liste");
  if (!check_stored(v, r)) return false;
  v->last_seq = r->seq;
  snprintf(v->last_hash, sizeof v->last_hash, "%s", r->hash);
  v->c->count++;
  return true;
}

/* Every stored rule set has the digest it is stored under, and every record's rule set
** is stored. */
static bool check_rulesets(verifier *v)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(v->db->db, "SELECT sha256, normc FROM regelsett ORDER BY sha256", -1, &st, NULL) != SQLITE_OK)
    return fail(v->db, "kan ikke lese regelsettene");
  bool ok = true;
  while (ok && sqlite3_step(st) == SQLITE_ROW) {
    const char *sha = (const char *)sqlite3_column_text(st, 0);
    bc_program p;
    char *why = NULL;
    if (!bcf_load(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), &p, &why)) {
      ok = broken(v, 0, "regelsettet %s kan ikke leses: %s", sha ? sha : "", why);
    } else {
      if (!sha || strcmp(p.sha256_hex, sha)) ok = broken(v, 0, "regelsettet lagret som %s har sjekksummen %s", sha ? sha : "", p.sha256_hex);
      bc_free(&p);
    }
    free(why);
  }
  sqlite3_finalize(st);
  if (!ok) return false;
  if (sqlite3_prepare_v2(v->db->db, "SELECT min(seq), regelsett_sha256 FROM vurdering WHERE regelsett_sha256 NOT IN "
                         "(SELECT sha256 FROM regelsett) GROUP BY regelsett_sha256 ORDER BY 1 LIMIT 1", -1, &st, NULL) != SQLITE_OK)
    return fail(v->db, "kan ikke lese regelsettene");
  if (sqlite3_step(st) == SQLITE_ROW) {
    const char *sha = (const char *)sqlite3_column_text(st, 1);
    ok = broken(v, sqlite3_column_int64(st, 0), "regelsettet %s som posten viser til, er ikke lagret", sha ? sha : "");
  }
  sqlite3_finalize(st);
  return ok;
}

bool audit_verify(audit_db *db, audit_check *c)
{
  memset(c, 0, sizeof *c);
  c->ok = true;
  verifier v = { db, c, 0, AUDIT_GENESIS };
  /* One read transaction: a writer appending meanwhile is not seen half-way. */
  if (!exec(db, "BEGIN", "kan ikke lese revisjonsloggen")) return false;
  bool ok = audit_each(db, check_record, &v);
  if (ok && c->ok) check_rulesets(&v);
  if (ok && c->ok) {
    int64_t data = -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->db, "SELECT min(seq) FROM vurdering_data WHERE seq NOT IN (SELECT seq FROM vurdering)", -1, &st, NULL) == SQLITE_OK) {
      if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) data = sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
    }
    if (data >= 0) broken(&v, data, "lagret sak og resultat for post %lld, men posten finnes ikke", (long long)data);
  }
  sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL);
  snprintf(c->head, sizeof c->head, "%s", v.last_hash);
  return ok;
}
