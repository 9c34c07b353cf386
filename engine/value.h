/*
** Runtime values of the VM and the case representation they point into. A value is
** 16 bytes; strings, lists and records live in the case's arena (or the program's, for
** constants) and are never freed one by one. V_UNKNOWN is "not recorded" (absent or
** null in the case file) or a result that depends on it.
*/
#ifndef NORM_VALUE_H
#define NORM_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { V_UNKNOWN, V_BOOL, V_NUM, V_STR, V_DATE, V_DUR, V_LIST, V_REC } vtag;

/* A string: len bytes and a NUL. plain: the bytes go into JSON as they are (valid UTF-8, no
** quote, backslash or control character), known where it was checked (a program's strings,
** jw_plain); 0 is "not known", and such a string is escaped as it is written. */
typedef struct nstr { uint32_t len; uint8_t plain; char s[]; } nstr;
typedef struct nlist nlist;
typedef struct nrec nrec;

typedef struct {
  uint32_t tag;
  union {
    bool b;
    double num;
    int32_t date;
    struct { int32_t months, days; } dur;
    const nstr *str;
    const nlist *list;
    const nrec *rec;
  } u;
} value;

struct nlist {
  uint32_t n;
  const nrec *parent;        /* the record holding this list (for JSON paths), or NULL */
  uint32_t parent_field;
  value items[];
};

/* A record of the case: fields in the slots the schema assigned. A loaded case is
** read-only: `fact` numbers the record's fields among all fields of the case
** (fact + f for field f), so a VM can keep per-fact bookkeeping in itself. */
struct nrec {
  uint32_t type;             /* schema record index */
  uint32_t nfields;
  const nrec *parent;        /* enclosing record, NULL for the root */
  uint32_t parent_field;     /* field of parent holding this record (or its list) */
  int32_t index;             /* position in that list, or -1 */
  uint32_t fact;             /* case-wide number of field 0; see ncase.nfacts */
  value fields[];
};

static inline value v_unknown(void) { value v = { V_UNKNOWN, { 0 } }; return v; }
static inline value v_bool(bool b) { value v = { V_BOOL, { 0 } }; v.u.b = b; return v; }
static inline value v_num(double n) { value v = { V_NUM, { 0 } }; v.u.num = n; return v; }
static inline value v_date(int32_t d) { value v = { V_DATE, { 0 } }; v.u.date = d; return v; }
static inline value v_str(const nstr *s) { value v = { V_STR, { 0 } }; v.u.str = s; return v; }

/* Three-valued truth: 1 true, 0 false, -1 unknown (anything but a bool is unknown). */
static inline int v_truth(value v) { return v.tag == V_BOOL ? (int)v.u.b : -1; }
static inline value v_tri(int t) { return t < 0 ? v_unknown() : v_bool(t != 0); }

#endif
