// The simdjson side of engine/json_simd.h: one dom::parser per jsd_parser, elements
// passed to C as their 16 bytes (a dom::element is a trivially copyable tape reference).
#include "json_simd.h"

#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

#include <simdjson.h>

using simdjson::dom::element;

struct jsd_parser {
  simdjson::dom::parser parser;
};

static_assert(sizeof(element) == sizeof(jsd_val), "a handle holds a dom::element");
static_assert(simdjson::SIMDJSON_VERSION_MAJOR >= 1, "json_simd.h reads the tape as simdjson 1 and later lay it out");
static_assert(std::is_trivially_copyable<element>::value, "elements are copied as bytes");

// Word by word: the element has just been made on the stack in two stores, and one
// 16-byte load of it would wait for both to retire (a failed store-to-load forwarding).
static jsd_val out(const element &e)
{
  static_assert(sizeof(jsd_val) == 2 * sizeof(uint64_t), "a handle is two words");
  const unsigned char *b = reinterpret_cast<const unsigned char *>(&e);
  uint64_t doc, index;
  std::memcpy(&doc, b, sizeof doc);
  std::memcpy(&index, b + sizeof doc, sizeof index);
  jsd_val v;
  std::memcpy(&v.doc, &doc, sizeof doc);
  v.index = static_cast<size_t>(index);
  return v;
}

static element in(jsd_val v)
{
  element e;
  std::memcpy(static_cast<void *>(&e), &v, sizeof v);
  return e;
}

extern "C" {

jsd_parser *jsd_new(void) { return new (std::nothrow) jsd_parser(); }

void jsd_free(jsd_parser *p) { delete p; }

jsd_status jsd_parse(jsd_parser *p, const char *s, size_t n, jsd_doc *doc)
{
  element e;
  try {
    simdjson::error_code err = p->parser.parse(s, n, true).get(e);
    if (err == simdjson::MEMALLOC) return JSD_NOMEM;
    if (err != simdjson::SUCCESS) return JSD_INVALID;
  } catch (const std::bad_alloc &) {          // no exception crosses into C
    return JSD_NOMEM;
  }
  const simdjson::dom::document &d = p->parser.doc;
  doc->tape = d.tape.get();
  doc->strings = d.string_buf.get();
  doc->doc = &d;
  // not the layout json_simd.h reads: the root word first, the value after it
  if (out(e).doc != doc->doc || out(e).index != JSD_ROOT || (doc->tape[0] >> 56) != 'r') return JSD_INVALID;
  return JSD_OK;
}

jsd_kind jsd_type(jsd_val v)
{
  switch (in(v).type()) {
  case simdjson::dom::element_type::ARRAY: return JSD_ARR;
  case simdjson::dom::element_type::OBJECT: return JSD_OBJ;
  case simdjson::dom::element_type::INT64: return JSD_INT;
  case simdjson::dom::element_type::UINT64: return JSD_UINT;
  case simdjson::dom::element_type::DOUBLE: return JSD_REAL;
  case simdjson::dom::element_type::STRING: return JSD_STR;
  case simdjson::dom::element_type::BOOL: return JSD_BOOL;
  default: return JSD_NULL;
  }
}

bool jsd_bool(jsd_val v)
{
  bool b = false;
  return in(v).get_bool().get(b) == simdjson::SUCCESS && b;
}

int64_t jsd_int(jsd_val v)
{
  int64_t i = 0;
  return in(v).get_int64().get(i) == simdjson::SUCCESS ? i : 0;
}

double jsd_num(jsd_val v)
{
  double d = 0;
  return in(v).get_double().get(d) == simdjson::SUCCESS ? d : 0;   // converts integers too
}

const char *jsd_str(jsd_val v, size_t *len)
{
  std::string_view s;
  if (in(v).get_string().get(s) != simdjson::SUCCESS) {
    *len = 0;
    return "";
  }
  *len = s.size();
  return s.data();
}

// The tape's own count, unless it has saturated at 2^24 - 1: then counted by walking.
size_t jsd_len(jsd_val v)
{
  const size_t saturated = 0xFFFFFF;
  element e = in(v);
  simdjson::dom::array a;
  simdjson::dom::object o;
  size_t n = 0;
  if (e.get_array().get(a) == simdjson::SUCCESS) {
    if ((n = a.size()) < saturated) return n;
    n = 0;
    for (element x : a) (void)x, n++;
  } else if (e.get_object().get(o) == simdjson::SUCCESS) {
    if ((n = o.size()) < saturated) return n;
    n = 0;
    for (auto kv : o) (void)kv, n++;
  }
  return n;
}

void jsd_items(jsd_val v, jsd_val *o)
{
  simdjson::dom::array a;
  if (in(v).get_array().get(a) != simdjson::SUCCESS) return;
  size_t i = 0;
  for (element x : a) o[i++] = out(x);
}

void jsd_members(jsd_val v, jsd_member *o)
{
  simdjson::dom::object obj;
  if (in(v).get_object().get(obj) != simdjson::SUCCESS) return;
  size_t i = 0;
  for (auto kv : obj) {
    o[i].key = kv.key.data();
    o[i].len = kv.key.size();
    o[i].val = out(kv.value);
    i++;
  }
}

}
