"""Command line: `python -m dashboard export results|recap|incidents …` (wired into `dashboard.cli.main`).

Output goes to standard output, or with `-o FILE` to a temporary file beside FILE that takes FILE's name only
once the export is complete (mode 0600: the count is internal). Every export leaves an audit row
`export.<kind>`: who (`cli:<OS user>`), the parameters, how many rows. Exit codes: 0 written, 2 a parameter
names nothing or cannot be read (a message names the option; nothing is written), 3 the database or the output
failed midway (no FILE is left behind).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dashboard.cli.common import config_from, open_store
from data_sources.domain.fmt import fmt_int, now_utc

EXIT_OK, EXIT_UNUSABLE, EXIT_FAILED = 0, 2, 3
OPTION = {"contest": "--contest", "region": "--region", "as_of": "--as-of", "since": "--since", "format": "--format"}
OPTION.update({name: f"--{name}" for name in ("category", "severity", "status", "stage", "kecamatan")})
LABELS = {"results": "hasil TPS", "recap": "rekap", "incidents": "kejadian"}
TIME_HELP = "ISO 8601, mis. 2024-11-27T16:00:00+07:00 atau 2024-11-27 16:00 (tanpa zona = WIB)"


def add_export_parser(
    subparsers: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add `export results|recap|incidents` to the command line; `common` adds --data-dir/--database-url."""
    parser = subparsers.add_parser("export", help="ekspor hasil TPS, rekap per wilayah atau kejadian (CSV/JSON)")
    sub = parser.add_subparsers(dest="export_command", required=True)

    def shared(p: argparse.ArgumentParser) -> None:
        common(p)
        p.add_argument("--as-of", help=f"keadaan pada saat ini, {TIME_HELP}; bawaan: sekarang")
        p.add_argument(
            "--format", choices=("csv", "json"), default="csv", help="csv (bawaan; UTF-8 dengan BOM) atau json"
        )
        p.add_argument("-o", "--output", type=Path, help="berkas tujuan (bawaan: keluaran standar)")

    results = sub.add_parser(
        "results",
        help="hasil TPS dalam format CSV yang dibaca `import tallies`",
        description=(
            "Ekspor hasil TPS: versi terkini setiap hasil (atau semua versi dengan --semua-versi), per --as-of bila "
            "diberikan. Kolom: contest, tps, suara_1..suara_N, suara_tidak_sah, suara_sah, pengguna_hak_pilih, "
            "submitted_at — berkasnya bisa diimpor apa adanya dengan `import tallies` (desk provinsi) — lalu kolom "
            "keterangan yang diabaikan importer: status, flags, version, kind, reason, author, source, received_at "
            "(WIB). Hasil berstatus perlu_dicek IKUT secara bawaan, ditandai di kolom status (importer penerima "
            "menahannya lagi dengan aturan yang sama); --tanpa-perlu-dicek mengeluarkannya."
        ),
    )
    shared(results)
    results.add_argument("--contest", help="satu kontestasi, mis. pilbup-banyuasin (bawaan: semua)")
    results.add_argument("--region", help="hanya TPS di wilayah ini, mis. 16.07.08 (atau satu kode TPS)")
    results.add_argument(
        "--semua-versi",
        action="store_true",
        help="setiap versi (riwayat koreksi), bukan hanya versi terkini; untuk arsip: mengimpornya "
        "menjadikan versi berikutnya 'konflik'",
    )
    results.add_argument(
        "--tanpa-perlu-dicek", action="store_true", help="keluarkan hasil yang masih perlu dicek (belum dihitung)"
    )

    recap = sub.add_parser(
        "recap",
        help="total per wilayah anak (mis. per kecamatan) satu kontestasi",
        description=(
            "Ekspor rekap satu kontestasi: satu baris per wilayah anak dari --region (bawaan: cakupan kontestasi; "
            "kabupaten → kecamatan, kecamatan → desa, desa → TPS) lalu baris jumlah wilayah itu. Kolom: kode, nama, "
            "tingkat, tps_masuk, tps_total, perlu_dicek, janggal, dpt, dpt_tps_masuk, pengguna_hak_pilih, suara_sah, "
            "suara_tidak_sah, suara_N dan persen_N per paslon, partisipasi (persen dengan titik desimal). Angkanya "
            "sama dengan GET /api/v1/recap: hasil perlu dicek tidak masuk total."
        ),
    )
    shared(recap)
    recap.add_argument("--contest", required=True, help="kontestasi, mis. pilbup-banyuasin")
    recap.add_argument("--region", help="wilayah yang dirinci, mis. 16.07 atau 16.07.08")

    inc = sub.add_parser(
        "incidents",
        help="kejadian dalam format CSV yang dibaca `import incidents`",
        description=(
            "Ekspor kejadian menurut urutan masuk. Kolom yang dibaca `import incidents`: kecamatan, desa, tps, "
            "latitude, longitude, occurred_at, stage, category, severity, description; lalu id, nama_kecamatan, "
            "status, reporter, created_at, updated_at, perubahan (jumlah perubahan status) dan riwayat. Dengan "
            "--as-of: kejadian yang sudah tercatat saat itu, dengan status dan riwayat saat itu. Pilihan saringan "
            "boleh daftar berkoma."
        ),
    )
    shared(inc)
    inc.add_argument("--region", help="kecamatan atau wilayah lain, mis. 16.07.08 (desa/TPS: kejadian di sana)")
    inc.add_argument("--category", help="kategori, mis. keamanan,politik-uang")
    inc.add_argument("--severity", help="tingkat: rendah, sedang, tinggi, kritis")
    inc.add_argument("--status", help="status; terbuka = baru, diverifikasi, ditangani")
    inc.add_argument("--stage", help="tahapan")
    inc.add_argument("--since", help=f"terjadi pada/sesudah, {TIME_HELP}")


