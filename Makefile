# norm — build, demo and tests.
#   make          release build: build/norm
#   make demo     build and run `norm check` on the example case
#   make bench    speed against hand-written C and C++ on benchmark B (BENCHFLAGS="--cases 20000")
#   make test     every test: unit tests, golden CLI tests, then all again under ASan+UBSan,
#                 and the threaded batch tests under ThreadSanitizer
# Dependencies are Debian packages; tools/install-deps.sh installs what is missing.

CC       ?= cc
PKGS      = libpcre2-8 jansson hogweed nettle sqlite3 libcgraph libgvc simdjson
BUILD    ?= build
MODE     ?= release
# Benchmark workload B: corpus generator, oracle and hand-written baselines (make bench).
BENCHB   ?= ../shared/bench
# The guideline texts the rules quote (norm lint --kilder checks every quote against them).
SEEDS    ?= ../shared/seeds

WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wformat=2
BASEFLAGS = -std=c11 -D_DEFAULT_SOURCE -I. -Iinclude -Iengine -Igrammar -I$(BUILD)/gen -Istdlib
ifeq ($(MODE),fuzz)
OPT       = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined
LDSAN     = -fsanitize=address,undefined
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
else ifeq ($(MODE),tsan)
OPT       = -O1 -g -fno-omit-frame-pointer -fsanitize=thread
LDSAN     = -fsanitize=thread
else ifeq ($(MODE),san)
OPT       = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDSAN     = -fsanitize=address,undefined
# Graphviz and the font libraries under it keep caches they never free (tests/lsan.supp).
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
else
OPT       = -O2 -g
LDSAN     =
# Link-time optimisation across the C files when the compiler is GCC: the writer's and the
# loader's small functions are inlined into their callers in other files (farm-bench, 15
# pairs: B kompakt 0.977, B json 0.967, rules/ json 0.964). Fat objects, so that
# libnorm.a links also without it. (The C++ file is a thin wrapper; it is left out.)
IS_GCC   := $(shell $(CC) -dM -E -x c /dev/null 2>/dev/null | grep -q __clang__ || echo yes)
LTO      ?= $(if $(IS_GCC),-flto=auto -ffat-lto-objects)
endif
PKGCFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Graphviz, SQLite and Hogweed (with GMP) are not linked: each is loaded the first time it
# is needed (engine/lazylib.h), by the soname of the library the headers belong to.
LAZYLIBS  = libcgraph libgvc sqlite3 hogweed
PKGLIBS   = $(shell pkg-config --libs $(filter-out $(LAZYLIBS),$(PKGS)) 2>/dev/null)
soname    = $(shell objdump -p $$(pkg-config --variable=libdir $(1) 2>/dev/null)/$(2) 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
GVC_SONAME     := $(call soname,libgvc,libgvc.so)
SQLITE_SONAME  := $(call soname,sqlite3,libsqlite3.so)
HOGWEED_SONAME := $(call soname,hogweed,libhogweed.so)
CFLAGS   += $(BASEFLAGS) $(OPT) $(LTO) $(WARN) $(PKGCFLAGS) -pthread
LDLIBS   += $(PKGLIBS) -lstdc++ -lm -pthread
# The one C++ file: the case loader's parser (simdjson), behind engine/json_simd.h.
CXX      ?= g++
CXXFLAGS += -std=c++17 $(OPT) -Wall -Wextra -Wshadow -I. -Iengine $(PKGCFLAGS) -pthread
LDFLAGS  += $(LDSAN) $(LTO)

ENGINE_SRC = engine/util.c engine/diag.c engine/ast.c engine/date.c engine/bytecode.c engine/sema.c \
             engine/compile.c engine/frontend.c engine/bcfile.c engine/verify.c engine/vm.c \
             engine/case.c engine/eval.c engine/words.c engine/explain.c engine/jsonw.c engine/disasm.c engine/audit.c engine/sign.c stdlib/builtins.c grammar/format.c \
             tools/report_json.c tools/report_text.c tools/cli.c tools/cmd_check.c \
             tools/ruletest.c tools/cmd_test.c tools/cmd_diff.c tools/cmd_doc.c tools/cmd_lint.c \
             tools/cmd_fmt.c tools/quote.c tools/cmd_audit.c tools/cmd_audit_replay.c \
             tools/graph.c tools/graph_case.c tools/graph_summary.c tools/graph_rules.c tools/cmd_graph.c \
             tools/report_html.c tools/gvlib.c engine/lazylib.c engine/sqlite_lib.c engine/hogweed_lib.c engine/api.c
GEN_SRC    = $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.c $(BUILD)/gen/stdlib_files.c
STDLIB     = stdlib/saksmappe.norm stdlib/prelude.norm

OBJ        = $(patsubst %.c,$(BUILD)/obj/%.o,$(ENGINE_SRC)) $(BUILD)/obj/engine/json_simd.o \
             $(BUILD)/obj/gen/parser.o $(BUILD)/obj/gen/lexer.o $(BUILD)/obj/gen/stdlib_files.o

TEST_SRC   = tests/unit/test_main.c tests/unit/test_date.c tests/unit/test_lexparse.c tests/unit/test_compile.c \
             tests/unit/test_verify.c tests/unit/test_vm.c tests/unit/test_case.c tests/unit/test_rules.c tests/unit/test_golden.c tests/unit/test_quality.c \
             tests/unit/test_format.c tests/unit/test_audit.c tests/unit/test_graph.c tests/unit/test_explain.c tests/unit/test_jsonw.c tests/unit/test_batch.c \
             tests/unit/test_limits.c tests/unit/test_sign.c tests/unit/test_serve.c tests/unit/test_oom.c \
             tests/unit/test_api.c
TEST_OBJ   = $(patsubst %.c,$(BUILD)/obj/%.o,$(TEST_SRC))

.PHONY: all demo test test-release test-san test-tsan test-fuzz fuzz fuzz-build fuzz-seeds stress bench bench-serve deps clean
all: $(BUILD)/norm $(BUILD)/norm-serve $(BUILD)/libnorm.a

$(BUILD)/.deps: tools/install-deps.sh
	@mkdir -p $(BUILD)
	@sh tools/install-deps.sh
	@touch $@

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: grammar/parser.y | $(BUILD)/.deps
	@mkdir -p $(BUILD)/gen
	bison -Wall -Werror --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c: grammar/lexer.l $(BUILD)/gen/parser.h | $(BUILD)/.deps
	@mkdir -p $(BUILD)/gen
	cd $(BUILD)/gen && flex -o lexer.c --header-file=lexer_gen.h $(CURDIR)/grammar/lexer.l

$(BUILD)/embed: tools/embed.c
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -O1 -Wall -Wextra -o $@ $<

$(BUILD)/gen/stdlib_files.c: $(BUILD)/embed $(STDLIB)
	@mkdir -p $(BUILD)/gen
	$(BUILD)/embed $@ $(STDLIB)

# Generated code is compiled with the strict flags minus what flex/bison output trips.
$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/gen/parser.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -Wno-unused-function -Wno-sign-compare -Wno-missing-prototypes -Wno-shadow -Wno-unused-parameter -c -o $@ $<

$(BUILD)/obj/%.o: %.c $(BUILD)/gen/parser.h | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/engine/json_simd.o: engine/json_simd.cpp engine/json_simd.h | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/norm: $(OBJ) $(BUILD)/obj/tools/norm.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# norm serve is its own executable beside norm (norm execs it): the HTTP server's libraries
# (libmicrohttpd, GnuTLS and theirs, ten in all) cost every other command 7 ms of start-up.
MHD_CFLAGS = $(shell pkg-config --cflags libmicrohttpd gnutls 2>/dev/null)
MHD_LIBS   = $(shell pkg-config --libs libmicrohttpd gnutls 2>/dev/null)

$(BUILD)/obj/tools/cmd_serve.o: CFLAGS += $(MHD_CFLAGS)
$(BUILD)/obj/tools/gvlib.o: CFLAGS += $(if $(GVC_SONAME),-DNORM_GVC_SONAME='"$(GVC_SONAME)"')
$(BUILD)/obj/engine/sqlite_lib.o: CFLAGS += $(if $(SQLITE_SONAME),-DNORM_SQLITE_SONAME='"$(SQLITE_SONAME)"')
$(BUILD)/obj/engine/hogweed_lib.o: CFLAGS += $(if $(HOGWEED_SONAME),-DNORM_HOGWEED_SONAME='"$(HOGWEED_SONAME)"')

$(BUILD)/norm-serve: $(OBJ) $(BUILD)/obj/tools/cmd_serve.o $(BUILD)/obj/tools/serve_page.o
	$(CC) $(LDFLAGS) -o $@ $^ $(MHD_LIBS) $(LDLIBS)

# The engine as a library: include/norm.h is its interface (examples/norm-api.c uses only it).
$(BUILD)/libnorm.a: $(OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/norm-api: examples/norm-api.c include/norm.h $(BUILD)/libnorm.a
	$(CC) -std=c11 $(OPT) $(WARN) -Iinclude $(LDFLAGS) -o $@ examples/norm-api.c $(BUILD)/libnorm.a $(LDLIBS)

# (the tests read audit logs with SQLite themselves)
$(BUILD)/unit-tests: $(OBJ) $(TEST_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cmocka sqlite3 2>/dev/null)

demo: $(BUILD)/norm
	$(BUILD)/norm check --dato 2024-10-01 examples/saksmappe-eksempel.json; test $$? -le 1

# Each test binary runs from the project root; golden files live in tests/golden/.
# The shipped rules' own tests must pass with full coverage.
test-release: $(BUILD)/norm $(BUILD)/norm-serve $(BUILD)/unit-tests $(BUILD)/norm-api
	NORM=$(BUILD)/norm $(BUILD)/unit-tests
	$(BUILD)/norm-api rules examples/saksmappe-eksempel.json > $(BUILD)/norm-api.txt; test $$? -eq 1 && \
	  grep -q "^2024-0193: 4 brudd, 3 avvik, 1 ukjent" $(BUILD)/norm-api.txt
	$(BUILD)/norm test --krev-dekning rules/ > $(BUILD)/regeltester.txt || { cat $(BUILD)/regeltester.txt; exit 1; }
	@tail -1 $(BUILD)/regeltester.txt
	@if [ -d $(SEEDS) ]; then echo "$(BUILD)/norm lint --kilder $(SEEDS) rules"; $(BUILD)/norm lint --kilder $(SEEDS) rules; \
	else echo "$(SEEDS) finnes ikke: sitatene kontrolleres ikke mot retningslinjetekstene"; $(BUILD)/norm lint rules; fi
	$(BUILD)/norm fmt --check rules stdlib
	$(BUILD)/norm doc rules | diff -u docs/regler.md - || { echo "docs/regler.md er ikke oppdatert: kjør build/norm doc rules > docs/regler.md"; exit 1; }

test-san:
	$(MAKE) --no-print-directory BUILD=build/san MODE=san test-release

# The threaded code under ThreadSanitizer: norm check -j on the corpora, norm serve, and the
# library's audit log with judges on several threads.
test-tsan:
	$(MAKE) --no-print-directory BUILD=build/tsan MODE=tsan build/tsan/norm build/tsan/norm-serve build/tsan/unit-tests
	TSAN_OPTIONS=halt_on_error=1:exitcode=66:suppressions=$(CURDIR)/tests/tsan.supp NORM=build/tsan/norm build/tsan/unit-tests batch serve audit-threads

test: test-release test-san test-tsan test-fuzz

# libFuzzer harnesses (fuzz/, clang, ASan+UBSan) for case JSON, .normc bytes (also with the
# digest recomputed, so the verifier is fuzzed), rule sources, rule tests, the audit reader
# and key files. make fuzz FUZZ_S=N runs each for N seconds on its corpus (build/fuzz/corpus/);
# make test replays every seed and every regression (fuzz/regressions/) and fuzzes briefly.
FUZZERS  = case normc rules ruletest audit key fmt
FUZZ_S  ?= 60
FUZZ_BIN = $(patsubst %,build/fuzz/fuzz-%,$(FUZZERS))

# linked by clang++: the C++ parser's UBSan checks need the C++ runtime
build/fuzz/fuzz-%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(OBJ)
	$(CC) $(CFLAGS) -Ifuzz -Itools -c -o $@.o $<
	$(CXX) $(LDFLAGS) -fsanitize=fuzzer -o $@ $@.o $(OBJ) $(LDLIBS)

fuzz-build:
	@command -v clang >/dev/null || { echo "make fuzz trenger clang (Debian: clang)"; exit 1; }
	$(MAKE) --no-print-directory BUILD=build/fuzz MODE=fuzz CC=clang CXX=clang++ $(FUZZ_BIN)

# Seeds made from the project's own files: the example cases, the compiled rules (as they are,
# and marked for re-signing), the rule and test files (fmt: also the formatter's golden
# input), and a small audit log.
fuzz-seeds: $(BUILD)/norm
	@rm -rf build/fuzz/seeds && mkdir -p $(patsubst %,build/fuzz/seeds/%,$(FUZZERS))
	@cp examples/saksmappe-eksempel.json examples/saker/*.json rules/testsaker/*.json build/fuzz/seeds/case/
	@$(BUILD)/norm compile rules -o build/fuzz/seeds/r.normc 2>/dev/null
	@{ printf '\000'; cat build/fuzz/seeds/r.normc; } > build/fuzz/seeds/normc/raw
	@{ printf '\001'; cat build/fuzz/seeds/r.normc; } > build/fuzz/seeds/normc/resigned
	@cp rules/*.norm stdlib/*.norm build/fuzz/seeds/rules/
	@cp rules/*.norm stdlib/*.norm tests/golden/fmt-inn.norm build/fuzz/seeds/fmt/
	@cp rules/*.normtest build/fuzz/seeds/ruletest/
	@$(BUILD)/norm check --rules build/fuzz/seeds/r.normc --audit build/fuzz/seeds/audit/logg.db --operator fuzz \
	  --audit-store-case examples/saker/01*.json examples/saker/02*.json > /dev/null 2>&1; test $$? -le 1
	@rm -f build/fuzz/seeds/audit/logg.db-wal build/fuzz/seeds/audit/logg.db-shm build/fuzz/seeds/r.normc
	@cd build/fuzz/seeds/key && openssl genpkey -algorithm ed25519 -out ed.pem 2>/dev/null && \
	  openssl pkey -in ed.pem -pubout -out ed.pub 2>/dev/null && \
	  openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out ec.pem 2>/dev/null && \
	  { printf '\001'; cat ed.pem; } > privat && { printf '\000'; cat ed.pub; } > offentlig && \
	  { printf '\001'; cat ec.pem; } > ec && { printf '\003'; openssl pkey -in ed.pem -outform DER; } > privat-der && \
	  { printf '\002'; openssl pkey -in ed.pem -pubout -outform DER; } > offentlig-der && rm -f ed.pem ed.pub ec.pem

fuzz: fuzz-build fuzz-seeds
	@for f in $(FUZZERS); do mkdir -p build/fuzz/corpus/$$f fuzz/regressions/$$f; \
	  echo "fuzz-$$f: $(FUZZ_S) s"; \
	  build/fuzz/fuzz-$$f -max_total_time=$(FUZZ_S) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    $$( [ -f fuzz/$$f.dict ] && echo -dict=fuzz/$$f.dict ) -artifact_prefix=build/fuzz/funn-$$f- \
	    build/fuzz/corpus/$$f build/fuzz/seeds/$$f fuzz/regressions/$$f > build/fuzz/fuzz-$$f.log 2>&1; st=$$?; \
	  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|#[0-9]+ *DONE)" build/fuzz/fuzz-$$f.log; \
	  test $$st -eq 0 || { tail -40 build/fuzz/fuzz-$$f.log; echo "fuzz-$$f fant en feil: se build/fuzz/funn-$$f-*; legg inndata i fuzz/regressions/$$f/"; exit 1; }; \
	done

# In make test: every seed and regression once, then a few seconds of fuzzing each.
test-fuzz: fuzz-build fuzz-seeds
	@for f in $(FUZZERS); do mkdir -p fuzz/regressions/$$f; \
	  build/fuzz/fuzz-$$f -runs=0 build/fuzz/seeds/$$f fuzz/regressions/$$f > build/fuzz/replay-$$f.log 2>&1 || \
	    { cat build/fuzz/replay-$$f.log; exit 1; }; echo "fuzz-$$f: frø og regresjoner OK"; done
	$(MAKE) --no-print-directory fuzz FUZZ_S=5

# The worst inputs we know (tests/stress/stress.py): every rule file and case up to the size
# limits is compiled, judged or refused within 2 s and 256 MB by the release build. Prints
# time and peak memory for each; fails if a bound does not hold. Timing, so not in make test
# (test_limits.c checks the same bounds there with generous CPU and memory limits).
stress: $(BUILD)/norm
	python3 tests/stress/stress.py $(BUILD)/norm $(BUILD)/stress

# Speed, against the hand-written baselines, as ratios from one run (bench/run.py). Never
# part of make test: tests do not depend on timing.
bench: $(BUILD)/norm
	@sh tools/install-deps.sh --bench
	python3 bench/run.py $(BUILD)/norm $(BENCHB) $(BUILD)/bench $(BENCHFLAGS)

# norm serve under wrk (bench/serve.py): decisions/s and latency at 1, 16 and 64 connections,
# without and with --audit, beside the server's constant-body floor. Timing: not in make test.
bench-serve: $(BUILD)/norm $(BUILD)/norm-serve
	@sh tools/install-deps.sh --bench
	python3 bench/serve.py $(BUILD)/norm $(BUILD)/bench-serve

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
