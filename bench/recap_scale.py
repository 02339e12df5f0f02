"""Recap engine at national scale (DESIGN §6): cold build, one apply, resident memory.

Run from the repository root: `python -m bench.recap_scale [--tps 820161] [--paslon 5]`.
Builds a synthetic country (38 provinsi, ~514 kabupaten, ~7,200 kecamatan, ~83,000 desa, deterministic seed),
random DPT 100–600 and plausible results for ~all TPS, then measures a national contest (scope "").
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from dashboard.recap.engine import COUNTED, HELD, NO_RESULT, RecapEngine
from data_sources.domain.contest import ContestInfo, PaslonInfo

BUDGET_BUILD_S = 3.0
BUDGET_APPLY_US = 1000.0
BUDGET_RSS_MB = 1500.0  # 1.5 GB, read conservatively as 1,500 MB


@dataclass
class Country:
    """A synthetic country: TPS codes (sorted), DPT per TPS, region names."""

    codes: list[str]
    dpt: np.ndarray
    names: dict[str, str]
    counts: dict[str, int]


@dataclass
class Results:
    """Per-TPS result arrays in code order, as `RecapEngine.load_arrays` takes them."""

    votes: np.ndarray
    sah: np.ndarray
    tidak_sah: np.ndarray
    voters: np.ndarray
    status: np.ndarray
    janggal: np.ndarray


def _children(rng: np.random.Generator, parents: np.ndarray, total: int, digits: int, base: int) -> np.ndarray:
    """Keys of `total` child regions spread over `parents` (each gets ≥ 1), numbered from base+1."""
    counts = 1 + rng.multinomial(total - parents.size, np.full(parents.size, 1 / parents.size))
    if counts.max() >= 10**digits - base:
        raise ValueError("too many children for the code width")
    first = np.cumsum(counts) - counts
    ordinal = np.arange(total) - np.repeat(first, counts)
    return np.repeat(parents, counts) * 10**digits + base + 1 + ordinal


def _fmt(keys: np.ndarray, parts: tuple[int, ...]) -> list[str]:
    """Dotted codes of integer keys, e.g. (2, 2, 2, 4, 3) → 16.07.08.2001.003."""
    width, cuts, pos = sum(parts), [], 0
    for p in parts:
        cuts.append((pos, pos + p))
        pos += p
    return [".".join(s[a:b] for a, b in cuts) for s in (f"{k:0{width}d}" for k in keys.tolist())]


def build_country(n_tps: int, seed: int) -> Country:
    """A deterministic country with about Indonesia's region counts, scaled down when n_tps is small."""
    rng = np.random.default_rng(seed)
    n_desa = min(83_000, n_tps)
    n_kec = min(7_200, n_desa)
    n_kab = min(514, n_kec)
    n_prov = min(38, n_kab)
    prov = np.sort(rng.choice(np.arange(11, 100), n_prov, replace=False))
    kab = _children(rng, prov, n_kab, 2, 0)
    kec = _children(rng, kab, n_kec, 2, 0)
    desa = _children(rng, kec, n_desa, 4, 2000)
    tps = _children(rng, desa, n_tps, 3, 0)
    names: dict[str, str] = {}
    for label, keys, parts in (
        ("Provinsi", prov, (2,)),
        ("Kabupaten", kab, (2, 2)),
        ("Kecamatan", kec, (2, 2, 2)),
        ("Desa", desa, (2, 2, 2, 4)),
    ):
        names.update((code, f"{label} {code}") for code in _fmt(keys, parts))
    codes = _fmt(tps, (2, 2, 2, 4, 3))
    dpt = rng.integers(100, 601, n_tps)
    counts = {"provinsi": n_prov, "kabupaten": n_kab, "kecamatan": n_kec, "desa": n_desa, "tps": n_tps}
    return Country(codes, dpt, names, counts)


