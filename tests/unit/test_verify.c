/*
** The .normc file and its verifier: a round trip is identical; every single-byte change
** and every truncation is refused; files with a correct digest but a bad jump, operand
** or constant index are refused too.
*/
#include <string.h>

#include "helpers.h"

static const char *const rules =
  "retningslinje X \"T\"\n"
  "  gjelder_når alder(barn.fodselsdato) <= 6\n"
  "parameter grense = 6 måneder\n"
  "regel X-EN bør \"En\"\n"
  "  for hvert t i tiltak der t.type = \"omsorgsendrende\"\n"
  "  krev t.planlagt_slutt >= t.start + grense og samsvarer(t.id, \"^T\\d+$\")\n"
  "  melding \"Tiltak {t.id}\"\n"
  "regel X-TO krav \"To\"\n"
  "  krev finnes e i evalueringer: e.dato >= vurderingsdato\n";

static void compiled(buf *bytes)
{
  buf_init(bytes);
  assert_true(th_compile("v.norm", rules, bytes, NULL));
}

static bool loads(const buf *b, char **why)
{
  bc_program p;
  *why = NULL;
  bool ok = bcf_load((const uint8_t *)b->data, b->len, &p, why);
  bc_free(&p);
  return ok;
}

static void test_round_trip(void **state)
{
  (void)state;
  buf a, b;
  compiled(&a);
  bc_program p;
  char *why = NULL;
  assert_true(bcf_load((const uint8_t *)a.data, a.len, &p, &why));
  buf_init(&b);
  bcf_write(&p, &b);
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.data, b.data, a.len);
  bc_free(&p);
  buf_free(&a);
  buf_free(&b);
}

static void test_every_byte_changed_is_refused(void **state)
{
  (void)state;
  buf a;
  compiled(&a);
  for (size_t i = 0; i < a.len; i++) {
    char *why;
    a.data[i] ^= 0x01;
    bool ok = loads(&a, &why);
    a.data[i] ^= 0x01;
    if (ok) fail_msg("a change at byte %zu was accepted", i);
    free(why);
  }
  buf_free(&a);
}

static void test_truncation_is_refused(void **state)
{
  (void)state;
  buf a;
  compiled(&a);
  size_t full = a.len;
  for (size_t n = 0; n < full; n += (n < 64 ? 1 : 97)) {
    char *why;
    a.len = n;
    assert_false(loads(&a, &why));
    free(why);
  }
  buf_free(&a);
}

/* Rewrites the digest so that only the verifier stands between the file and the VM. */
static void reseal(buf *b)
{
  bcf_sha256(b->data + BC_HEADER_LEN, b->len - BC_HEADER_LEN, (uint8_t *)b->data + 20);
}

/* Finds the byte offset of the first instruction `op` in the check block of rule `id`. */
static size_t find_op_in(const buf *b, const char *id, opcode op)
{
  bc_program p;
  char *why = NULL;
  assert_true(bcf_load((const uint8_t *)b->data, b->len, &p, &why));
  const bc_block *blk = NULL;
  for (size_t i = 0; i < p.rules.len; i++)
    if (!strcmp(bc_str(&p, p.rules.items[i].id), id)) blk = &p.blocks.items[p.rules.items[i].check];
  assert_non_null(blk);
  size_t at = 0;
  for (uint32_t pc = 0; pc < blk->len; pc += bc_ops[p.code.items[blk->start + pc]].len)
    if (p.code.items[blk->start + pc] == op) { at = blk->start + pc; break; }
  /* the code is followed by version 3's explanation section and version 4's value names (bcfile.c) */
  size_t tail = p.conds.len * 16 + p.guides.len * 4 + p.rules.len * 16;
  for (size_t i = 0; i < p.records.len; i++) tail += p.records.items[i].fields.len * 4;
  for (size_t i = 0; i < p.types.len; i++) tail += 4 + p.types.items[i].labels.len * 4;
  size_t code_off = b->len - tail - p.code.len;
  bc_free(&p);
  assert_true(at > 0 || op == OP_ROOT);
  return code_off + at;
}

static size_t find_op(const buf *b, opcode op) { return find_op_in(b, "X-EN", op); }

static void expect_refused(buf *b, const char *reason)
{
  char *why;
  reseal(b);
  assert_false(loads(b, &why));
  assert_non_null(why);
  if (!strstr(why, reason)) fail_msg("expected «%s» in «%s»", reason, why);
  free(why);
}

static void test_correct_digest_bad_jump(void **state)
{
  (void)state;
  buf a;
  compiled(&a);
  size_t at = find_op(&a, OP_JUMP_FALSE);
  a.data[at + 1] = (char)0xF0;     /* jump far beyond the block */
  expect_refused(&a, "hopp til");
  buf_free(&a);
  compiled(&a);
  at = find_op(&a, OP_JUMP_FALSE);
  a.data[at + 1] += 1;             /* into the middle of an instruction */
  expect_refused(&a, "lander ikke på en instruksjon");
  buf_free(&a);
}

