#!/usr/bin/env python3
"""make bench: norm against the hand-written baselines of benchmark B (shared/bench/), in one
run on this machine, as ratios.

Every timed figure is the median of several runs of the whole process, the commands
interleaved (A B C … A B C …) so that drift in the machine hits them alike, pinned to one
core with taskset unless the row is about cores. Absolute figures move with the machine;
compare ratios from one run. Usage: bench/run.py NORM SHARED_BENCH WORKDIR [--cases N] [--runs R]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import sys
import time


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def timed(cmd):
    """Wall time of one run of cmd (a shell line), its output discarded."""
    t = time.perf_counter()
    subprocess.run(cmd, shell=True, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def peak_rss_kib(feed, cmd):
    """Peak RSS of the process cmd (fed by the shell pipeline feed), measured by the kernel and
    reported by GNU time for that process alone: a forked child's count would include the
    pages of this Python process it was copied from."""
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["sh", "-c", f"{feed} | /usr/bin/time -f %M -o {out.name} {cmd} > /dev/null"], check=False)
        return int(out.read().split()[-1])


def interleaved(cmds, runs):
    """{name: median seconds} over `runs` rounds of every command in turn."""
    times = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name].append(timed(cmd))
    return {name: statistics.median(ts) for name, ts in times.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("norm")
    ap.add_argument("shared")
    ap.add_argument("work")
    ap.add_argument("--cases", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    norm = os.path.abspath(a.norm)
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    os.makedirs(a.work, exist_ok=True)
    w = lambda name: os.path.join(a.work, name)
    pin = "taskset -c 0 " if shutil.which("taskset") else ""
    cores = len(os.sched_getaffinity(0))

    # the corpus, the baselines and the compiled rule sets
    corpus = w(f"saker-{a.cases}.ndjson")
    if not os.path.exists(corpus):
        print(f"genererer {a.cases} saker …", file=sys.stderr)
        sh(f"python3 {a.shared}/gen_cases.py {a.cases} 1 {corpus}")
    sh(f"gcc -O2 -o {w('rules_b')} {a.shared}/c/rules_b.c -ljansson")
    sh(f"g++ -O2 -std=c++17 -o {w('rules_b_simdjson')} {a.shared}/c/rules_b_simdjson.cpp -lsimdjson")
    sh(f"{norm} compile {root}/bench/b -o {w('b.normc')} 2>/dev/null")
    sh(f"{norm} compile {root}/rules -o {w('regler.normc')} 2>/dev/null")

    # the oracle check: norm's port of B gives the oracle's output, line for line
    oracle = w(f"oracle-{a.cases}.txt")
    if not os.path.exists(oracle):
        sh(f"python3 {a.shared}/oracle.py {corpus} > {oracle}")
    mine = subprocess.run(f"{norm} check --rules {w('b.normc')} --format kompakt {corpus} | python3 {here}/to_b.py",
                          shell=True, capture_output=True, text=True).stdout.splitlines()
    want = open(oracle, encoding="utf-8").read().splitlines()
    differ = sum(1 for x, y in zip(mine, want) if x != y) + abs(len(mine) - len(want))
    base = subprocess.run(f"{w('rules_b')} < {corpus}", shell=True, capture_output=True, text=True).stdout.splitlines()
    base_differ = sum(1 for x, y in zip(base, want) if x != y) + abs(len(base) - len(want))

    n = a.cases
    b, s = w("b.normc"), w("regler.normc")
    cmds = {
        "simdjson": f"{pin}{w('rules_b_simdjson')} < {corpus}",
        "jansson": f"{pin}{w('rules_b')} < {corpus}",
        "b-kompakt": f"{pin}{norm} check -j 1 --rules {b} --format kompakt {corpus}",
        "b-json": f"{pin}{norm} check -j 1 --rules {b} --format json {corpus}",
        "regler-json": f"{pin}{norm} check -j 1 --rules {s} --format json {corpus}",
    }
    print(f"norm bench: benchmark B, {n} saker ({os.path.getsize(corpus) / n / 1024:.1f} KB per sak), "
          f"median av {a.runs} vekslende kjøringer, én kjerne (taskset -c 0)\n", flush=True)
    t = interleaved(cmds, a.runs)
    rate = {k: n / v for k, v in t.items()}
    print(f"{'':44} {'saker/s':>10} {'÷ simdjson':>11} {'÷ jansson':>10}  mål")
    rows = [
        ("C++ + simdjson, håndskrevet", "simdjson", ""),
        ("C + jansson, håndskrevet", "jansson", ""),
        ("norm, B, --format kompakt", "b-kompakt", "≥ 0,70 × simdjson"),
        ("norm, B, --format json (norm-resultat/1)", "b-json", "≥ 0,25 × simdjson"),
        ("norm, regelsettet (rules/), --format json", "regler-json", "≥ 2 × jansson"),
    ]
    for label, k, goal in rows:
        print(f"{label:44} {rate[k]:>10,.0f} {rate[k] / rate['simdjson']:>11.3f} {rate[k] / rate['jansson']:>10.2f}  {goal}")

    # cores: -j 2 against -j 1, unpinned
    if cores >= 2:
        tj = interleaved({
            "j1": f"{norm} check -j 1 --rules {b} --format json {corpus}",
            "j2": f"{norm} check -j 2 --rules {b} --format json {corpus}",
        }, a.runs)
        print(f"\n-j 2 mot -j 1 (B, json, {cores} kjerner): {tj['j1'] / tj['j2']:.2f} ×   (mål ≥ 1,8 ×)")
    else:
        print("\n-j 2 mot -j 1: bare én kjerne tilgjengelig; ikke målt")

    # the audit log: durable records against none
    def audited():
        db = w("bench-revisjon.db")
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        return f"{pin}{norm} check -j 1 --rules {b} --format json --audit {db} --operator bench {corpus}"
    ta = {"uten": [], "med": []}
    for _ in range(a.runs):
        ta["uten"].append(timed(cmds["b-json"]))
        ta["med"].append(timed(audited()))
    ratio = statistics.median(ta["uten"]) / statistics.median(ta["med"])
    print(f"--audit (B, json): {ratio:.2f} × uten revisjonslogg   (mål ≥ 0,8 ×)")

    # one case, whole process, from a .normc: norm started directly (no shell, no taskset),
    # this process pinned to core 0 so that the child is too; beside it the floor of starting
    # any dynamically linked process on this machine (true), measured the same way
    one = w("en-sak.json")
    with open(corpus, encoding="utf-8") as f, open(one, "w", encoding="utf-8") as o:
        o.write(f.readline())
    def started(argv):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return time.perf_counter() - t
    true = shutil.which("true") or "/bin/true"
    mask = os.sched_getaffinity(0)
    if pin:
        os.sched_setaffinity(0, {0})
    lat, floor = [], []
    for _ in range(max(20, a.runs * 4)):
        lat.append(started([norm, "check", "--rules", b, "--format", "json", one]))
        floor.append(started([true]))
    os.sched_setaffinity(0, mask)
    print(f"én sak, hele prosessen (.normc): {statistics.median(lat) * 1000:.2f} ms   (mål ≤ 1,5 ms; "
          f"å starte og avslutte «true» tar {statistics.median(floor) * 1000:.2f} ms)")

    # memory: the same at 10,000 and 1,000,000 cases (the corpus repeated, through a pipe)
    check = f"{norm} check -j 1 --rules {b} --format kompakt -"
    small = peak_rss_kib(f"head -n 10000 {corpus}", check)
    reps = (1000000 + n - 1) // n
    big = peak_rss_kib(f"for i in $(seq {reps}); do cat {corpus}; done | head -n 1000000", check)
    print(f"topp-RSS: {small / 1024:.1f} MiB ved 10 000 saker, {big / 1024:.1f} MiB ved 1 000 000   (mål ≤ 64 MiB, flatt)")

    print(f"\norakelsjekk: {differ} linjer skiller norms B fra oracle.py av {len(want)} "
          f"(håndskrevet C + jansson: {base_differ})")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
