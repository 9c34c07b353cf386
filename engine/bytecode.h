/*
** The compiled rule set: a program of code blocks, a constant pool, the fact schema,
** the guideline and rule tables, and the condition texts the trace refers to.
** This header owns the encoding of instructions and of the `.normc` file; the
** compiler (compile.c), the writer/reader (bcfile.c), the verifier (verify.c), the
** VM (vm.c) and the disassembler (disasm.c) depend on it.
**
** Instruction layout: [op:u8][operands per opcodes.h], little-endian.
** File layout (bcfile.c):
**   "NORMC\0\r\n" | version:u32 | payload length:u64 | SHA-256 of payload:32 bytes | payload
**   [ "NORMSIG1" | Ed25519 public key:32 bytes | signature of header and payload:64 bytes ]
** The trailer is there only in a signed rule set (norm compile --sign, sign.h).
** Version 3 appends, after the code, what explanations need: every field's label, every
** condition's parent, kind and words, and the top condition of each guideline and rule block.
*/
#ifndef NORM_BYTECODE_H
#define NORM_BYTECODE_H

#include "util.h"
#include "value.h"

typedef enum {
#define OPCODE(name, shape, pop, push, doc) OP_##name,
#include "opcodes.h"
#undef OPCODE
  OP__COUNT,
  /* The VM's own forms of two instructions as one, made when it lays out the code it runs
  ** when no coverage is recorded (vm.c, lay_out); never in a file, since the verifier refuses
  ** every opcode from OP__COUNT on. */
  OP_LEAN_LOCAL_FIELD = OP__COUNT,   /* [op][local u16][field u16]: [] -> [local[a].field[b]] */
  OP_LEAN_ROOT_FIELD,                /* [op][field u16]: [] -> [root.field[a]] */
} opcode;

typedef enum { SHAPE_NONE, SHAPE_U16, SHAPE_JUMP, SHAPE_LOOP, SHAPE_NEXT, SHAPE_CALL } op_shape;

typedef struct {
  const char *name;
  op_shape shape;
  int pop, push;             /* pop -1: the CALL's argument count */
  const char *doc;
  uint8_t len;               /* instruction length in bytes, derived from shape */
} op_info;

extern const op_info bc_ops[OP__COUNT];
/* An instruction's length by its operand shape; and each opcode's as a constant,
** BC_LEN_CONST == bc_ops[OP_CONST].len, for code that knows which opcode it is at (the VM's
** loop: no table is read to find the next instruction). */
#define SHAPE_LEN_NONE 1
#define SHAPE_LEN_U16 3
#define SHAPE_LEN_JUMP 3
#define SHAPE_LEN_LOOP 3
#define SHAPE_LEN_NEXT 7
#define SHAPE_LEN_CALL 4
enum {
#define OPCODE(name, shape, pop, push, doc) BC_LEN_##name = SHAPE_LEN_##shape,
#include "opcodes.h"
#undef OPCODE
};

#define BC_MAGIC "NORMC\0\r\n"
#define BC_VERSION 4u              /* 3 added labels and the condition tree, 4 the choices' labels;
                                      2 and 3 are still read */
#define BC_HEADER_LEN 52u
#define BC_SIG_MAGIC "NORMSIG1"
#define BC_SIG_LEN 104u                /* the signature trailer: magic, key, signature */
#define BC_NONE 0xFFFFFFFFu
#define BC_MAX_STACK 256u
#define BC_MAX_LOCALS 256u
#define BC_MAX_ITERS 64u

static inline uint16_t bc_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

/* ---- the schema of case files ---- */

typedef enum { TK_ERROR, TK_BOOL, TK_NUM, TK_TEXT, TK_DATE, TK_DUR, TK_ANY, TK_LIST, TK_REC } type_kind;
enum { TY_ERROR, TY_BOOL, TY_NUM, TY_TEXT, TY_DATE, TY_DUR, TY_ANY, TY__BUILTIN };

typedef struct {
  uint32_t kind;             /* type_kind */
  uint32_t elem;             /* TK_LIST: element type */
  uint32_t rec;              /* TK_REC: record index */
  VEC(uint32_t) values;      /* TK_TEXT: allowed values (string ids); none = any text */
  VEC(uint32_t) labels;      /* per value: what people call it (string id), or BC_NONE; may be empty */
  uint32_t ref;              /* TK_TEXT: root field (a list) whose item ids it must name, or BC_NONE */
  VEC(uint32_t) extra;       /* TK_TEXT with ref: further allowed values */
} bc_type;

typedef struct {
  uint32_t name;             /* string id */
  uint32_t type;
  uint32_t required;
  uint32_t label;            /* string id of what people call it («planlagt slutt»), or BC_NONE */
} bc_field;

typedef struct {
  uint32_t name;
  VEC(bc_field) fields;
  uint32_t id_field;         /* index of the field named "id", or BC_NONE */
} bc_record;

/* ---- constants ---- */

typedef enum { K_NUM, K_STR, K_DATE, K_DUR, K_REGEX, K_LIST } const_kind;

typedef struct {
  uint32_t kind;
  double num;
  uint32_t str;              /* K_STR, K_REGEX: string id */
  int32_t date, months, days;
  VEC(uint32_t) items;       /* K_LIST: constant ids (scalars) */
} bc_const;

/* ---- code ---- */

typedef struct {
  uint32_t start, len;       /* byte range in program.code */
  uint32_t nlocals, niters;
  uint32_t max_stack;        /* computed by the verifier */
  uint32_t kind;             /* BLOCK_* below, for the disassembler */
} bc_block;

