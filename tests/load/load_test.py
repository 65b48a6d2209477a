#!/usr/bin/env python3
"""Steady-rate load against a running `selfheal --role all` on loopback, then checks that
nothing was lost: every acknowledged request has exactly one execution log row, the stats API
agrees with what the client counted, and the server's memory stayed flat.

Standard library only. Open loop: requests leave on a fixed schedule (rate R for D seconds)
whether or not earlier ones have finished, so a slow server shows up as latency and lag, not
as a politely reduced rate. Prints its numbers and a final "N passed, M failed" line.
"""
import argparse
import http.client
import json
import sqlite3
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

INPUTS = [
    "Write a fibonacci function",
    "Write a function that reverses a string",
    "Write a function that checks whether a number is prime",
    "Write a function that merges two sorted lists",
    "Write a function that counts the words in a text",
]


def post(port, body, timeout):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.monotonic()
        conn.request("POST", "/api/v1/request", body=json.dumps(body), headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, (time.monotonic() - started) * 1000
    finally:
        conn.close()


def get_json(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run_phase(port, rate, seconds, timeout, label, results, lock):
    """Sends rate*seconds requests on schedule; returns how far behind schedule sending fell."""
    count = int(rate * seconds)
    interval = 1.0 / rate
    max_lag = 0.0
    with ThreadPoolExecutor(max_workers=min(256, max(16, rate * 4))) as pool:
        start = time.monotonic()
        for index in range(count):
            due = start + index * interval
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            else:
                max_lag = max(max_lag, now - due)
            body = {"user_input": f"{INPUTS[index % len(INPUTS)]} ({label} {index})", "task_type": "code_generation"}

            def one(body=body):
                try:
                    status, data, ms = post(port, body, timeout)
                except Exception as error:  # a transport failure is a failed request, not a crash of the tool
                    status, data, ms = 0, str(error).encode(), float("nan")
                with lock:
                    results.append((label, status, data, ms))

            pool.submit(one)
    return max_lag


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="the server's pid, for VmRSS")
    parser.add_argument("--database", required=True, help="path of the SQLite file the server writes")
    parser.add_argument("--rate", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--rss-growth-mib", type=float, default=64, help="allowed VmRSS growth over the steady phase")
    args = parser.parse_args()

    checks = []

    def check(ok, what):
        checks.append(ok)
        print(f"  [{'PASS' if ok else 'FAIL'}] {what}")

    results, lock = [], threading.Lock()
    print(f"load: warm-up {args.warmup:g} s at {args.rate} req/s")
    run_phase(args.port, args.rate, args.warmup, args.timeout, "warmup", results, lock)
    rss_start = rss_kib(args.pid)
    print(f"load: steady {args.duration:g} s at {args.rate} req/s (VmRSS at start {rss_start / 1024:.1f} MiB)")
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.wait(1.0):
            samples.append(rss_kib(args.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    steady_start = time.monotonic()
    lag = run_phase(args.port, args.rate, args.duration, args.timeout, "steady", results, lock)
    steady_wall = time.monotonic() - steady_start  # includes draining the last requests
    stop.set()
    sampler.join()
    rss_end = rss_kib(args.pid)

    steady = [r for r in results if r[0] == "steady"]
    ok = [r for r in results if r[1] == 200]
    not_ok = [r for r in results if r[1] != 200]
    latencies = [r[3] for r in steady if r[1] == 200]
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    print(f"load: sent {len(results)} ({len(steady)} in the steady phase), 200: {len(ok)}, other: {len(not_ok)}")
    print(f"load: steady phase wall {steady_wall:.1f} s, achieved {len(steady) / steady_wall:.1f} req/s, max send lag {lag * 1000:.0f} ms")
    print(f"load: latency (steady, 200s) p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies) if latencies else float('nan'):.1f} ms")
    print(f"load: VmRSS start {rss_start / 1024:.1f} MiB, end {rss_end / 1024:.1f} MiB, growth {(rss_end - rss_start) / 1024:+.1f} MiB; "
          f"samples (MiB) {[round(s / 1024, 1) for s in samples]}")
    for label, status, data, _ in not_ok[:5]:
        print(f"  not acknowledged: {status} {data[:300]!r}")

    check(not not_ok, f"every request acknowledged with 200 ({len(not_ok)} were not)")
    check(lag < 1.0, f"the client kept the schedule (max lag {lag * 1000:.0f} ms < 1000 ms)")

    # Every acknowledged request has exactly one execution log row.
    acknowledged = {}
    passed_count = failed_count = 0
    for _, status, data, _ in ok:
        answer = json.loads(data)
        acknowledged[answer["request_id"]] = answer
        if answer["evaluation"]["passed"]:
            passed_count += 1
        else:
            failed_count += 1
    check(len(acknowledged) == len(ok), f"request ids are unique ({len(acknowledged)} ids for {len(ok)} answers)")
    db = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True, timeout=30)
    rows = dict(db.execute("SELECT request_id, COUNT(*) FROM execution_logs GROUP BY request_id").fetchall())
    total_rows = db.execute("SELECT COUNT(*) FROM execution_logs").fetchone()[0]
    db.close()
    missing = [rid for rid in acknowledged if rid not in rows]
    doubled = [rid for rid, n in rows.items() if n != 1]
    check(not missing, f"every acknowledged request has a log row ({len(missing)} missing{', e.g. ' + missing[0] if missing else ''})")
    check(not doubled, f"no request has more than one row ({len(doubled)} have)")
    check(total_rows == len(results), f"log rows ({total_rows}) == requests sent ({len(results)})")

    # The stats API counts what the client counted.
    status, summary = get_json(args.port, "/api/v1/stats/summary?hours=1")
    print(f"load: stats summary total {summary.get('total')}, passed {summary.get('passed')}, failed {summary.get('failed')}, errors {summary.get('errors')}")
    check(status == 200, f"/api/v1/stats/summary answers 200 (got {status})")
    check(summary.get("total") == len(results), f"stats total {summary.get('total')} == client's count {len(results)}")
    check(summary.get("passed") == passed_count and summary.get("failed") == failed_count,
          f"stats passed/failed {summary.get('passed')}/{summary.get('failed')} == client's {passed_count}/{failed_count}")
    check(summary.get("errors") == len(not_ok), f"stats errors {summary.get('errors')} == client's non-200 count {len(not_ok)}")

    growth_mib = (rss_end - rss_start) / 1024
    check(growth_mib < args.rss_growth_mib, f"VmRSS growth {growth_mib:+.1f} MiB < {args.rss_growth_mib:g} MiB over the steady phase")
    if len(samples) >= 6:
        half = len(samples) // 2
        first, second = statistics.mean(samples[:half]) / 1024, statistics.mean(samples[half:]) / 1024
        print(f"load: mean VmRSS first half {first:.1f} MiB, second half {second:.1f} MiB")

    status, _ = get_json(args.port, "/health")
    check(status == 200, "the server still answers /health")

    passed = sum(1 for c in checks if c)
    print(f"{passed} passed, {len(checks) - passed} failed")
    return 0 if passed == len(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