def _who() -> str:
    """The audit name of the person running the command: cli:<OS user>, or cli."""
    try:
        return f"cli:{getpass.getuser()}"[:120]
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "cli"


def _incident_filters(args: argparse.Namespace, as_of: Any) -> Any:
    """IncidentFilters from the options, checked like the API's query parameters; raises ExportError."""
    from data_sources import exports, incidents

    raw = {k: getattr(args, k) for k in ("category", "severity", "status", "stage") if getattr(args, k)}
    parsed, errors = incidents.parse_filters(raw, now_utc())
    if errors:
        raise exports.ExportError(errors)
    since = exports.parse_moment(args.since, "since", naive_is_wib=True)
    return exports.IncidentFilters(
        **{k: tuple(v) for k, v in parsed.items() if k in ("category", "severity", "status", "stage")},
        region=args.region,
        since=since,
        as_of=as_of,
    )


def _table(args: argparse.Namespace, store: Any) -> tuple[Any, dict[str, Any]]:
    """The export the options ask for and its audited parameters; raises ExportError."""
    from data_sources import exports

    kind = args.export_command
    as_of = exports.parse_moment(args.as_of, naive_is_wib=True)
    params: dict[str, Any] = {
        "contest": getattr(args, "contest", None),
        "region": args.region,
        "as_of": as_of.isoformat() if as_of else None,
        "format": args.format,
        "output": str(args.output) if args.output else "stdout",
    }
    if kind == "results":
        params.update(semua_versi=args.semua_versi, tanpa_perlu_dicek=args.tanpa_perlu_dicek)
        table = exports.results_table(
            store, args.contest, args.region, as_of, all_versions=args.semua_versi, held=not args.tanpa_perlu_dicek
        )
    elif kind == "recap":
        from dashboard.recap.service import RecapService

        exports.check_contest(store, args.contest, required=True)
        table = exports.recap_table(RecapService(store), args.contest, args.region, as_of)
    else:
        filters = _incident_filters(args, as_of)
        params.update({k: ",".join(getattr(filters, k)) for k in ("category", "severity", "status", "stage")})
        params["since"] = filters.since.isoformat() if filters.since else None
        table = exports.incidents_table(store, filters)
    return table, params


def _explain(errors: dict[str, str]) -> str:
    return "; ".join(f"{OPTION.get(k, k)}: {v}" for k, v in errors.items())


def cmd_export(args: argparse.Namespace) -> int:
    """Run `export results|recap|incidents`; returns the exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    from data_sources import exports

    target: Path | None = args.output
    if target is not None and (target.is_dir() or not target.parent.resolve().is_dir()):
        print(f"Tidak diekspor: -o {target}: bukan berkas di folder yang ada.", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        store = open_store(config_from(args))
    except SQLAlchemyError as exc:
        print(f"Basis data tidak dapat dibuka: {str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        try:
            table, params = _table(args, store)
        except exports.ExportError as exc:
            print(f"Tidak diekspor; tidak ada yang ditulis: {_explain(exc.errors)}", file=sys.stderr)
            return EXIT_UNUSABLE
        try:
            rows = _write(table, args.format, target)
        except (SQLAlchemyError, OSError) as exc:
            table.complete = False
            try:
                exports.record(store, _who(), table, params)  # how far it went before the failure
            except SQLAlchemyError:
                pass
            result = "tidak ada berkas yang ditulis" if target is not None else "keluaran terpotong"
            print(f"Ekspor berhenti: {str(exc).splitlines()[0]}; {result}.", file=sys.stderr)
            return EXIT_FAILED
        exports.record(store, _who(), table, params)
    finally:
        store.dispose()
    where = target if target is not None else "keluaran standar"
    print(f"Ekspor {LABELS[table.kind]}: {fmt_int(rows)} baris ditulis ke {where}.", file=sys.stderr)
    return EXIT_OK


def _write(table: Any, fmt: str, target: Path | None) -> int:
    """Write the table to standard output, or to `target` through a temporary file renamed when complete."""
    from data_sources import exports

    if target is None:
        out = sys.stdout
        rows = exports.write_all(table, fmt, out.write)
        out.flush()
        return rows
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            rows = exports.write_all(table, fmt, f.write)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return rows