typedef enum {
  BLOCK_GUIDE_COND, BLOCK_COLL, BLOCK_FILTER, BLOCK_SCOPE, BLOCK_EXCEPTION, BLOCK_CHECK,
  BLOCK_MESSAGE, BLOCK_MESSAGE_OK, BLOCK_DOC, BLOCK_JUSTIFIED, BLOCK__COUNT
} block_kind;

#define COND_INLINED 1u           /* written in a definition, not in the rule's own text */

/* What a condition is made of, for explanations: a compound explains itself by its parts
** (parent links point up), a use of a definition by its meaning, a leaf by its words. */
typedef enum { CK_LEAF, CK_AND, CK_OR, CK_NOT, CK_ALL, CK_EXISTS, CK_DEF, CK__COUNT } cond_kind;

typedef struct {
  uint32_t text;             /* source text of the condition */
  uint32_t file;             /* string id of the source file name */
  uint32_t line, col;
  uint32_t flags;            /* COND_* */
  uint32_t parent;           /* the condition this one is a part of, or BC_NONE */
  uint32_t kind;             /* cond_kind */
  uint32_t words, words_false;  /* string ids: the condition in words, when it holds and when
                                   not; "\x01R:F\x01" stands for the value of field F of record R */
} bc_cond;

typedef struct { uint32_t pc, line; } bc_line;  /* instruction at pc comes from line */

typedef struct {
  uint32_t id, title, publisher, document, version;   /* string ids, BC_NONE if absent */
  int32_t updated, from, to;                          /* INT32_MIN/INT32_MAX if absent */
  uint32_t cond;                                      /* block, BC_NONE: always applies */
  uint32_t cond_text;                                 /* string id of its source */
  uint32_t file;                                      /* string id of the source file name */
  uint32_t cond_top;                                  /* the condition that is all of cond, or BC_NONE */
} bc_guide;

typedef struct {
  uint32_t type, text;       /* dokumentasjon type and what to document (string ids) */
  uint32_t on_deviation;
  uint32_t check;            /* block: is it on file? */
} bc_doc;

typedef enum { ST_KRAV, ST_BOR, ST_KAN } bc_strength;

typedef struct {
  uint32_t id, title, quote;                 /* string ids */
  uint32_t guide;
  uint32_t strength;
  int32_t from, to;
  uint32_t line;
  uint32_t var_local;                        /* per-item: local slot of the item, else BC_NONE */
  uint32_t coll, filter, scope, exception, check, message, message_ok;   /* blocks or BC_NONE */
  uint32_t check_text;                       /* string id of the check's source */
  uint32_t filter_top, scope_top, exception_top, check_top;   /* each block's whole condition, or BC_NONE */
  VEC(uint32_t) sources, aliases;            /* string ids */
  VEC(bc_doc) docs;
} bc_rule;

typedef struct {
  VEC(nstr *) strings;
  hindex string_index;       /* bc_intern's index of strings (built lazily; not serialized) */
  VEC(bc_const) consts;
  VEC(bc_type) types;
  VEC(bc_record) records;
  uint32_t root;             /* root record */
  uint32_t format;           /* string id of the case format name ("saksmappe/1") */
  uint32_t name;             /* string id of the rule set's name */
  VEC(bc_cond) conds;
  VEC(bc_guide) guides;
  VEC(bc_rule) rules;
  VEC(bc_block) blocks;
  VEC(bc_line) lines;
  uint32_t justified;        /* block: is a deviation justified on file? BC_NONE if none */
  VEC(uint8_t) code;
  void **regex;              /* pcre2_code * per K_REGEX constant (else NULL), compiled by the verifier */
  uint32_t *same_id;         /* per rule: the next rule with the same id, in a cycle (the verifier) */
  uint8_t sha256[32];        /* digest of the serialized payload */
  char sha256_hex[65];
  bool is_signed;            /* loaded with a signature that verified (bcf_load) */
  uint8_t signer[32];        /* then: the Ed25519 public key that signed it */
  char signer_id[17];        /* and its key id (sign_key_id), else "" */
} bc_program;

void bc_init(bc_program *p);
void bc_free(bc_program *p);
uint32_t bc_intern(bc_program *p, const char *s, size_t len);
const char *bc_str(const bc_program *p, uint32_t id);   /* "" for BC_NONE */
const nstr *bc_nstr(const bc_program *p, uint32_t id);  /* the same, with its length (jw_nstr) */
/* What people call value s of choice type t (valg("hoy" = "høy")), or NULL when it has no
** label; t may be a list of such a choice. bc_has_labels: whether t (or its items) has any. */
const char *bc_choice_label(const bc_program *p, uint32_t t, const char *s, size_t len);
bool bc_has_labels(const bc_program *p, uint32_t t);
uint32_t bc_type_new(bc_program *p, uint32_t kind);
uint32_t bc_list_of(bc_program *p, uint32_t elem);
const char *bc_type_name(const bc_program *p, uint32_t t, buf *out);
uint32_t bc_line_of(const bc_program *p, uint32_t pc);

/* Appends to out everything rule `rule` decides with: the schema, its guideline's condition
** and validity, its strength, validity, scope, exception, check and documentation points
** (constants by value, so parameters and definitions are in it), and for a bør how a
** deviation is justified. Two rules with the same bytes give the same findings for every
** case; titles, quotes, sources and messages are not in it. */
void bc_rule_logic(const bc_program *p, uint32_t rule, buf *out);
/* The same for one block (BC_NONE allowed), e.g. to compare what two messages say. */
void bc_block_logic(const bc_program *p, uint32_t block, buf *out);

#endif