static void test_correct_digest_bad_operand_and_constant(void **state)
{
  (void)state;
  buf a;
  compiled(&a);
  size_t at = find_op(&a, OP_CONST);
  a.data[at + 1] = (char)0xFF;
  a.data[at + 2] = (char)0x7F;
  expect_refused(&a, "utenfor gyldig område");
  buf_free(&a);
  compiled(&a);
  at = find_op(&a, OP_LOCAL);
  a.data[at + 1] = (char)0xFE;
  expect_refused(&a, "utenfor gyldig område");
  buf_free(&a);
  compiled(&a);
  at = find_op(&a, OP_CONST);
  a.data[at] = (char)0xEE;         /* an opcode that does not exist */
  expect_refused(&a, "ukjent instruksjon");
  buf_free(&a);
  /* the VM's own pairs (vm.c) are never in a file */
  static const opcode lean[] = { OP_LEAN_LOCAL_FIELD, OP_LEAN_ROOT_FIELD };
  for (size_t i = 0; i < sizeof lean / sizeof *lean; i++) {
    compiled(&a);
    at = find_op(&a, OP_LOCAL);
    a.data[at] = (char)lean[i];
    expect_refused(&a, "ukjent instruksjon");
    buf_free(&a);
  }
  compiled(&a);
  at = find_op(&a, OP_COND);
  a.data[at] = OP_POP;             /* leaves the stack short at RETURN */
  a.data[at + 1] = OP_POP;
  a.data[at + 2] = OP_POP;
  expect_refused(&a, "stakken");
  buf_free(&a);
}

static void put_le32(uint8_t *at, uint32_t v)
{
  for (int i = 0; i < 4; i++) at[i] = (uint8_t)(v >> (8 * i));
}

/* Two blocks over the same code: each is sound alone, but the VM lays out every block's
** code into room for the code once, so they were written past its end (found by
** fuzz-normc, 2 December 2026). The verifier refuses blocks that overlap. */
static void test_correct_digest_overlapping_blocks(void **state)
{
  (void)state;
  buf a;
  compiled(&a);
  bc_program p;
  char *why = NULL;
  assert_true(bcf_load((const uint8_t *)a.data, a.len, &p, &why));
  assert_true(p.blocks.len >= 2);
  const bc_block *b0 = &p.blocks.items[0], *b1 = &p.blocks.items[1];
  uint8_t entry[20];                 /* block 1 as the file has it: start, len, locals, loops, kind */
  const uint32_t fields[5] = { b1->start, b1->len, b1->nlocals, b1->niters, (uint32_t)b1->kind };
  for (int i = 0; i < 5; i++) put_le32(entry + 4 * i, fields[i]);
  uint8_t *at = NULL;
  for (size_t i = 0; i + sizeof entry <= a.len; i++)
    if (!memcmp(a.data + i, entry, sizeof entry)) {
      assert_null(at);               /* the entry is found once */
      at = (uint8_t *)a.data + i;
    }
  assert_non_null(at);
  put_le32(at, b0->start);           /* block 1 is now block 0's code, sound on its own */
  put_le32(at + 4, b0->len);
  bc_free(&p);
  expect_refused(&a, "kodeblokk 1 begynner før kodeblokk 0 slutter");
  buf_free(&a);
}

/* The verifier types the program: an instruction of the right shape but the wrong meaning
** is refused before it runs (found by the adversarial review, issue 14). */
static void test_correct_digest_wrong_types(void **state)
{
  (void)state;
  buf a;
  /* ITER_INIT replaced by an instruction of the same shape: ITER_NEXT would walk the
  ** iterator left from an earlier run (another case's list) */
  compiled(&a);
  size_t at = find_op_in(&a, "X-TO", OP_ITER_INIT);
  a.data[at] = OP_SETLOCAL;
  expect_refused(&a, "en løkke brukes uten at den er startet på alle veier hit");
  buf_free(&a);
  /* a field read from a duration: the measure's local replaced by the constant «grense» */
  compiled(&a);
  size_t k = find_op(&a, OP_CONST);
  at = find_op(&a, OP_LOCAL);
  a.data[at] = OP_CONST;
  a.data[at + 1] = a.data[k + 1];
  a.data[at + 2] = a.data[k + 2];
  expect_refused(&a, "et felt leses fra noe som ikke er en post");
  buf_free(&a);
  /* date arithmetic with a record instead of a duration */
  compiled(&a);
  at = find_op(&a, OP_CONST);
  size_t l = find_op(&a, OP_LOCAL);
  a.data[at] = OP_LOCAL;
  a.data[at + 1] = a.data[l + 1];
  a.data[at + 2] = a.data[l + 2];
  expect_refused(&a, "datoregning uten en dato og en varighet");
  buf_free(&a);
  /* a field index beyond the record's fields */
  compiled(&a);
  at = find_op(&a, OP_FIELD);
  a.data[at + 1] = 12;            /* below the largest record's 13 fields, above a measure's 11 */
  a.data[at + 2] = 0;
  expect_refused(&a, "feltet finnes ikke i posten");
  buf_free(&a);
}

static void test_wrong_magic_and_version(void **state)
{
  (void)state;
  buf a;
  compiled(&a);
  char *why;
  a.data[0] = 'X';
  assert_false(loads(&a, &why));
  assert_non_null(strstr(why, "ikke en kompilert norm-regelsettfil"));
  free(why);
  a.data[0] = 'N';
  a.data[8] = 9;
  assert_false(loads(&a, &why));
  assert_non_null(strstr(why, "formatversjon 9 støttes ikke"));
  free(why);
  buf_free(&a);
}

int th_verify_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_round_trip),
    cmocka_unit_test(test_every_byte_changed_is_refused),
    cmocka_unit_test(test_truncation_is_refused),
    cmocka_unit_test(test_correct_digest_bad_jump),
    cmocka_unit_test(test_correct_digest_bad_operand_and_constant),
    cmocka_unit_test(test_correct_digest_overlapping_blocks),
    cmocka_unit_test(test_correct_digest_wrong_types),
    cmocka_unit_test(test_wrong_magic_and_version),
  };
  return cmocka_run_group_tests_name("bytekode og verifikator", tests, NULL, NULL);
}
