/*
** The disassembler: prints a verified program per guideline and rule, each
** instruction with its source line, operands resolved to names and its effect.
*/
#include "disasm.h"

#include <string.h>

#include "date.h"
#include "stdlib/builtins.h"

static const char *const block_names[BLOCK__COUNT] = {
  "gjelder_når", "for hvert (liste)", "for hvert (der)", "når", "unntak", "krev",
  "melding", "melding oppfylt", "dokumentert", "avvik_begrunnet",
};

static void put_const(const bc_program *p, uint32_t k, FILE *out)
{
  const bc_const *c = &p->consts.items[k];
  char d[11];
  switch (c->kind) {
  case K_NUM: fprintf(out, "%g", c->num); break;
  case K_STR: fprintf(out, "\"%s\"", bc_str(p, c->str)); break;
  case K_REGEX: fprintf(out, "/%s/", bc_str(p, c->str)); break;
  case K_DATE: date_format(c->date, d); fputs(d, out); break;
  case K_DUR: fprintf(out, "%d mnd %d d", c->months, c->days); break;
  case K_LIST:
    fputc('[', out);
    for (size_t i = 0; i < c->items.len; i++) {
      if (i) fputs(", ", out);
      put_const(p, c->items.items[i], out);
    }
    fputc(']', out);
    break;
  }
}

void disasm_block(const bc_program *p, uint32_t bi, FILE *out)
{
  const bc_block *b = &p->blocks.items[bi];
  fprintf(out, "  blokk %u: %s (%u byte, %u lokale, stakk %u)\n", bi,
          b->kind < BLOCK__COUNT ? block_names[b->kind] : "?", b->len, b->nlocals, b->max_stack);
  const uint8_t *code = p->code.items + b->start;
  uint32_t last_line = 0;
  for (uint32_t pc = 0; pc < b->len;) {
    const op_info *op = &bc_ops[code[pc]];
    uint32_t line = bc_line_of(p, b->start + pc);
    if (line != last_line) fprintf(out, "%6u", line);
    else fputs("     |", out);
    last_line = line;
    fprintf(out, "  %04u  %-11s", pc, op->name);
    uint32_t a = op->shape != SHAPE_NONE ? bc_u16(code + pc + 1) : 0;
    uint32_t next = pc + op->len;
    switch (op->shape) {
    case SHAPE_NONE: fputs("                ", out); break;
    case SHAPE_U16:
      fprintf(out, "%-5u ", a);
      if (code[pc] == OP_CONST || code[pc] == OP_MATCH) put_const(p, a, out);
      else if (code[pc] == OP_COND) fprintf(out, "«%s»", bc_str(p, p->conds.items[a].text));
      break;
    case SHAPE_JUMP: fprintf(out, "-> %04u", next + a); break;
    case SHAPE_LOOP: fprintf(out, "-> %04u", next - a); break;
    case SHAPE_NEXT:
      fprintf(out, "it%u lokal%u ferdig -> %04u", a, bc_u16(code + pc + 3), next + bc_u16(code + pc + 5));
      break;
    case SHAPE_CALL:
      fprintf(out, "%s/%u", a < std_nbuiltins ? std_builtins[a].name : "?", code[pc + 3]);
      break;
    }
    fprintf(out, "    ; %s\n", op->doc);
    pc = next;
  }
}

static void put_date(int32_t d, FILE *out)
{
  char s[11];
  if (d == INT32_MIN || d == INT32_MAX) { fputs("–", out); return; }
  date_format(d, s);
  fputs(s, out);
}

void disasm_program(const bc_program *p, const char *only_rule, FILE *out)
{
  fprintf(out, "regelsett %s\nsha256 %s\nskjema %s, %zu poster, %zu konstanter, %zu vilkår, %zu byte kode\n",
          bc_str(p, p->name), p->sha256_hex, bc_str(p, p->format), p->records.len, p->consts.len,
          p->conds.len, p->code.len);
  for (size_t gi = 0; gi < p->guides.len; gi++) {
    const bc_guide *g = &p->guides.items[gi];
    if (!only_rule) {
      fprintf(out, "\nretningslinje %s «%s» (%s), gjelder ", bc_str(p, g->id), bc_str(p, g->title), bc_str(p, g->file));
      put_date(g->from, out);
      fputs(" – ", out);
      put_date(g->to, out);
      fputc('\n', out);
      if (g->cond != BC_NONE) disasm_block(p, g->cond, out);
    }
    for (size_t ri = 0; ri < p->rules.len; ri++) {
      const bc_rule *r = &p->rules.items[ri];
      if (r->guide != gi || (only_rule && strcmp(only_rule, bc_str(p, r->id)))) continue;
      static const char *const st[] = { "krav", "bør", "kan" };
      fprintf(out, "\nregel %s %s «%s» (linje %u)\n", bc_str(p, r->id), st[r->strength], bc_str(p, r->title), r->line);
      const uint32_t blocks[] = { r->coll, r->filter, r->scope, r->exception, r->check, r->message, r->message_ok };
      for (size_t k = 0; k < sizeof blocks / sizeof *blocks; k++)
        if (blocks[k] != BC_NONE) disasm_block(p, blocks[k], out);
      for (size_t k = 0; k < r->docs.len; k++) disasm_block(p, r->docs.items[k].check, out);
    }
  }
  if (!only_rule && p->justified != BC_NONE) {
    fputs("\nbegrunnet avvik\n", out);
    disasm_block(p, p->justified, out);
  }
}
