"""Command line: `python -m dashboard import tps|tallies|sirekap|incidents …` (wired into `dashboard.cli.main`).

Exit codes: 0 the file was processed (rows may have been rejected: a warning line says so), 1 with `--strict`
when a row was rejected or in conflict (and for `tps --semua-atau-tidak` when a row was rejected: nothing stored),
2 when the file (or mapping, or report) cannot be used at all — then nothing is stored —, 3 when the database
failed midway (what was stored stays; running the same command again continues, since rows already stored come out
"sama"; a TPS import is one transaction: nothing of it was stored).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.cli.common import config_from, open_store
from data_sources.domain.fmt import fmt_int

EXIT_OK, EXIT_STRICT, EXIT_UNUSABLE, EXIT_DATABASE = 0, 1, 2, 3


def _source_name(text: str) -> str:
    if not 1 <= len(text) <= 32:
        raise argparse.ArgumentTypeError("nama sumber 1–32 karakter")
    return text


def add_import_parser(
    subparsers: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add `import tps|tallies|sirekap|incidents` to the command line; `common` adds --data-dir/--database-url."""
    parser = subparsers.add_parser(
        "import", help="impor daftar TPS dan DPT (CSV), hasil TPS (CSV, Sirekap) atau kejadian (CSV)"
    )
    sub = parser.add_subparsers(dest="import_command", required=True)

    def shared(p: argparse.ArgumentParser) -> None:
        common(p)
        p.add_argument(
            "--report",
            "--laporan",
            dest="report",
            type=Path,
            help="berkas laporan CSV (bawaan: NAMA.laporan.csv di samping berkas CSV; untuk Sirekap di folder kerja)",
        )
        p.add_argument("--progress", action="store_true", help="tampilkan kemajuan meski stderr bukan terminal")
        p.add_argument("--strict", action="store_true", help="kode keluar 1 bila ada baris ditolak atau konflik")

    tps = sub.add_parser(
        "tps",
        help="impor daftar TPS dengan DPT per TPS dari CSV (TPS baru ditambah, DPT diperbarui)",
        description=(
            "Impor daftar TPS final dengan DPT per TPS (mis. dari KPU) dari CSV (UTF-8; pemisah koma, titik koma "
            "atau tab). Kolom: tps (16.07.08.2001.003 atau 1607082001003) atau kode_desa + nomor_tps; dpt, atau "
            "dpt_l + dpt_p (DPT = jumlahnya). Desa harus kode Kemendagri di dalam wilayah skenario, nomor TPS "
            "1–999, DPT bilangan bulat 1–600, satu TPS sekali per berkas. TPS baru ditambah, DPT yang berbeda "
            "diperbarui (tercatat di audit sebelum → sesudah), DPT yang sama menjadi 'sama'; semua dalam satu "
            "transaksi, dan kebutuhan logistik kecamatan yang bersangkutan dihitung ulang. TPS yang sudah punya "
            "hasil tetap diperbarui, dengan peringatan: hasilnya tidak dinilai ulang. Impor ini TIDAK PERNAH "
            "menghapus TPS: TPS yang tidak ada di berkas tetap tersimpan (jumlahnya disebut di laporan). Bawaan: "
            "baris yang baik disimpan, baris yang salah dilaporkan; --semua-atau-tidak: satu baris ditolak = "
            "tidak ada yang disimpan. Server yang sedang berjalan memakai daftar baru dalam ±3 detik. "
            "Mengimpor ulang berkas yang sama tidak mengubah apa pun."
        ),
    )
    shared(tps)
    tps.add_argument("path", type=Path, help="berkas CSV")
    tps.add_argument(
        "--semua-atau-tidak",
        dest="all_or_nothing",
        action="store_true",
        help="simpan hanya bila tidak ada baris yang ditolak (bawaan: baris yang baik tetap disimpan)",
    )

    tallies = sub.add_parser(
        "tallies",
        help="impor hasil TPS dari CSV",
        description=(
            "Impor hasil TPS dari CSV (UTF-8; pemisah koma, titik koma atau tab). Kolom: contest (kecuali pakai "
            "--contest), tps (16.07.08.2001.003 atau 1607082001003), suara_1..suara_N (atau paslon_1..), "
            "suara_tidak_sah; pilihan: suara_sah, pengguna_hak_pilih, submitted_at (tanpa zona = WIB). "
            "Setiap baris melewati aturan yang sama dengan API; "
            "mengimpor ulang berkas yang sama tidak mengubah apa pun."
        ),
    )
    shared(tallies)
    tallies.add_argument("path", type=Path, help="berkas CSV")
    tallies.add_argument("--contest", help="kontestasi untuk baris tanpa kolom contest, mis. pilbup-banyuasin")
    tallies.add_argument("--source", type=_source_name, default="csv", help="nama sumber yang dicatat (bawaan csv)")
    tallies.add_argument(
        "--per-row", action="store_true", help="kirim baris satu per satu lewat jalur masukan API (lebih lambat)"
    )

    sk = sub.add_parser(
        "sirekap",
        help="impor berkas JSON per TPS dari Sirekap KPU",
        description=(
            "Impor berkas JSON per TPS dari Sirekap KPU (berkas atau folder, *.json di semua subfolder). Kode TPS "
            "diambil dari isi berkas atau dari 13 angka di awal nama berkas. Berkas yang baru berisi suara tanpa "
            "administrasi, hanya administrasi, hanya foto, atau kosong dilewati dengan alasannya."
        ),
    )
    shared(sk)
    sk.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="berkas atau folder JSON Sirekap")
    sk.add_argument(
        "--mapping", type=Path, required=True, help='JSON id calon Sirekap → nomor urut, mis. {"100025": 1}'
    )
    sk.add_argument("--contest", required=True, help="kontestasi tujuan, mis. pilgub-sumsel")
    sk.add_argument("--source", type=_source_name, default="sirekap", help="nama sumber yang dicatat")

    inc = sub.add_parser(
        "incidents",
        help="impor kejadian dari CSV",
        description=(
            "Impor kejadian dari CSV. Kolom: kecamatan, stage, category, severity, description; pilihan: desa, tps, "
            "latitude, longitude, occurred_at (tanpa zona = WIB). Baris yang sudah diimpor dari berkas yang sama "
            "(waktu, kecamatan, kategori dan uraian sama) dilewati."
        ),
    )
    shared(inc)
    inc.add_argument("path", type=Path, help="berkas CSV")


