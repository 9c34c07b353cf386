/*
** The audit reader: any bytes as an audit database (SQLite), opened read-only and verified
** record by record, as `norm audit verify` does.
*/
#include "fuzz_common.h"

#include "audit.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char path[256];
  fuzz_file(data, size, "logg.db", path);
  char *err = NULL;
  audit_db *db = audit_open(path, false, &err);
  if (db) {
    audit_check c = { 0 };
    audit_verify(db, &c);
    free(c.why);
    audit_close(db);
  }
  free(err);
  fuzz_done(path);
  return 0;
}
