/*
** norm as a library: judge the case files given on the command line with a rule set,
** through include/norm.h only.
**   cc -Iinclude examples/norm-api.c build/libnorm.a $(libraries) -o norm-api
**   ./norm-api rules/ examples/saksmappe-eksempel.json
*/
#include <stdio.h>
#include <stdlib.h>

#include "norm.h"

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *data = NULL;
  size_t cap = 0;
  *len = 0;
  for (;;) {
    if (*len == cap && !(data = realloc(data, cap = cap ? cap * 2 : 65536))) break;
    size_t n = fread(data + *len, 1, cap - *len, f);
    if (!n) break;
    *len += n;
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "bruk: %s REGLER SAK.json…\n", argv[0]);
    return 2;
  }
  norm_rules *rules;
  norm_error err;
  if (norm_rules_load(argv[1], &rules, &err) != NORM_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 2;
  }
  norm_judge *judge = norm_judge_new(rules);
  int status = 0;
  for (int i = 2; i < argc; i++) {
    size_t len;
    char *json = slurp(argv[i], &len);
    norm_options o = { .format = NORM_FORMAT_COMPACT };
    norm_result res;
    if (!json) {
      fprintf(stderr, "%s: kan ikke leses\n", argv[i]);
      status = 2;
    } else if (norm_judge_case(judge, json, len, &o, &res, &err) != NORM_OK) {
      fprintf(stderr, "%s: %s%s%s\n", argv[i], err.where, *err.where ? ": " : "", err.message);
      status = 2;
    } else {
      printf("%s: %zu brudd, %zu avvik, %zu ukjent (regelsett %.12s)\n", res.sak_id, res.counts[0], res.counts[1],
             res.counts[4], norm_rules_digest(rules));
      if (res.act && status == 0) status = 1;
    }
    free(json);
  }
  norm_judge_free(judge);
  norm_rules_free(rules);
  return status;
}
