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
} norm_status;

typedef struct {
  norm_status code;
  char message[1024];  /* what is wrong, in Norwegian; every problem, one per line */
  char where[256];     /* file:line:col, or the JSON path of the first problem; may be "" */
} norm_error;

typedef struct norm_rules norm_rules;
typedef struct norm_judge norm_judge;
typedef struct norm_audit norm_audit;
typedef struct norm_drawer norm_drawer;

/* From rule files (a file or a folder of .norm files) or a compiled .normc. */
norm_status norm_rules_load(const char *path, norm_rules **out, norm_error *err);
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
} norm_format;

/* What draws the decision-path diagrams of the HTML report (Graphviz). Graphviz keeps state
** of its own for the whole process and is not thread-safe: make one drawer per process and
** pass it to every judge; it draws one report at a time and the others wait. */
norm_drawer *norm_drawer_new(void);   /* NULL when out of memory */
void norm_drawer_free(norm_drawer *d);

typedef struct {
  const char *date;    /* the assessment date (YYYY-MM-DD), or NULL: the case's own, else today */
  norm_format format;
  norm_audit *audit;   /* or NULL: record the decision in this audit log before returning */
  norm_drawer *drawer; /* for NORM_FORMAT_HTML; otherwise may be NULL */
} norm_options;

typedef struct {
  const char *text;    /* the report; valid until the judge's next call */
  size_t len;
  const char *sak_id;  /* the case's id, or "" */
  bool act;            /* a finding calls for action: brudd, avvik or ukjent */
  size_t counts[7];    /* findings by status: brudd, avvik, begrunnet_avvik, vurder, ukjent,
                          oppfylt, ikke_aktuell */
  long long audit_seq; /* with options.audit: the record's number in the log (docs/revisjon.md) */
} norm_result;

/* The audit log (docs/revisjon.md) for judges on any number of threads: with options.audit,
** norm_judge_case returns only after the decision's record is committed, and records from
** judges deciding at the same time share one commit (and one fsync). A failing log makes
** norm_judge_case fail (NORM_ERR_AUDIT): no decision is answered that is not recorded. */
norm_status norm_audit_open(const char *path, const char *operator_name, norm_audit **out, norm_error *err);
void norm_audit_close(norm_audit *a);

/* Judges one case (its JSON bytes) with the judge's rule set. */
norm_status norm_judge_case(norm_judge *j, const char *json, size_t len, const norm_options *o,
                            norm_result *out, norm_error *err);

#ifdef __cplusplus
}
#endif

#endif
