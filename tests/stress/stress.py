#!/usr/bin/env python3
"""make stress: the worst inputs we know of, each run once against the release build.

Every rule file up to the size limit must compile or be refused, and every case up to the
size limit must be judged or refused, within TIME_S seconds and MEM_MB of peak memory; a
refusal must say why on stderr, and nothing may end on a signal. Prints one line per input
(time, peak memory, exit status, the first line of stderr) and exits 1 if a bound fails.

Usage: stress.py NORM OUTDIR [NAME...]
"""
import json
import os
import resource
import subprocess
import sys
import time

TIME_S = 2.0
MEM_MB = 256
KILL_S = 60          # a run this long is stopped: the bound has failed anyway
AS_LIMIT = 4 << 30   # address space per run, so a runaway cannot take the machine

FE_MAX_SOURCE = 4 << 20
CASE_MAX_BYTES = 16 << 20

RULE_HEAD = 'retningslinje X "Stress"\n'


def rule(body, name="X-A", when=None):
    s = f'regel {name} krav "stress"\n'
    if when:
        s += f"  {when}\n"
    return s + f"  krev {body}\n"


# --- rule files -------------------------------------------------------------------------

def r_doubling_defs(n=40):
    # each definition uses the one before twice: expanded inline, 2^n copies
    out = [RULE_HEAD, "definisjon d0(x) = x.tolk_behov\n"]
    for i in range(1, n):
        out.append(f"definisjon d{i}(x) = d{i-1}(x) og d{i-1}(x)\n")
    out.append(rule(f"d{n-1}(barn)"))
    return "".join(out)


def r_doubling_params(n=40):
    out = [RULE_HEAD, "definisjon d0 = barn.tolk_behov\n"]
    for i in range(1, n):
        out.append(f"definisjon d{i} = d{i-1} eller ikke d{i-1}\n")
    out.append(rule(f"d{n-1}"))
    return "".join(out)


def r_chain_defs(n=10000):
    out = [RULE_HEAD, "definisjon d0 = barn.tolk_behov\n"]
    out += [f"definisjon d{i} = d{i-1}\n" for i in range(1, n)]
    out.append(rule(f"d{n-1}"))
    return "".join(out)


def r_flat_and(n=50000):
    return RULE_HEAD + rule(" og ".join(["barn.tolk_behov"] * n))


def r_parens(n=100000):
    return RULE_HEAD + rule("(" * n + "barn.tolk_behov" + ")" * n)


def r_not_chain(n=100000):
    return RULE_HEAD + rule("ikke " * n + "barn.tolk_behov")


def r_nested_finnes(n=200):
    body = "barn.tolk_behov"
    for i in range(n):
        body = f"finnes t{i} i tiltak: ({body})"
    return RULE_HEAD + rule(body)


def r_many_rules(limit=FE_MAX_SOURCE):
    out, size, i = [RULE_HEAD], len(RULE_HEAD), 0
    while True:
        r = rule(f"finnes t i tiltak: t.type = \"pmto\" og skrevet(t.start) og barn.tolk_behov", name=f"X-R{i}")
        if size + len(r) > limit - 64:
            break
        out.append(r)
        size += len(r)
        i += 1
    return "".join(out)


def r_long_string(limit=FE_MAX_SOURCE):
    s = "a" * (limit - 200)
    return RULE_HEAD + rule(f'barn.tolk_behov og "{s}" = "b"')


def r_over_limit(limit=FE_MAX_SOURCE):
    return RULE_HEAD + "#" + "x" * limit + "\n"


def r_regex_heavy(n=2000):
    # many regular expressions: each one compiled and checked against the limits
    out = [RULE_HEAD]
    for i in range(n):
        out.append(rule(f'finnes d i dokumentasjon: samsvarer(d.tekst, "(a|aa)*b{i}")', name=f"X-M{i}"))
    return "".join(out)


