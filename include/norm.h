/*
** norm as a library (libnorm.a): load a rule set, judge cases against it, read its identity.
**
** A norm_rules is immutable once loaded and may be shared by any number of threads; a
** norm_judge belongs to one thread at a time (its VM, case reader and buffers). Nothing here
** prints, exits or aborts on bad input: every failure is a status with a structured error
** in Norwegian (code, message, and where: file:line:col for rules, a JSON path for cases).
** Strings a function hands out stay valid until the next call on the same object.
**
** Running out of memory is an error like the others: the rule set is not loaded, or the
** case is not judged (NORM_ERR_MEMORY; norm_judge_new and norm_drawer_new give NULL), with
** nothing leaked and nothing half done – the same judge judges the next case as before.
** (Graphviz, which draws the HTML report's diagrams, may still end the process when its
** own allocations fail; that is Graphviz's way.)
*/
#ifndef NORM_H
#define NORM_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  NORM_OK = 0,
  NORM_ERR_RULES,      /* the rule set cannot be read, compiled or verified, or is not trusted */
  NORM_ERR_JSON,       /* the case is not JSON */
  NORM_ERR_CASE,       /* the case is JSON but not a valid case of the rule set's format */
  NORM_ERR_LIMIT,      /* the case is larger or costlier than the limits for one case */
  NORM_ERR_USAGE,      /* a bad argument (an unknown format, a bad date) */
  NORM_ERR_AUDIT,      /* the decision could not be recorded in the audit log: it must not be used */
  NORM_ERR_MEMORY,     /* out of memory: the case was not judged (try again later) */
  NORM_ERR_OUTPUT,     /* a file asked for (a diagram) could not be written */
} norm_status;

typedef struct {
  norm_status code;
  char message[1024];  /* what is wrong, in Norwegian; every problem, one per line */
  char where[256];     /* file:line:col, or the JSON path of the first problem; may be "" */
} norm_error;

/* A growable byte buffer that the caller owns and the library appends to (data is always
** NUL-terminated once anything is in it). Start it zeroed; norm_buffer_free releases it. */
typedef struct norm_buffer {
  char *data;
  size_t len, cap;
} norm_buffer;
void norm_buffer_free(norm_buffer *b);

/* The largest inputs norm takes: a case (its JSON bytes), and a compiled rule set (.normc). */
#define NORM_MAX_CASE_BYTES (16u << 20)
#define NORM_MAX_NORMC_BYTES (64u << 20)

typedef struct norm_rules norm_rules;
typedef struct norm_judge norm_judge;
typedef struct norm_audit norm_audit;
typedef struct norm_drawer norm_drawer;

/* From rule files (a file or a folder of .norm files) or a compiled .normc. */
norm_status norm_rules_load(const char *path, norm_rules **out, norm_error *err);
/* As norm_rules_load, with every message the compiler gave – errors and warnings, each with
** the source line it points at, as norm check shows them – appended to *messages (ANSI colours
** when color). err has the first error only. */
norm_status norm_rules_load_messages(const char *path, bool color, norm_rules **out, norm_buffer *messages,
                                     norm_error *err);
/* From the bytes of a .normc (e.g. received over the network). */
norm_status norm_rules_load_normc(const void *bytes, size_t len, norm_rules **out, norm_error *err);
void norm_rules_free(norm_rules *r);

/* The rule set's identity: SHA-256 (hex) of its compiled content, and its name. */
const char *norm_rules_digest(const norm_rules *r);
const char *norm_rules_name(const norm_rules *r);
/* The key id of the Ed25519 key that signed it (docs/signering.md), or "" when unsigned. */
const char *norm_rules_signer(const norm_rules *r);
/* Whether r is signed by the Ed25519 public key in the PEM file at public_key_path
** (NORM_ERR_RULES with the reason when not). */
norm_status norm_rules_check_trust(const norm_rules *r, const char *public_key_path, norm_error *err);
/* A description as JSON: name, digest, signer, guidelines and rules with their validity. */
const char *norm_rules_json(const norm_rules *r, size_t *len);

norm_judge *norm_judge_new(const norm_rules *r);   /* NULL when out of memory */
void norm_judge_free(norm_judge *j);

typedef enum {
  NORM_FORMAT_JSON,    /* norm-resultat/1, one line */
  NORM_FORMAT_COMPACT, /* norm-kompakt/1, one line */
  NORM_FORMAT_TEXT,    /* the text report for people */
  NORM_FORMAT_HTML,    /* the HTML report (as norm check --format html): needs options.drawer */
  NORM_FORMAT_NONE,    /* no report (with options.keep: for norm_html_add and norm_judge_draw) */
} norm_format;

/* What draws the decision-path diagrams of the HTML report (Graphviz). Graphviz keeps state
** of its own for the whole process and is not thread-safe: make one drawer per process and
** pass it to every judge; it draws one report at a time and the others wait. */
/* Loads Graphviz when the process has not yet (it is not loaded until something is drawn):
** NORM_ERR_OUTPUT when it cannot be, NORM_ERR_MEMORY when memory runs out. */
norm_status norm_drawer_create(norm_drawer **out, norm_error *err);
norm_drawer *norm_drawer_new(void);   /* norm_drawer_create without the reason: NULL on failure */
void norm_drawer_free(norm_drawer *d);