def _default_report(path: Path, here: bool = False) -> Path:
    """NAME.laporan.csv beside the file, or in the current folder (Sirekap: inputs are often a read-only tree)."""
    path = Path(path)
    name = f"{path.name if path.is_dir() else path.stem}.laporan.csv"
    return Path(name) if here else path.parent / name


@contextmanager
def _progress(enabled: bool, what: str) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr, or nothing."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def cmd_import(args: argparse.Namespace) -> int:
    """Run `import tps|tallies|sirekap|incidents`; prints the report; returns the exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    from data_sources import imports, tps_import

    kind = args.import_command
    first = args.path if kind != "sirekap" else args.paths[0]
    report_path = args.report or _default_report(first, here=kind == "sirekap")
    if kind != "sirekap" and Path(report_path).resolve() == Path(args.path).resolve():
        print(f"Laporan tidak boleh menimpa berkas masukan {args.path}.", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        store = open_store(config_from(args))
    except SQLAlchemyError as exc:
        print(f"Basis data tidak dapat dibuka; tidak ada yang disimpan: {str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_UNUSABLE
    show = args.progress or sys.stderr.isatty()
    try:
        with _progress(show, f"Impor {Path(first).name}") as progress:
            if kind == "tps":
                report = tps_import.import_tps(
                    store,
                    args.path,
                    report_path=report_path,
                    all_or_nothing=args.all_or_nothing,
                    progress=progress,
                )
            elif kind == "tallies":
                report = imports.import_tallies(
                    store,
                    args.path,
                    contest=args.contest,
                    source=args.source,
                    report_path=report_path,
                    bulk=not args.per_row,
                    progress=progress,
                )
            elif kind == "sirekap":
                report = imports.import_sirekap(
                    store,
                    args.paths,
                    mapping_path=args.mapping,
                    contest=args.contest,
                    source=args.source,
                    report_path=report_path,
                    progress=progress,
                )
            else:
                report = imports.import_incidents(store, args.path, report_path=report_path, progress=progress)
    except imports.ImportFileError as exc:
        print(f"Tidak diimpor; tidak ada yang disimpan: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except SQLAlchemyError as exc:
        if kind == "tps":
            print(
                f"Impor berhenti karena basis data: {str(exc).splitlines()[0]}. Tidak ada yang disimpan (satu "
                "transaksi); jalankan perintah yang sama lagi.",
                file=sys.stderr,
            )
            return EXIT_DATABASE
        print(
            f"Impor berhenti karena basis data: {str(exc).splitlines()[0]}. Yang sudah tersimpan tetap tersimpan; "
            "jalankan perintah yang sama lagi untuk melanjutkan (baris yang sudah tersimpan menjadi 'sama').",
            file=sys.stderr,
        )
        return EXIT_DATABASE
    finally:
        store.dispose()
    for warning in report.warnings:
        print(f"Peringatan: {warning}", file=sys.stderr)
    print("\n".join(report.summary()))
    if kind == "tps":
        return _tps_outcome(args, report)
    if report.problems:
        unit = report.where_label
        print(
            f"Peringatan: {fmt_int(report.counts[imports.DITOLAK])} {unit} ditolak dan "
            f"{fmt_int(report.counts[imports.KONFLIK])} konflik; perbaiki lalu impor lagi "
            "(yang sudah tersimpan tidak berubah).",
            file=sys.stderr,
        )
    if report.stored:
        print("Server yang sedang berjalan menampilkannya di semua layar dalam beberapa saat (umpan perubahan).")
    return EXIT_STRICT if args.strict and report.problems else EXIT_OK


def _tps_outcome(args: argparse.Namespace, report: object) -> int:
    """The closing lines and exit code of `import tps`."""
    from data_sources import imports, tps_import

    assert isinstance(report, tps_import.TpsReport)
    rejected = report.counts[imports.DITOLAK]
    if report.aborted:
        print(
            f"Peringatan: {fmt_int(rejected)} baris ditolak; tidak ada yang disimpan (--semua-atau-tidak). "
            "Perbaiki lalu impor lagi.",
            file=sys.stderr,
        )
        return EXIT_STRICT
    if rejected:
        print(
            f"Peringatan: {fmt_int(rejected)} baris ditolak; baris lain sudah disimpan. Perbaiki lalu impor lagi "
            "(yang sudah tersimpan menjadi 'sama'), atau pakai --semua-atau-tidak.",
            file=sys.stderr,
        )
    if report.stored:
        print(
            "Server yang sedang berjalan memakai daftar TPS baru dalam ±3 detik (jumlah TPS dan DPT di rekap, "
            "formulir Input, API); hasil yang sudah tersimpan tidak dinilai ulang."
        )
    return EXIT_STRICT if args.strict and rejected else EXIT_OK
