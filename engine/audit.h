/*
** The audit trail (revisjonslogg): an SQLite database with one record per evaluated case,
** each hash-chained to the one before, and every compiled rule set a record refers to
** stored once, by digest, as its exact .normc bytes. Only digests and the pseudonymous
** sak_id are kept unless the caller also stores the case and result (audit_append with
** data). Schema and hashing are documented in docs/revisjon.md.
** An audit_db belongs to whoever opened it; strings in an audit_record belong to it.
*/
#ifndef NORM_AUDIT_H
#define NORM_AUDIT_H

#include <stdint.h>

#include "eval.h"
#include "util.h"

#define AUDIT_SCHEMA NORM_AUDIT_SCHEMA   /* PRAGMA user_version of a database we write (2 added
                                                signert_av, and a log of version 1 is upgraded
                                                when written to, read as it is) */
#define AUDIT_APP_ID 0x6E6F726D              /* PRAGMA application_id: "norm" */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct audit_db audit_db;

typedef struct {
  int64_t seq;                 /* 1, 2, 3, … in chain order */
  char *tid;                   /* UTC time, 2026-11-22T17:59:03Z */
  char *norm_version;
  char *ruleset;               /* SHA-256 (hex) of the rule set */
  char *case_digest;           /* SHA-256 (hex) of the case's canonical JSON */
  char *sak_id;
  char *date;                  /* vurderingsdato, YYYY-MM-DD */
  char *operator_name;
  char *findings;              /* canonical JSON: [{"element":…,"regel":…,"status":…}, …] */
  char *result_digest;         /* SHA-256 (hex) of the norm-resultat/1 line */
  char *prev;                  /* the previous record's hash; AUDIT_GENESIS for the first */
  char *hash;                  /* this record's hash */
  char *signer;                /* key id of the Ed25519 key that signed the rule set, or ""/NULL
                                  (hashed after prev only when not empty) */
} audit_record;

void audit_record_free(audit_record *r);
/* The current time as a record's tid: UTC, 2026-11-22T17:59:03Z (caller frees). */
char *audit_now(void);

/* Opens (create: creating it when missing) the database at path. On failure returns NULL
** with a Norwegian reason in *err (caller frees). A database of another application or
** a newer schema version is refused. */
audit_db *audit_open(const char *path, bool create, char **err);
void audit_close(audit_db *db);
const char *audit_errmsg(audit_db *db);      /* the last failure, in Norwegian */

/* Writing: begin takes the write lock (other writers wait) and reads the chain head, so
** records appended until commit continue the chain whoever else appends. */
bool audit_begin(audit_db *db);
bool audit_put_ruleset(audit_db *db, const char *sha_hex, const char *name, const void *normc, size_t len);
/* Fills r->seq, r->prev and r->hash and inserts r; with case_json and result_json also
** stores both (--audit-store-case). */
bool audit_append(audit_db *db, audit_record *r, const char *case_json, size_t case_len,
                  const char *result_json, size_t result_len);
bool audit_commit(audit_db *db);
void audit_rollback(audit_db *db);

/* The hash of a record: SHA-256 over 0x00, "norm-revisjon/1", 0x00 and every field but
** hash, each as a 4-byte big-endian length and its bytes (docs/revisjon.md). */
void audit_hash(const audit_record *r, char out[65]);

/* SHA-256 of the case's canonical JSON (sorted keys, no whitespace), or false when it
** is not JSON. */
bool audit_case_digest(const char *json, size_t len, char out[65]);
/* The record fields of a finished evaluation: findings JSON (caller frees). */
char *audit_findings_json(const result *r);

/* Reading. each: every record in seq order (fn returns false to stop); false on a
** database error. get: one record, false when there is none. */
typedef bool (*audit_fn)(void *ctx, const audit_record *r);
bool audit_each(audit_db *db, audit_fn fn, void *ctx);
bool audit_get(audit_db *db, int64_t seq, audit_record *r);
/* The stored .normc bytes of a rule set; false when the database has none. */
bool audit_ruleset(audit_db *db, const char *sha_hex, buf *normc);
/* The stored case and result of a record; false when they were not stored. */
bool audit_stored(audit_db *db, int64_t seq, buf *case_json, buf *result_json);
/* After get, ruleset or stored returned false: whether there was nothing (true), or the
** database failed (false; audit_errmsg says how). */
bool audit_missing(const audit_db *db);

/* Recomputes every hash and link, and the digests of stored rule sets, cases and results.
** On a break, *bad is the first broken record (0 when the break is not in one record) and
** why says what is wrong (caller frees). *count and head describe what was checked. */
typedef struct {
  bool ok;
  int64_t count;
  int64_t bad;
  char head[65];
  char *why;
} audit_check;
bool audit_verify(audit_db *db, audit_check *c);

#endif
