/*
** The abstract syntax tree of rule files. Every node is allocated from the arena of the
** `ast_unit` that owns it and freed in one call (ast_unit_free). The parser builds it,
** sema annotates it (types, resolved names), the compiler reads it.
*/
#ifndef NORM_AST_H
#define NORM_AST_H

#include "diag.h"

typedef struct ast_expr ast_expr;
typedef struct ast_def ast_def;
typedef struct ast_param ast_param;

typedef enum {
  AST_NUM, AST_STR, AST_DATE, AST_DUR, AST_BOOL, AST_UNKNOWN,
  AST_NAME,      /* identifier: variable, parameter, definition, root field, vurderingsdato */
  AST_FIELD,     /* base.name */
  AST_CALL,      /* name(args): built-in or definition */
  AST_NOT, AST_NEG,
  AST_BINARY,
  AST_QUANT,     /* finnes / alle / antall */
  AST_LIST,      /* [a, b, c] */
} ast_kind;

typedef enum {
  BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV,
  BIN_EQ, BIN_NE, BIN_LT, BIN_LE, BIN_GT, BIN_GE,
  BIN_AND, BIN_OR, BIN_IN,
} ast_binop;

typedef enum { Q_EXISTS, Q_ALL, Q_COUNT } ast_quant;

typedef enum { NAME_UNRESOLVED, NAME_LOCAL, NAME_PARAM, NAME_DEF, NAME_ROOTFIELD, NAME_TODAY } name_kind;

typedef struct {
  ast_expr **items;
  size_t len;
} ast_list;

struct ast_expr {
  ast_kind kind;
  srcloc loc;
  uint32_t type;               /* set by sema: the program's type id of the value (0 until then) */
  union {
    double num;
    struct { char *s; size_t len; } str;
    int32_t date;                                 /* days since 1970-01-01 */
    struct { int32_t months, days; } dur;
    bool boolean;
    struct {
      char *name;
      name_kind kind;
      uint32_t slot;                              /* local slot or root field index */
      ast_param *param;
      ast_def *def;
    } name;
    struct { ast_expr *base; char *name; uint32_t field; } field;
    struct {
      char *name;
      srcloc name_loc;
      ast_list args;
      int builtin;                                /* index into std_builtins, or -1 */
      ast_def *def;
      uint32_t regex;                             /* constant index for samsvarer() */
    } call;
    ast_expr *unary;
    struct { ast_binop op; ast_expr *l, *r; } bin;
    struct {
      ast_quant q;
      char *var;
      srcloc var_loc;
      uint32_t slot;
      ast_expr *coll, *filter, *body;
    } quant;
    ast_list list;
  } u;
};

typedef struct {
  char *s;                     /* decoded text */
  size_t len;
  srcloc loc;                  /* includes the quotes */
} ast_string;

typedef enum { STRENGTH_KRAV, STRENGTH_BOR, STRENGTH_KAN } strength;

typedef struct {
  char *type;                  /* dokumentasjon type that satisfies it */
  srcloc type_loc;
  ast_string text;
  bool on_deviation;           /* only required when the check is not met */
} ast_docpoint;

typedef struct ast_guideline ast_guideline;

/* What a rule or a guideline's condition reaches, directly or through definitions it
** uses: filled by semantic analysis (the compiler's checking walk), read by doc, lint,
** graph and diff so that none of them resolves names again. */
typedef struct {
  VEC(ast_param *) params;
  VEC(ast_def *) defs;
  VEC(const char *) facts;     /* fact paths read, "tiltak[].start" (strings in the unit's arena) */
} ast_uses;

typedef struct {
  char *id;
  srcloc id_loc;
  srcloc loc;
  strength strength;
  ast_string title;
  ast_string quote;
  bool has_quote;
  VEC(ast_string) sources;
  VEC(char *) aliases;
  int32_t from, to;            /* validity, INT32_MIN/INT32_MAX when not set */
  bool has_from, has_to;
  char *var;                   /* for hvert VAR i COLL der FILTER */
  srcloc var_loc;
  uint32_t var_slot;
  ast_expr *coll, *filter;
  ast_expr *scope;             /* når */
  ast_expr *exception;         /* unntak */
  ast_expr *check;             /* krev */
  ast_string message, message_ok;
  bool has_message, has_message_ok;
  VEC(ast_docpoint) docs;
  ast_guideline *guideline;
  uint32_t locals;             /* local slots the rule needs, set by sema */
  ast_uses uses;               /* set by sema; the guideline's condition is in guideline->uses */
} ast_rule;

