"""Fixed vocabularies: incident categories, severities, statuses, stages; logistics items and statuses."""

from __future__ import annotations

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


def item_label(item: str) -> str:
    """The Indonesian label of a logistics item."""
    if item.startswith(BALLOT_PREFIX):
        return "Surat suara " + item.removeprefix(BALLOT_PREFIX)
    return ITEMS_PER_TPS.get(item, (item,))[0]