typedef struct norm_record norm_record;

typedef struct {
  const char *date;    /* the assessment date (YYYY-MM-DD), or NULL: the case's own, else today */
  norm_format format;
  norm_audit *audit;   /* or NULL: record the decision in this audit log before returning */
  norm_drawer *drawer; /* for NORM_FORMAT_HTML; otherwise may be NULL */
  /* for NORM_FORMAT_TEXT */
  bool all;            /* also the findings that are oppfylt or ikke_aktuell */
  bool trace;          /* under each finding the whole trace (every condition and fact read) */
  bool color;          /* ANSI colours, for a terminal */
  /* With audit: do not record the decision, make its record (norm_result.record) for the
  ** caller to add to the log in an order of its own (norm_audit_add). */
  bool audit_later;
  norm_buffer *into;   /* or NULL: the report is appended here, not kept in the judge */
  bool keep;           /* the judge keeps the case and its result until its next call (below) */
} norm_options;

typedef struct {
  const char *text;    /* the report; valid until the judge's next call (with options.into:
                          until that buffer changes) */
  size_t len;
  const char *sak_id;  /* the case's id, or "" */
  bool act;            /* a finding calls for action: brudd, avvik or ukjent */
  size_t counts[7];    /* findings by status: brudd, avvik, begrunnet_avvik, vurder, ukjent,
                          oppfylt, ikke_aktuell */
  long long audit_seq; /* with options.audit: the record's number in the log (docs/revisjon.md) */
  norm_record *record; /* with options.audit_later: the decision's record; the caller's, to
                          give to norm_audit_add or norm_record_free */
  char date[11];       /* the assessment date it was judged by (YYYY-MM-DD): options.date, the
                          case's own, or today */
} norm_result;

/* The audit log (docs/revisjon.md) for judges on any number of threads: with options.audit,
** norm_judge_case returns only after the decision's record is committed, and records from
** judges deciding at the same time share one commit (and one fsync). A failing log makes
** norm_judge_case fail (NORM_ERR_AUDIT): no decision is answered that is not recorded. */
norm_status norm_audit_open(const char *path, const char *operator_name, norm_audit **out, norm_error *err);
void norm_audit_close(norm_audit *a);   /* (records added but not committed are not recorded) */
/* From now on the log's records also hold the case as read and its result: whoever reads the
** log can then replay a decision without the case-handling system – and reads personal data. */
void norm_audit_store_cases(norm_audit *a, bool on);

/* One thread deciding the order itself (norm check, cases in input order): judge with
** options.audit_later, add each record in the order wanted, and commit now and then. A
** result may be shown once the commit that holds its record has returned NORM_OK. Use a
** log either this way or with options.audit alone, not both. After a failure nothing more
** is added: the records since the last commit are not in the log. */
norm_status norm_audit_add(norm_audit *a, norm_record *rec, long long *seq, norm_error *err);   /* takes rec */
norm_status norm_audit_commit(norm_audit *a, norm_error *err);
void norm_record_free(norm_record *rec);

/* Reading a log: what a supervisory authority does with it (norm audit verify, show, export
** and replay). A norm_audit_log is read-only and belongs to one thread at a time; the log
** may be written meanwhile (what is read, is read in one piece). */
#define NORM_AUDIT_SCHEMA 2          /* the schema version (PRAGMA user_version) norm writes */
typedef struct norm_audit_log norm_audit_log;
typedef struct {
  long long seq;                     /* 1, 2, 3, … in chain order */
  const char *time;                  /* UTC, 2026-11-22T17:59:03Z */
  const char *norm_version;
  const char *rules_digest;          /* SHA-256 (hex) of the rule set it was judged by */
  const char *case_digest;           /* SHA-256 of the case's canonical JSON (norm_case_digest) */
  const char *sak_id;
  const char *date;                  /* vurderingsdato, YYYY-MM-DD */
  const char *operator_name;
  const char *findings;              /* canonical JSON: [{"element":…,"regel":…,"status":…}, …] */
  const char *result_digest;         /* SHA-256 of the norm-resultat/1 line (norm_digest) */
  const char *prev, *hash;           /* the chain: the record before's hash, and this one's */
  const char *signer;                /* key id of the key that signed the rule set, or "" */
} norm_audit_entry;

/* NORM_ERR_AUDIT with the reason when path is not a log norm can read (it is never created). */
norm_status norm_audit_log_open(const char *path, norm_audit_log **out, norm_error *err);
void norm_audit_log_close(norm_audit_log *l);

