"""Shared helpers for the Python peer runners (load data, time, report)."""
# From the project's shared benchmark kit (../shared/bench/peers/common.py), copied unchanged below
# this line so a clean clone can run `pnpm bench`.
import json
import os
import statistics
import sys
import time

import numpy as np

try:  # 1-minute load average when the runner started (2-core machine: >0.5 means contention)
    LOAD0 = float(open("/proc/loadavg").read().split()[0])
except OSError:
    LOAD0 = None


def load(path):
    """path: data/NAME.f64 (or NAME / NAME.json). Returns (X, header, init)."""
    base = path[:-4] if path.endswith(".f64") else (path[:-5] if path.endswith(".json") else path)
    with open(base + ".json") as f:
        hdr = json.load(f)
    with open(base + ".init.json") as f:
        init = json.load(f)
    X = np.fromfile(base + ".f64", dtype="<f8").reshape(hdr["shape"])
    return X, hdr, init


# captured at import: pomegranate's __init__ overwrites os.environ["OMP_NUM_THREADS"] = "1"
_THREADS = int(os.environ.get("OMP_NUM_THREADS") or os.environ.get("OPENBLAS_NUM_THREADS") or 0) or None


def threads():
    return _THREADS


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return [f"{d.get('internal_api')}:{os.path.basename(d.get('filepath',''))}:{d.get('num_threads')}"
                for d in threadpool_info()]
    except Exception as e:  # pragma: no cover
        return [f"unknown ({e})"]


def timed_repeats(fn, repeats):
    """fn() -> (model, iters_done). Returns (median seconds, all seconds, last result)."""
    secs, res = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = fn()
        secs.append(time.perf_counter() - t0)
    return statistics.median(secs), secs, res


def measure(fit, iters, repeats, base=1):
    """fit(iters) -> result. Times `repeats` fits with `iters` iterations and `repeats`
    fits with `base` (1) iteration(s); the difference gives the marginal cost of one iteration
    (fixed set-up/finalisation costs cancel)."""
    med, secs, res = timed_repeats(lambda: fit(iters), repeats)
    marg = None
    if iters > base:
        med1, _, _ = timed_repeats(lambda: fit(base), repeats)
        marg = (med - med1) / (iters - base)
    return med, secs, res, marg


def report(peer, model, hdr, n, d, k, iters, med, secs, loglik, marginal=None, **extra):
    out = {"peer": peer, "model": model, "dataset": hdr["name"], "n": n, "d": d, "k": k,
           "iters": iters, "seconds_total": med, "seconds_per_iter": med / iters,
           "seconds_per_iter_marginal": marginal,
           "final_loglik": float(loglik), "threads": threads(),
           "repeat_seconds": [round(s, 6) for s in secs], "blas": blas_info(), "load1_at_start": LOAD0}
    out.update(extra)
    print(json.dumps(out))
    sys.stdout.flush()


def arg_parser(desc):
    import argparse
    ap = argparse.ArgumentParser(description=desc)
    ap.add_argument("data", help="data/NAME.f64")
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    return ap