RULES = [
    ("regel: definisjoner som dobles (40)", r_doubling_defs),
    ("regel: definisjoner uten parametre som dobles (40)", r_doubling_params),
    ("regel: 10 000 kjedede definisjoner", r_chain_defs),
    ("regel: 50 000 «og» på rad", r_flat_and),
    ("regel: 100 000 parenteser", r_parens),
    ("regel: 100 000 «ikke»", r_not_chain),
    ("regel: 200 nøstede «finnes»", r_nested_finnes),
    ("regel: 4 MiB med regler", r_many_rules),
    ("regel: 4 MiB tekststreng", r_long_string),
    ("regel: over størrelsesgrensen", r_over_limit),
    ("regel: 2 000 regulære uttrykk", r_regex_heavy),
]


# --- cases -------------------------------------------------------------------------------

def base_case():
    return {
        "format": "saksmappe/1", "sak_id": "STRESS", "vurderingsdato": "2024-10-01",
        "barn": {"fodselsdato": "2022-03-01"},
        "foreldre": [{"id": "F1", "rolle": "mor"}],
        "tiltak": [], "vedtak": [], "evalueringer": [], "moter": [], "dokumentasjon": [],
        "plan": {"dato": "2024-05-12", "mal": [{"tekst": "m"}], "familien_medvirket": True},
    }


def tiltak(i, consents=()):
    return {"id": f"T{i}", "type": "omsorgsendrende", "tilnarminger": ["videoveiledning"],
            "start": "2024-01-15", "planlagt_slutt": "2024-09-15", "sted": "hjemme",
            "samtykker": [{"fra": f, "dato": "2024-01-10"} for f in consents]}


def c_parents(n=80000):
    c = base_case()
    c["foreldre"] = [{"id": f"F{i}", "rolle": "annen"} for i in range(n)]
    c["tiltak"] = [tiltak(0, [f"F{i}" for i in range(0, n, 2)])]
    return c


def c_measures(n=10000):
    c = base_case()
    c["tiltak"] = [tiltak(i, ["F1"]) for i in range(n)]
    return c


def c_measures_decisions(n, refs=None):
    # every decision names every measure (refs=None), or the first `refs` of them
    c = base_case()
    c["tiltak"] = [tiltak(i, ["F1"]) for i in range(n)]
    c["vedtak"] = [{"id": f"V{i}", "dato": "2024-01-01", "tiltak": [f"T{j}" for j in range(refs or n)]}
                   for i in range(n)]
    return c


def c_measures_evaluations(n):
    c = base_case()
    c["tiltak"] = [tiltak(i, ["F1"]) for i in range(n)]
    c["evalueringer"] = [{"dato": "2024-03-01", "tiltak": [f"T{i}"]} for i in range(n)]
    c["dokumentasjon"] = [{"type": "evalueringsnotat", "gjelder": f"T{i}", "dato": "2024-03-01",
                           "tekst": "x"} for i in range(n)]
    return c


def c_deep_unknown(n=100000):
    return '{"format":"saksmappe/1","sak_id":"D","x":' + "[" * n + "]" * n + "}"


def c_wide_object(n=400000):
    c = base_case()
    c["ukjent"] = {f"k{i}": i for i in range(n)}
    return c


def c_long_strings():
    c = base_case()
    c["dokumentasjon"] = [{"type": "annet", "dato": "2024-01-01", "tekst": "æ" * (7 << 20) }]
    return c


def c_over_limit():
    c = base_case()
    c["ukjent"] = "x" * CASE_MAX_BYTES
    return c


def fill_to(make, limit=CASE_MAX_BYTES - 4096):
    """The largest n (by doubling, then bisection) whose case stays under the limit."""
    lo, hi = 1, 2
    while len(json.dumps(make(hi))) < limit:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if len(json.dumps(make(mid))) < limit:
            lo = mid
        else:
            hi = mid
    return make(lo)


# a per-item rule with a loop in a loop: n³ instructions for n measures, in one rule's runs
NESTED_RULE = RULE_HEAD + """regel X-N krav "nøstet"
  for hvert t i tiltak
  krev finnes u i tiltak: finnes v i tiltak: u.id = v.id og v.id = t.id og t.type = "pmto"
"""


# many rules of a guideline version no longer in force: each is reported once per case, and
# finding whether another version has the rule must not compare every pair of rules
def expired_rules(n=6000):
    out = ['retningslinje X "Stress"\n  gjelder_fra 2000-01-01\n  gjelder_til 2001-01-01\n']
    out += [rule("barn.tolk_behov", name=f"X-U{i}") for i in range(n)]
    return "".join(out)


