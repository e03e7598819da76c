"""Benchmark of li2verify.groups.irreps: time to build the full irrep decomposition of every catalog group.

Prints and writes JSON (default ``benchmarks/results/irreps_bench.json``):
* ``catalog``: total time to decompose every shipped group (fresh, uncached), per-group times by order,
  and the order-128 figures (median / max per group);
* ``largest``: the largest order handled — a ladder of larger groups (products, dihedral, S_n × Z_m, S6)
  decomposed and verified (identities on a generating set) until one takes longer than ``--max-seconds``.

    python benchmarks/irreps_bench.py [--threads 1] [--max-seconds 60] [--out FILE] [--quick]

BLAS threads default to 1 (``--threads``): the matrices are small (M <= a few hundred), and on a shared
2-core machine multi-threaded OpenBLAS is several times *slower* (measured 7x on this machine).
"""

from __future__ import annotations

import argparse
import os
import sys


def _parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1, help="BLAS threads (set before numpy is imported)")
    p.add_argument("--max-seconds", type=float, default=60.0, help="stop the size ladder past this time")
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "irreps_bench.json"))
    p.add_argument("--quick", action="store_true", help="only orders <= 64 and a short ladder")
    return p.parse_args()


def main() -> int:
    args = _parse()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import json
    import platform
    import statistics
    import time

    import numpy as np

    from li2verify.groups import catalog
    from li2verify.groups.finite import FiniteGroup, cyclic, dihedral, direct_product, product_of_cyclic, symmetric
    from li2verify.groups.irreps import IrrepDecomposition, consistency_errors, irrep_decomposition

    t0 = time.perf_counter()
    recs = catalog.load_catalog(1, 64 if args.quick else None)
    t_load = time.perf_counter() - t0
    groups = []
    t0 = time.perf_counter()
    for r in recs:
        groups.append((r, FiniteGroup(r.table, name=r.label)))
    t_validate = time.perf_counter() - t0

    per_group = []
    t0 = time.perf_counter()
    for r, g in groups:
        t1 = time.perf_counter()
        IrrepDecomposition(g)
        per_group.append((r.order, r.smallgroup_id, time.perf_counter() - t1))
    t_catalog = time.perf_counter() - t0

    # accuracy over the whole catalog (not timed): characters/FS vs GAP, identities on a generating set
    worst_gap, fs_bad, worst_ident = 0.0, 0, 0.0
    for r, g in groups:
        dec = irrep_decomposition(g)
        cmp_ = catalog.compare_with_gap(r, dec)
        worst_gap = max(worst_gap, cmp_["max_char_error"])
        fs_bad += cmp_["fs_mismatches"] + cmp_["unmatched"]
        if not args.quick:
            worst_ident = max(worst_ident, max(consistency_errors(dec).values()))

    by_order: dict[int, list[float]] = {}
    for o, _, dt in per_group:
        by_order.setdefault(o, []).append(dt)
    order_stats = {o: {"n": len(v), "median_s": statistics.median(v), "max_s": max(v)}
                   for o, v in sorted(by_order.items())}
    slowest = max(per_group, key=lambda x: x[2])

    ladder = [
        ("Z128", lambda: cyclic(128)),
        ("D64 (order 128)", lambda: dihedral(64)),
        ("S5 (120)", lambda: symmetric(5)),
        ("Z256", lambda: cyclic(256)),
        ("D128 (order 256)", lambda: dihedral(128)),
        ("S5xZ3 (360)", lambda: direct_product(symmetric(5), cyclic(3))),
        ("S5xZ4 (480)", lambda: direct_product(symmetric(5), cyclic(4))),
        ("Z512", lambda: cyclic(512)),
        ("S6 (720)", lambda: symmetric(6)),
        ("S5xZ2x2x2 (960)", lambda: direct_product(symmetric(5), product_of_cyclic("2x2x2"))),
        ("S6xZ2 (1440)", lambda: direct_product(symmetric(6), cyclic(2))),
    ]
    if args.quick:
        ladder = ladder[:4]
    largest = []
    for name, make in ladder:
        g = make()
        t1 = time.perf_counter()
        dec = IrrepDecomposition(g)
        dt = time.perf_counter() - t1
        worst = max(consistency_errors(dec).values())
        largest.append({"group": name, "order": g.order, "irreps": len(dec.irreps),
                        "max_degree": int(dec.degrees.max()), "seconds": dt, "worst_identity_error": worst})
        print(f"  ladder: {name:<20} M={g.order:>5}  {len(dec.irreps):>4} irreps  {dt:8.3f} s  "
              f"worst identity error {worst:.1e}", flush=True)
        if dt > args.max_seconds:
            break
    handled = [x for x in largest if x["seconds"] <= args.max_seconds and x["worst_identity_error"] < 1e-9]

    o128 = by_order.get(128, [])
    result = {
        "machine": {"python": sys.version.split()[0], "numpy": np.__version__, "platform": platform.platform(),
                    "cpus": os.cpu_count(), "blas_threads": args.threads},
        "catalog": {"groups": len(per_group), "load_s": t_load, "validate_tables_s": t_validate,
                    "decompose_all_s": t_catalog, "max_char_error_vs_gap": worst_gap,
                    "fs_or_character_mismatches_vs_gap": fs_bad, "worst_identity_error": worst_ident,
                    "slowest": {"order": slowest[0], "id": slowest[1], "seconds": slowest[2]},
                    "by_order": order_stats},
        "order_128": ({"n": len(o128), "median_s": statistics.median(o128), "mean_s": float(np.mean(o128)),
                       "max_s": max(o128)} if o128 else None),
        "largest": largest,
        "largest_order_handled": max((x["order"] for x in handled), default=None),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=1)

    print(f"catalog: {len(per_group)} groups; load {t_load:.2f} s, table validation {t_validate:.2f} s, "
          f"full decomposition of all {t_catalog:.2f} s ({1e3 * t_catalog / max(1, len(per_group)):.1f} ms/group)")
    print(f"vs GAP: max |Δχ| = {worst_gap:.1e}, FS/character mismatches {fs_bad}; worst engine identity "
          f"error {worst_ident:.1e}")
    print(f"slowest group: SmallGroup({slowest[0]},{slowest[1]}) {1e3 * slowest[2]:.1f} ms")
    if o128:
        print(f"order 128: {len(o128)} groups, median {1e3 * statistics.median(o128):.1f} ms, "
              f"max {1e3 * max(o128):.1f} ms per group")
    for o in (16, 32, 64, 96, 128):
        if o in order_stats:
            s = order_stats[o]
            print(f"  order {o:>3}: {s['n']:>4} groups, median {1e3 * s['median_s']:.1f} ms, max {1e3 * s['max_s']:.1f} ms")
    print(f"largest order handled (<= {args.max_seconds:g} s, identities verified): {result['largest_order_handled']}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
