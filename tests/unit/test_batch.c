/*
** The batch pipeline of `norm check`: workers give the same bytes in the same order as one,
** a corpus from a pipe is judged before its end arrives, memory does not grow with the
** corpus, and a line too long to be a case costs only itself. No test depends on timing:
** memory is compared as peak RSS, and waiting has a bound that only a broken build reaches.
*/
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"


static void test_jobs_same_bytes(void **state)
{
  (void)state;
  static const char *const formats[] = { "json", "text --alle --spor", "kompakt" };
  for (size_t i = 0; i < 3; i++) {
    char *one = th_runf(0, "%s check -j 1 --format %s --rules rules --dato 2024-09-01 examples/saker tests/golden/blandet.ndjson; echo \"status $?\"",
                        th_norm(), formats[i]);
    char *four = th_runf(0, "%s check -j 4 --format %s --rules rules --dato 2024-09-01 examples/saker tests/golden/blandet.ndjson; echo \"status $?\"",
                         th_norm(), formats[i]);
    assert_string_equal(four, one);
    assert_non_null(strstr(one, "status 2"));                 /* blandet holds a bad case */
    free(one);
    free(four);
  }
  /* kompakt says what the full result says, finding for finding */
  char *full = th_runf(0, "%s check -j 2 --format json --rules rules --dato 2024-09-01 examples/saker | "
                       "grep -o '\"regel\":\"[A-Z-]*\",\"styrke\":\"[a-z]*\",\"status\":\"\\(brudd\\|avvik\\|ukjent\\|vurder\\|begrunnet_avvik\\)\"' | wc -l", th_norm());
  char *compact = th_runf(0, "%s check -j 2 --format kompakt --rules rules --dato 2024-09-01 examples/saker | "
                          "grep -o '\"status\":\"[a-z_]*\"' | wc -l", th_norm());
  assert_string_equal(full, compact);
  assert_true(atoi(full) > 50);
  free(full);
  free(compact);
  char *out = th_runf(2, "%s check -j 0 examples/saker", th_norm());
  assert_non_null(strstr(out, "-j/--jobber må være et helt tall fra 1 til 64"));
  free(out);
}

/* The first case's result comes out while the pipe is still open: the writer waits on a
** FIFO for it, and only then closes its end. A norm that read to the end first would never
** answer; the bound (60 s) is there only so that such a build fails instead of hanging. */
/* --audit: a thread of its own commits each batch of records while judging goes on. The
** results are the bytes a run without the log gives, at -j 1 and -j 3, and each has its
** record (141 cases: two whole batches of 64 and part of a third). */
static void test_audit_same_bytes(void **state)
{
  (void)state;
  const char *cases = "examples/saker examples/saker examples/saker";
  char *plain = th_runf(0, "%s check -j 1 --format json --rules rules --dato 2024-09-01 %s 2>/dev/null; echo \"status $?\"",
                        th_norm(), cases);
  for (int jobs = 1; jobs <= 3; jobs += 2) {
    char *logged = th_runf(0, "rm -f build/q-batch.db*; %s check -j %d --format json --rules rules --dato 2024-09-01 "
                           "--audit build/q-batch.db --operator t %s 2>/dev/null; echo \"status $?\"", th_norm(), jobs, cases);
    assert_string_equal(logged, plain);
    char *verified = th_runf(0, "%s audit verify build/q-batch.db", th_norm());
    if (!strstr(verified, "kjeden er hel: 141 poster")) fail_msg("-j %d: %s", jobs, verified);
    free(logged);
    free(verified);
  }
  free(plain);
}

static void test_pipe_is_judged_as_it_comes(void **state)
{
  (void)state;
  char *out = th_runf(0,
    "rm -rf build/q-strom && mkdir -p build/q-strom && mkfifo build/q-strom/inn && "
    "tr -d '\\n' < examples/saksmappe-eksempel.json > build/q-strom/sak.ndjson && echo >> build/q-strom/sak.ndjson; "
    "(%s check -j 2 --format kompakt --rules rules - < build/q-strom/inn > build/q-strom/ut; echo $? > build/q-strom/status) & "
    "exec 3> build/q-strom/inn; cat build/q-strom/sak.ndjson >&3; "
    "n=0; while [ ! -s build/q-strom/ut ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done; "
    "wc -l < build/q-strom/ut; cat build/q-strom/sak.ndjson >&3; exec 3>&-; wait; "
    "wc -l < build/q-strom/ut; cat build/q-strom/status",
    th_norm());
  /* one result before the end of input, two after, and exit status 1 (findings) */
  assert_string_equal(out, "1\n2\n1\n");
  free(out);
}

#ifndef UNDER_ASAN
/* Peak RSS of a shell command and everything it waited for. */
static long peak_kib(const char *cmd)
{
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  int st;
  struct rusage ru;
  assert_true(wait4(pid, &st, 0, &ru) == pid);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) <= 1);
  return ru.ru_maxrss;
}
#endif

static void test_memory_does_not_grow_with_corpus(void **state)
{
  (void)state;
#ifdef UNDER_ASAN
  skip();                    /* ASan keeps freed memory in quarantine: RSS says nothing here */
#else
  char *line = th_case("\"vurderingsdato\": \"2024-09-01\", \"barn\": {\"fodselsdato\": \"2021-03-01\"}, "
                       "\"tiltak\": [{\"id\": \"T1\", \"type\": \"omsorgsendrende\", \"start\": \"2024-01-10\"}]");
  char cmd[4096];
  long peak[2];
  const int counts[2] = { 10000, 200000 };
  for (int i = 0; i < 2; i++) {
    snprintf(cmd, sizeof cmd, "yes '%s' | head -n %d | %s check -j 2 --format kompakt --rules rules - > /dev/null",
             line, counts[i], th_norm());
    peak[i] = peak_kib(cmd);
  }
  free(line);
  /* twenty times the cases, the same memory (a little slack for allocator noise) */
  if (peak[1] > peak[0] + 4096) fail_msg("peak RSS grew from %ld KiB (10,000 cases) to %ld KiB (200,000)", peak[0], peak[1]);
#endif
}

/* A line longer than a case may be (16 MiB) is refused by itself: the cases around it are
** judged, and memory stays near one case. */
static void test_giant_line_costs_only_itself(void **state)
{
  (void)state;
  char *line = th_case("\"vurderingsdato\": \"2024-09-01\"");
  char *out = th_runf(0, "(echo '%s'; head -c 40000000 /dev/zero | tr '\\0' ' '; echo; echo '%s') | "
                      "%s check --format kompakt --rules rules - | wc -l", line, line, th_norm());
  assert_non_null(strstr(out, "(standard inn):2: saksmappen er større enn grensen"));
  assert_non_null(strstr(out, "\n2\n"));
  free(out);
  free(line);
}

int th_batch_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_jobs_same_bytes),
    cmocka_unit_test(test_audit_same_bytes),
    cmocka_unit_test(test_pipe_is_judged_as_it_comes),
    cmocka_unit_test(test_memory_does_not_grow_with_corpus),
    cmocka_unit_test(test_giant_line_costs_only_itself),
  };
  return cmocka_run_group_tests_name("kjøring av mange saker", tests, NULL, NULL);
}