typedef struct {
  bool whole;                        /* every hash, link and stored digest is as it should be */
  long long count;                   /* records checked */
  long long broken_at;               /* the first record that is not, or 0 when the break is
                                        not in one record */
  char head[65];                     /* the last record's hash */
  char why[512];                     /* what is broken, in Norwegian ("" when whole) */
} norm_audit_check;
/* Recomputes every hash and link, and the digests of stored rule sets, cases and results;
** NORM_OK with the verdict in *out (a broken chain is a verdict, not an error). */
norm_status norm_audit_log_verify(norm_audit_log *l, norm_audit_check *out, norm_error *err);
/* Every record in chain order, until fn returns false. The entry's strings are valid during
** the call. */
norm_status norm_audit_log_each(norm_audit_log *l, bool (*fn)(void *ctx, const norm_audit_entry *e), void *ctx,
                                norm_error *err);
/* Record seq (*found false when there is none); its strings are valid until the next call
** on l. */
norm_status norm_audit_log_get(norm_audit_log *l, long long seq, norm_audit_entry *out, bool *found, norm_error *err);
/* The .normc bytes of the rule set with this digest, as the log keeps them (*found false
** when it does not), appended to normc: give them to norm_rules_load_normc. */
norm_status norm_audit_log_rules(norm_audit_log *l, const char *digest, norm_buffer *normc, bool *found, norm_error *err);
/* The case and result record seq was made from, when the log stores cases (*found false
** when it does not), appended to case_json and result_json. */
norm_status norm_audit_log_stored(norm_audit_log *l, long long seq, norm_buffer *case_json, norm_buffer *result_json,
                                  bool *found, norm_error *err);
/* The digests a record names: of a case (its canonical JSON; false when it is not JSON), and
** of any bytes (a result's norm-resultat/1 line), as SHA-256 in hex. */
bool norm_case_digest(const char *json, size_t len, char out[65]);
void norm_digest(const void *bytes, size_t len, char out[65]);

/* Judges one case (its JSON bytes) with the judge's rule set. */
norm_status norm_judge_case(norm_judge *j, const char *json, size_t len, const norm_options *o,
                            norm_result *out, norm_error *err);
/* Every problem of the judge's last case that failed, one per line (norm_error.message holds
** the first 1,023 bytes of the same); "" after a success. Valid until the judge's next call. */
const char *norm_judge_problems(const norm_judge *j);

/* A case judged with options.keep is kept by the judge until its next call: it can go into
** an HTML document with several cases (an index first), and be drawn. Both draw with
** Graphviz, under the drawer's lock. A document that fails (out of memory) takes nothing
** more: free it. Without keep, nothing of a case is kept once norm_judge_case returns. */
typedef struct norm_html norm_html;
/* The kept case's report in o->format (the options as for norm_judge_case; audit, keep and
** into are not read), appended to into: one judgment, any number of renderings. */
norm_status norm_judge_render(norm_judge *j, const norm_options *o, norm_buffer *into, norm_error *err);
norm_html *norm_html_begin(norm_drawer *d);   /* NULL when out of memory */
norm_status norm_html_add(norm_html *h, const norm_judge *j, norm_error *err);
norm_status norm_html_end(norm_html *h, norm_buffer *into, norm_error *err);   /* the document; frees h */
void norm_html_free(norm_html *h);

/* The findings of a kept case, for a caller that compares or counts them rather than reads
** a report (norm diff, norm audit replay). The statuses in the order of norm_result.counts. */
typedef enum {
  NORM_BRUDD, NORM_AVVIK, NORM_BEGRUNNET_AVVIK, NORM_VURDER, NORM_UKJENT, NORM_OPPFYLT, NORM_IKKE_AKTUELL,
} norm_finding_status;
/* "brudd", "avvik", "begrunnet_avvik", … as norm-resultat/1 writes them */
const char *norm_finding_status_name(norm_finding_status s);

typedef struct {
  const char *rule;    /* the rule's id */
  size_t rule_index;   /* its place among the rule set's rules (norm_rules_json's order) */
  const char *item;    /* the element a rule for each element found it for ("gjelder"), or NULL */
  norm_finding_status status;
} norm_finding;
/* The kept case's findings in the order its result lists them: *n of them at *out, valid
** until the judge's next call. NORM_ERR_USAGE when no case is kept. */
norm_status norm_judge_findings(norm_judge *j, const norm_finding **out, size_t *n, norm_error *err);

typedef struct {
  bool detailed;       /* the whole decision path, every condition in the order it was
                          evaluated; else the case at a glance (guidelines, rules by status) */
  bool all;            /* also rules not applicable or not in force (implies detailed) */
  const char *only;    /* "brudd,avvik,…": only findings with these statuses (implies detailed), or NULL */
  const char *rule;    /* only this rule (implies detailed), or NULL */
} norm_graph_options;
/* Whether g and the file name are usable (the extension picks the format: .dot, .svg, .png
** or .pdf); NORM_ERR_USAGE with err.where naming what is not (the unknown status, or path). */
norm_status norm_graph_check(const norm_graph_options *g, const char *path, norm_error *err);
/* Draws the judge's last judged case to path. */
norm_status norm_judge_draw(const norm_judge *j, norm_drawer *d, const norm_graph_options *g, const char *path,
                            norm_error *err);

#ifdef __cplusplus
}
#endif

#endif