def c_nested(n=3000):
    c = base_case()
    c["tiltak"] = [{"id": f"T{i}", "type": "omsorgsendrende"} for i in range(n)]
    return c


CASES = [
    ("sak: løkke i løkke per tiltak (3 000 tiltak)", lambda: (NESTED_RULE, c_nested())),
    ("sak: 6 000 regler i en utgått retningslinje", lambda: (expired_rules(), base_case())),
    ("sak: 80 000 foreldre, 40 000 samtykker", lambda: c_parents()),
    ("sak: 10 000 tiltak", lambda: c_measures()),
    ("sak: 2 000 tiltak × 2 000 vedtak", lambda: c_measures_decisions(2000, 10)),
    ("sak: 400 tiltak × 400 vedtak med alle tiltakene", lambda: c_measures_decisions(400)),
    ("sak: tiltak × vedtak opp til 16 MiB", lambda: fill_to(c_measures_decisions)),
    ("sak: tiltak, evalueringer og notater opp til 16 MiB", lambda: fill_to(c_measures_evaluations)),
    ("sak: 100 000 nøstede lister", c_deep_unknown),
    ("sak: ukjent objekt med 400 000 nøkler", lambda: c_wide_object()),
    ("sak: notat på 14 MiB", c_long_strings),
    ("sak: over størrelsesgrensen", c_over_limit),
]


def slug(name):
    keep = "".join(ch if ch.isalnum() else "-" for ch in name.split(":", 1)[1].strip())
    return "-".join(p for p in keep.split("-") if p)[:48]


def limit_child():
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit_child)
    try:
        _, err = p.communicate(timeout=KILL_S)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    dt = time.monotonic() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return p.returncode, dt, err.decode("utf-8", "replace"), rss_mb


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    norm, out = sys.argv[1], sys.argv[2]
    only = sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    failed = 0
    print(f"{'inndata':<52} {'størrelse':>10} {'tid':>8} {'minne':>9} {'status':>6}  melding")
    jobs = [("regel", n, f) for n, f in RULES] + [("sak", n, f) for n, f in CASES]
    for kind, name, make in jobs:
        if only and not any(o in name for o in only):
            continue
        path = os.path.join(out, slug(name) + (".norm" if kind == "regel" else ".json"))
        data = make()
        rules_dir = "rules"
        if isinstance(data, tuple):            # its own rule file with the case
            rules_dir = os.path.join(out, "egen.norm")
            with open(rules_dir, "w", encoding="utf-8") as f:
                f.write(data[0])
            data = data[1]
        if not isinstance(data, str):
            data = json.dumps(data, ensure_ascii=False)
        with open(path, "w", encoding="utf-8") as f:
            f.write(data)
        size = os.path.getsize(path)
        if kind == "regel":
            cmd = [norm, "compile", path, "-o", os.path.join(out, "ut.normc")]
        else:
            cmd = [norm, "check", "--rules", rules_dir, "--dato", "2024-10-01", "--format", "json", path]
        # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run each in a fresh
        # python so that the figure is this run's own
        probe = subprocess.run([sys.executable, "-c",
                                "import sys,json;sys.path.insert(0,%r);import stress;"
                                "print(json.dumps(stress.run(%r)))" % (os.path.dirname(os.path.abspath(__file__)), cmd)],
                               capture_output=True, text=True)
        rc, dt, err, rss = json.loads(probe.stdout)
        first = next((l for l in err.splitlines() if l.strip()), "")
        ok = rc is not None and 0 <= rc <= 2 and dt <= TIME_S and rss <= MEM_MB
        if rc == 2 and not first:
            ok = False                          # refused without saying why
        if rc is not None and rc < 0:
            first = f"avbrutt av signal {-rc}; " + first
        mark = "" if ok else "  ← BRUDD"
        print(f"{name:<52} {size/1e6:>8.2f}MB {dt:>7.2f}s {rss:>7.1f}MB {rc:>6}  {first[:90]}{mark}", flush=True)
        failed += not ok
        os.unlink(path)
    print(f"grenser: {TIME_S:g} s og {MEM_MB} MB per inndata; {failed} brudd")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
