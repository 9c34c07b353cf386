#!/usr/bin/env python3
"""make bench-serve: norm serve under a real HTTP load generator (wrk, keep-alive).

Decisions per second and p50/p99 latency at 1, 16 and 64 connections, without and with
--audit, beside the floor of the same server and library: GET /helse, a handler that
answers a constant body. One run; ratios, not absolute figures, are what carry over.

Usage: serve.py NORM OUTDIR [--seconds S]
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time


def start(norm, out, extra):
    log = open(os.path.join(out, "serve.log"), "w+")
    p = subprocess.Popen([norm, "serve", "--listen", "127.0.0.1:0", "--rules", "rules"] + extra,
                         stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(300):
        time.sleep(0.1)
        log.seek(0)
        m = re.search(r"lytter på 127\.0\.0\.1:(\d+)", log.read())
        if m:
            return p, int(m.group(1))
    p.kill()
    sys.exit("norm serve startet ikke")


def wrk(url, conns, seconds, script=None):
    cmd = ["wrk", "-t", str(min(2, conns)), "-c", str(conns), "-d", f"{seconds}s", "--latency", url]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, pct(50), pct(99), int(errors.group(1)) if errors else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("norm")
    ap.add_argument("out")
    ap.add_argument("--seconds", type=int, default=5)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrk-saker.lua")
    rows = {}
    for name, extra in (("uten revisjonslogg", []),
                        ("med --audit", ["--audit", os.path.join(a.out, "serve.db"), "--operator", "bench"])):
        if extra:
            for f in ("serve.db", "serve.db-wal", "serve.db-shm"):
                if os.path.exists(os.path.join(a.out, f)):
                    os.unlink(os.path.join(a.out, f))
        p, port = start(a.norm, a.out, extra)
        try:
            for conns in (1, 16, 64):
                rows[(name, conns)] = wrk(f"http://127.0.0.1:{port}/v1/vurdering", conns, a.seconds, script)
                if not extra:
                    rows[("gulv: GET /helse", conns)] = wrk(f"http://127.0.0.1:{port}/helse", conns, a.seconds)
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait()
    print(f"norm serve, eksempelkorpuset ({len(os.listdir('examples/saker'))} saker), wrk med keep-alive, "
          f"{a.seconds} s per måling, {os.cpu_count()} kjerner delt av tjener og wrk\n")
    print(f"{'':32} {'forb.':>5} {'svar/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'÷ gulv':>7} {'ikke 2xx':>9}")
    bad = 0
    for name in ("gulv: GET /helse", "uten revisjonslogg", "med --audit"):
        for conns in (1, 16, 64):
            rate, p50, p99, errors = rows[(name, conns)]
            floor = rows[("gulv: GET /helse", conns)][0]
            bad += errors
            print(f"{name:32} {conns:>5} {rate:>10,.0f} {p50:>8.2f} {p99:>8.2f} {rate / floor:>7.3f} {errors:>9}")
    plain16, audit16 = rows[("uten revisjonslogg", 16)], rows[("med --audit", 16)]
    print(f"\nved 16 forbindelser: {plain16[0] / rows[('gulv: GET /helse', 16)][0]:.3f} × gulvet (mål ≥ 0,5), "
          f"p99 {plain16[2]:.2f} ms (mål ≤ 10 ms), --audit {audit16[0] / plain16[0]:.3f} × uten (mål ≥ 0,7)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
