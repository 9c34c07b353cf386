/*
** `norm fmt` on any rule file: a file that parses is formatted (never the formatter's own
** "intern feil", which would leave an editor's valid file unformattable), and formatting
** the result again changes nothing. The formatter itself checks that only whitespace
** changed (format.c); this harness checks what it promises beyond that.
*/
#include <string.h>

#include "format.h"
#include "fuzz_common.h"
#include "lexer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  return 0;
}

/* Formats text as file "regler.norm"; false when it does not parse, or when it parses and
** the formatter refused its own result (*internal). (Not read from the messages: a file can
** quote any words, and one that quoted the formatter's was taken for a find.) */
static bool format(const char *text, size_t len, buf *out, bool *internal)
{
  srcset src;
  src_init(&src);
  uint32_t f = src_add(&src, "regler.norm", "regler.norm", xstrndup(text, len), len);
  ast_unit u;
  ast_unit_init(&u, &src);
  bool parses = lex_parse_file(&u, f);
  ast_unit_free(&u);
  bool ok = fmt_file(&src, f, out);
  *internal = parses && !ok;
  src_free(&src);
  return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > 64 * 1024) return 0;       /* the layout is linear; longer inputs only slow the search */
  buf once, twice;
  buf_init(&once);
  buf_init(&twice);
  bool internal;
  bool ok = format((const char *)data, size, &once, &internal);
  if (internal) {
    fprintf(stderr, "fuzz-fmt: formateringen endret tokenene i en fil som kunne leses\n");
    abort();
  }
  if (ok) {
    if (!format(once.data ? once.data : "", once.len, &twice, &internal)) {
      fprintf(stderr, "fuzz-fmt: den formaterte teksten kan ikke formateres:\n%.*s\n", (int)once.len, once.data);
      abort();
    }
    if (once.len != twice.len || (once.len && memcmp(once.data, twice.data, once.len))) {
      fprintf(stderr, "fuzz-fmt: å formatere to ganger endret teksten:\n--- én gang\n%.*s\n--- to ganger\n%.*s\n",
              (int)once.len, once.data, (int)twice.len, twice.data);
      abort();
    }
  }
  buf_free(&once);
  buf_free(&twice);
  return 0;
}
