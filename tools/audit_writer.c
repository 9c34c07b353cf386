/*
** Appending audit records during `norm check`, with held-back output per chunk.
*/
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_writer.h"
#include "bcfile.h"
#include "cli.h"
#include "date.h"
#include "report.h"

struct audit_writer {
  audit_db *db;
  const char *path;
  const bc_program *p;
  const buf *image;
  char *operator_name;
  bool store_case, in_tx;
  buf held;                  /* the reports of the open chunk, kept from chunk to chunk */
  size_t pending, written;
  int64_t first_seq, last_seq, last_committed;
};

audit_writer *aw_open(const char *path, const bc_program *p, const buf *image, const char *operator_name,
                      bool store_case)
{
  const char *op = operator_name;
  if (!op || !*op) op = getenv("NORM_OPERATOR");
  if (!op || !*op) op = getenv("USER");
  if (!op || !*op) op = getenv("LOGNAME");
  if (!op || !*op) {
    fprintf(stderr, "norm: revisjonsloggen %s: hvem som vurderer er ukjent; oppgi --operator NAVN "
                    "(eller sett NORM_OPERATOR)\n", path);
    return NULL;
  }
  char *err = NULL;
  audit_db *db = audit_open(path, true, &err);
  if (!db) {
    fprintf(stderr, "norm: revisjonsloggen %s: %s\n", path, err);
    free(err);
    return NULL;
  }
  audit_writer *w = xcalloc(1, sizeof *w);
  w->db = db;
  w->path = path;
  w->p = p;
  w->image = image;
  w->store_case = store_case;
  w->operator_name = xstrdup(op);
  return w;
}

buf *aw_out(audit_writer *w) { return &w->held; }


static bool fail(audit_writer *w, const char *what)
{
  fprintf(stderr, "norm: revisjonsloggen %s: %s (%s). Resultatene for de %zu siste sakene er ikke lagret og vises "
          "ikke; ingen flere saker vurderes.\n", w->path, what, audit_errmsg(w->db), w->pending);
  if (w->in_tx) audit_rollback(w->db);
  w->in_tx = false;
  w->pending = 0;
  buf_reset(&w->held);                       /* the held reports were never recorded */
  return false;
}

bool aw_record(audit_writer *w, const aw_case *c)
{
  if (!w->in_tx) {
    if (!audit_begin(w->db)) return fail(w, "kan ikke begynne å skrive");
    w->in_tx = true;
    if (!audit_put_ruleset(w->db, w->p->sha256_hex, bc_str(w->p, w->p->name), w->image->data, w->image->len))
      return fail(w, "kan ikke lagre regelsettet");
  }
  char date[11];
  date_format(c->date, date);
  audit_record rec = {
    0, audit_now(), xstrdup(NORM_VERSION), xstrdup(w->p->sha256_hex), xstrdup(c->case_digest),
    xstrdup(c->sak_id ? c->sak_id : ""), xstrdup(date), xstrdup(w->operator_name), xstrdup(c->findings),
    xstrdup(c->result_digest), NULL, NULL, xstrdup(w->p->signer_id),
  };
  bool ok = audit_append(w->db, &rec, w->store_case ? c->text : NULL, c->len, c->json, c->json_len);
  if (ok) {
    if (!w->first_seq) w->first_seq = rec.seq;
    w->last_seq = rec.seq;
    w->pending++;
  }
  audit_record_free(&rec);
  if (!ok) return fail(w, "kan ikke skrive posten");
  return w->pending < AW_CHUNK || aw_flush(w);
}

bool aw_flush(audit_writer *w)
{
  if (w->in_tx && !audit_commit(w->db)) return fail(w, "kan ikke lagre postene");
  w->in_tx = false;
  w->written += w->pending;
  w->last_committed = w->last_seq;
  w->pending = 0;
  fwrite(w->held.data, 1, w->held.len, stdout);
  fflush(stdout);
  buf_reset(&w->held);
  return true;
}

bool aw_close(audit_writer *w)
{
  bool ok = aw_flush(w);
  if (ok && w->written == 1)
    fprintf(stderr, "norm: 1 vurdering skrevet til revisjonsloggen %s (post %lld)\n", w->path, (long long)w->last_committed);
  else if (ok && w->written)
    fprintf(stderr, "norm: %zu vurderinger skrevet til revisjonsloggen %s (post %lld–%lld)\n", w->written, w->path,
            (long long)w->first_seq, (long long)w->last_committed);
  buf_free(&w->held);
  free(w->operator_name);
  audit_close(w->db);
  free(w);
  return ok;
}