def build_results(dpt: np.ndarray, paslon: int, seed: int) -> Results:
    """Plausible results: 99.5 % of TPS reported, ~1 % held, ~0.2 % janggal, 55–90 % turnout."""
    rng = np.random.default_rng(seed + 1)
    n = dpt.size
    voters = np.floor(dpt * rng.uniform(0.55, 0.9, n)).astype(np.int64)
    tidak_sah = rng.binomial(voters, 0.02)
    sah = voters - tidak_sah
    pvals = rng.dirichlet(np.full(paslon, 4.0), n)
    votes = rng.multinomial(sah, pvals).astype(np.int64)
    draw = rng.random(n)
    status = np.where(draw < 0.005, NO_RESULT, np.where(draw < 0.015, HELD, COUNTED)).astype(np.int8)
    janggal = (rng.random(n) < 0.002) & (status != NO_RESULT)
    return Results(votes, sah, tidak_sah, voters, status, janggal)


def result_dicts(country: Country, res: Results, contest_id: str) -> list[dict[str, Any]]:
    """The results as the store hands them over: dicts shaped like `data_sources.results.result_dict`."""
    keys = [str(i) for i in range(1, res.votes.shape[1] + 1)]
    received = "2024-11-27T07:05:00+00:00"
    janggal_flag = [{"code": "janggal", "message": "Paslon 1 meraih 96,00 % suara sah pada partisipasi 97,00 %."}]
    out = []
    for i, (code, votes, sah, tidak, voters, status, janggal) in enumerate(
        zip(
            country.codes,
            res.votes.tolist(),
            res.sah.tolist(),
            res.tidak_sah.tolist(),
            res.voters.tolist(),
            res.status.tolist(),
            res.janggal.tolist(),
            strict=True,
        )
    ):
        if status == NO_RESULT:
            continue
        out.append(
            {
                "id": i + 1,
                "contest": contest_id,
                "tps": code,
                "version": 1,
                "votes": dict(zip(keys, votes, strict=True)),
                "suara_sah": sah,
                "suara_tidak_sah": tidak,
                "pengguna_hak_pilih": voters,
                "status": "perlu_dicek" if status == HELD else "dihitung",
                "flags": list(janggal_flag) if janggal else [],
                "kind": "baru",
                "reason": None,
                "source": "api",
                "author": "bench",
                "submitted_at": None,
                "received_at": received,
            }
        )
    return out


