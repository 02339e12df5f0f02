"""Fixed vocabularies: incident categories, severities, statuses, stages; logistics items and statuses."""

from __future__ import annotations

from collections.abc import Mapping

STAGES = {
    "pemutakhiran-data-pemilih": "Pemutakhiran data pemilih",
    "kampanye": "Kampanye",
    "masa-tenang": "Masa tenang",
    "pemungutan-suara": "Pemungutan suara",
    "penghitungan": "Penghitungan suara",
    "rekapitulasi": "Rekapitulasi",
    "penetapan": "Penetapan",
}

# Bawaslu's vulnerability variables (Indeks Kerawanan Pemilu)
CATEGORIES = {
    "hak-pilih": "Hak pilih / DPT",
    "keamanan": "Keamanan",
    "politik-uang": "Politik uang",
    "sara": "SARA / ujaran kebencian",
    "netralitas-penyelenggara": "Netralitas penyelenggara",
    "netralitas-asn": "Netralitas ASN",
    "netralitas-tni-polri": "Netralitas TNI/Polri",
    "netralitas-kepala-desa": "Netralitas kepala desa",
    "logistik": "Logistik",
    "lokasi-tps": "Lokasi TPS / bencana",
    "listrik-internet": "Listrik / internet",
    "lainnya": "Lainnya",
}

SEVERITIES = {"rendah": "Rendah", "sedang": "Sedang", "tinggi": "Tinggi", "kritis": "Kritis"}
SEVERITY_COLORS = {"rendah": "#2e7d32", "sedang": "#f9a825", "tinggi": "#ef6c00", "kritis": "#c62828"}

INCIDENT_STATUSES = {
    "baru": "Baru",
    "diverifikasi": "Diverifikasi",
    "ditangani": "Ditangani",
    "selesai": "Selesai",
    "ditolak": "Ditolak",
}
INCIDENT_TRANSITIONS = {
    "baru": {"diverifikasi", "ditolak"},
    "diverifikasi": {"ditangani", "selesai", "ditolak"},
    "ditangani": {"selesai"},
    "selesai": set(),
    "ditolak": set(),
}
OPEN_STATUSES = ("baru", "diverifikasi", "ditangani")

LOGISTICS_STATUSES = {
    "belum-dikirim": "Belum dikirim",
    "dalam-perjalanan": "Dalam perjalanan",
    "diterima": "Diterima",
    "kurang": "Kurang",
    "rusak": "Rusak",
}

# Items other than ballots, with how many a TPS needs (ballots are per contest: DPT + 2.5 %).
ITEMS_PER_TPS = {
    "kotak-suara": ("Kotak suara", "per_contest", 1),
    "bilik-suara": ("Bilik suara", "per_tps", 4),
    "tinta": ("Tinta", "per_tps", 2),
    "segel": ("Segel", "per_contest", 10),
    "formulir": ("Formulir C", "per_contest", 1),
}
BALLOT_PREFIX = "surat-suara-"


CONTEST_KINDS = {"pilgub": "Pilgub", "pilbup": "Pilbup", "pilwalkot": "Pilwalkot"}


def contest_short_name(kind: str, region_name: str) -> str:
    """A contest as officials say it: "Pilbup Banyuasin", "Pilgub Sumatera Selatan"."""
    place = region_name.removeprefix("Kabupaten ").removeprefix("Kota ").removeprefix("Provinsi ")
    return f"{CONTEST_KINDS.get(kind, kind)} {place}".strip()


def item_label(item: str, ballots: Mapping[str, str] | None = None) -> str:
    """The Indonesian label of a logistics item; ballots named after their contest (`ballots`: id → short name)."""
    if item.startswith(BALLOT_PREFIX):
        contest = item.removeprefix(BALLOT_PREFIX)
        return "Surat suara " + (ballots or {}).get(contest, contest)
    return ITEMS_PER_TPS.get(item, (item,))[0]