struct ast_guideline {
  char *id;
  srcloc loc;
  ast_string title;
  ast_string publisher, document, version;
  bool has_publisher, has_document, has_version;
  int32_t updated, from, to;
  bool has_updated, has_from, has_to;
  ast_expr *cond;              /* gjelder_når */
  ast_uses uses;               /* what cond reaches, set by sema */
  uint32_t locals;
  VEC(ast_rule *) rules;
};

struct ast_param {
  char *name;
  srcloc loc;
  ast_expr *value;
  bool used;
};

struct ast_def {
  char *name;
  srcloc loc;
  VEC(char *) params;
  VEC(srcloc) param_locs;
  ast_string phrase, phrase_false;  /* what it means, when it holds and when it does not */
  bool has_phrase, has_phrase_false;
  ast_expr *body;
  bool used;
  int state;                   /* sema: 0 unchecked, 1 checking, 2 done */
};

/* Schema: the shape of case files, written in the language. */
typedef enum { TS_NAME, TS_LIST, TS_CALL } typespec_kind;
typedef struct ast_typespec ast_typespec;
struct ast_typespec {
  typespec_kind kind;
  srcloc loc;
  char *name;                  /* TS_NAME/TS_CALL: tekst, tall, dato, sannhet, a record, valg, id */
  ast_typespec *elem;          /* TS_LIST */
  VEC(ast_string) args;        /* TS_CALL: valg("a","b") / id(liste, "ekstra") */
  VEC(ast_string) arg_labels;  /* per arg: valg("hoy" = "høy"): what people call the value (s NULL: none) */
  VEC(char *) idargs;
};

typedef struct {
  char *name;
  srcloc loc;
  ast_typespec *type;
  bool required;
  ast_string label;            /* how people call the fact («planlagt slutt»), or empty */
  bool has_label;
} ast_fielddecl;

typedef struct {
  char *name;
  srcloc loc;
  VEC(ast_fielddecl) fields;
} ast_record;

typedef struct {
  ast_string format;
  char *root;
  srcloc loc;
  bool present;
} ast_schema;

/* Everything parsed in one compilation (all files), owned by its arena. */
typedef struct {
  arena mem;
  srcset *src;
  VEC(ast_guideline *) guidelines;
  VEC(ast_param *) params;
  VEC(ast_def *) defs;
  VEC(ast_record *) records;
  VEC(ast_typespec *) typespecs; /* every typespec with arguments, attached or not: their
                                  vectors are freed from here, also after a syntax error */
  ast_schema schema;
  ast_string ruleset_name;
  bool has_ruleset_name;
  srcloc ruleset_loc;
  ast_guideline *current;      /* parser: guideline that following rules belong to */
  VEC(ast_string) imports;     /* parser: files named by `bruk` in the file being parsed */
  ast_expr *parsed_expr;       /* parser: result of an expression-only parse */
} ast_unit;

/* How deep an expression may nest. Every walk over the tree (compiler, lint, doc, graph,
** words) recurses; ast_check_depth refuses deeper trees, without recursing, before any of
** them runs. */
#define AST_MAX_DEPTH 500
bool ast_check_depth(const ast_unit *u);

void ast_unit_init(ast_unit *u, srcset *src);
void ast_unit_free(ast_unit *u);

ast_expr *ast_new(ast_unit *u, ast_kind kind, srcloc loc);
ast_expr *ast_binary(ast_unit *u, ast_binop op, ast_expr *l, ast_expr *r, srcloc loc);
srcloc loc_join(srcloc a, srcloc b);
void ast_list_push(ast_unit *u, ast_list *l, ast_expr *e);

#endif