def apply_stream(country: Country, dpt: np.ndarray, paslon: int, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` random new versions: corrections, held results, confirmations, janggal ones."""
    rng = np.random.default_rng(seed + 2)
    keys = [str(i) for i in range(1, paslon + 1)]
    versions: dict[int, int] = {}
    out = []
    for t in rng.integers(0, len(country.codes), count).tolist():
        voters = int(dpt[t] * rng.uniform(0.55, 0.9))
        tidak = int(rng.binomial(voters, 0.02))
        votes = rng.multinomial(voters - tidak, rng.dirichlet(np.full(paslon, 4.0))).tolist()
        kind = rng.random()
        versions[t] = versions.get(t, 1) + 1
        out.append(
            {
                "contest": "nasional",
                "tps": country.codes[t],
                "version": versions[t],
                "votes": dict(zip(keys, votes, strict=True)),
                "suara_sah": voters - tidak,
                "suara_tidak_sah": tidak,
                "pengguna_hak_pilih": voters if kind > 0.1 else None,
                "status": "perlu_dicek" if kind < 0.15 else "dihitung",
                "flags": [{"code": "janggal", "message": "…"}] if 0.95 < kind else [],
            }
        )
    return out


def rss_mb() -> float:
    """Current resident set size in MB (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check(ok: bool) -> str:
    """✓ or ✗."""
    return "✓" if ok else "✗"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per figure with its budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tps", type=int, default=820_161)
    parser.add_argument("--paslon", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--applies", type=int, default=10_000)
    args = parser.parse_args(argv)

    t = time.perf_counter()
    country = build_country(args.tps, args.seed)
    res = build_results(country.dpt, args.paslon, args.seed)
    tps_dpt = dict(zip(country.codes, country.dpt.tolist(), strict=True))
    contest = ContestInfo(
        "nasional",
        "Kontestasi nasional (sintetis)",
        "bench",
        "",
        tuple(PaslonInfo(i, f"Kepala {i}", f"Wakil {i}", "#888888") for i in range(1, args.paslon + 1)),
    )
    stream = apply_stream(country, country.dpt, args.paslon, args.applies, args.seed)
    setup = time.perf_counter() - t
    c = country.counts
    print(
        f"synthetic country: {c['provinsi']} provinsi, {c['kabupaten']:,} kabupaten, {c['kecamatan']:,} kecamatan, "
        f"{c['desa']:,} desa, {c['tps']:,} TPS × {args.paslon} paslon; "
        f"{int((res.status != NO_RESULT).sum()):,} results ({int((res.status == HELD).sum()):,} held, "
        f"{int(res.janggal.sum()):,} janggal); setup {setup:.1f} s (not measured)"
    )

    gc.collect()
    rss_before = rss_mb()
    builds, ctor_times, engine = [], [], None
    for _ in range(args.runs):
        engine = None
        gc.collect()
        t0 = time.perf_counter()
        engine = RecapEngine(contest, tps_dpt, country.names)
        t1 = time.perf_counter()
        engine.load_arrays(res.votes, res.sah, res.tidak_sah, res.voters, res.status, res.janggal)
        t2 = time.perf_counter()
        builds.append(t2 - t0)
        ctor_times.append(t1 - t0)
    assert engine is not None
    gc.collect()
    engine_mb = rss_mb() - rss_before
    build = statistics.median(builds)
    print(
        f"cold build (constructor + load_arrays), median of {args.runs}: {build:.3f} s "
        f"(constructor {statistics.median(ctor_times):.3f} s; runs {', '.join(f'{b:.3f}' for b in builds)})"
        f"   budget ≤ {BUDGET_BUILD_S:.0f} s {check(build <= BUDGET_BUILD_S)}"
    )

    counted = res.status == COUNTED
    top = engine.total()
    assert top.tps_total == args.tps and top.tps_reported == int(counted.sum())
    assert top.votes == tuple(res.votes[counted].sum(axis=0).tolist())
    assert top.held == int((res.status == HELD).sum())

    timings = np.empty(len(stream))
    changed = 0
    for k, result in enumerate(stream):
        a = time.perf_counter_ns()
        changed += bool(engine.apply(result))
        timings[k] = (time.perf_counter_ns() - a) / 1000
    p50, p95, p99 = np.percentile(timings, [50, 95, 99])
    print(
        f"apply, {len(stream):,} random results ({changed:,} changed totals): p50 {p50:.1f} µs, p95 {p95:.1f} µs, "
        f"p99 {p99:.1f} µs, max {timings.max():.1f} µs   budget ≤ {BUDGET_APPLY_US:.0f} µs "
        f"{check(p99 <= BUDGET_APPLY_US)}"
    )
    peak = peak_rss_mb()
    print(
        f"resident memory: peak RSS {peak:,.0f} MB (whole process, synthetic inputs included); "
        f"engine RSS delta {engine_mb:,.0f} MB   budget ≤ {BUDGET_RSS_MB:,.0f} MB {check(peak <= BUDGET_RSS_MB)}"
    )

    # Informative: the realistic cold path from the store's result dicts.
    dicts = result_dicts(country, res, contest.id)
    gc.collect()
    t0 = time.perf_counter()
    engine.load(dicts)
    load_s = time.perf_counter() - t0
    same = engine.total().votes == top.votes
    print(
        f"informative: load() from {len(dicts):,} result dicts: {load_s:.2f} s "
        f"(totals match load_arrays {check(same)}; peak RSS with the dicts {peak_rss_mb():,.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
