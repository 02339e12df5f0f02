"""Write the demo scenario (real Banyuasin TPS structure, simulated DPT, fictional paslon) as JSON."""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "data_sources" / "demo"
SEED = 20241127

PILBUP = [
    ("Hj. Ratna Sari Dewi", "Muhammad Fadli", "#1565c0"),
    ("Ahmad Syarifuddin", "Lestari Wulandari", "#c62828"),
    ("Bambang Irawan", "Siti Khodijah", "#2e7d32"),
    ("Yusuf Hidayat", "Nurhasanah", "#ef6c00"),
    ("Darmawan Saputra", "Rini Anggraini", "#6a1b9a"),
]
PILGUB = [
    ("Hendra Kusuma", "Fitri Handayani", "#00838f"),
    ("Rahmat Hidayatullah", "Dewi Puspitasari", "#ad1457"),
    ("Sutrisno Wibowo", "Aisyah Ramadhani", "#558b2f"),
    ("Indra Gunawan", "Maya Kartika", "#4e342e"),
]


def _paslon(rows: list[tuple[str, str, str]]) -> list[dict]:
    return [{"nomor": i, "kepala": k, "wakil": w, "color": c} for i, (k, w, c) in enumerate(rows, start=1)]


def build(seed: int = SEED) -> dict:
    """The scenario as a dict: every TPS of the reference counts with a DPT between 80 and 600."""
    rng = random.Random(seed)
    tps = []
    with open(DEMO_DIR / "banyuasin_tps_per_desa_2024.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            base = rng.gauss(236, 45)
            for number in range(1, int(row["jumlah_tps"]) + 1):
                dpt = int(max(80, min(600, rng.gauss(base, 40))))
                tps.append({"code": f"{row['kode_desa']}.{number:03d}", "dpt": dpt})
    return {
        "name": "Demo Pilkada Banyuasin (DATA SIMULASI)",
        "demo": True,
        "election_date": "2024-11-27",
        "regions": ["16.07"],
        "contests": [
            {
                "id": "pilbup-banyuasin",
                "name": "Pemilihan Bupati dan Wakil Bupati Banyuasin",
                "kind": "pilbup",
                "scope": "16.07",
                "paslon": _paslon(PILBUP),
            },
            {
                "id": "pilgub-sumsel",
                "name": "Pemilihan Gubernur dan Wakil Gubernur Sumatera Selatan",
                "kind": "pilgub",
                "scope": "16",
                "paslon": _paslon(PILGUB),
            },
        ],
        "tps": tps,
    }


def main() -> None:
    """Write the scenario file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEMO_DIR / "banyuasin_demo.json")
    args = parser.parse_args()
    scenario = build()
    text = json.dumps(scenario, ensure_ascii=False, indent=1)
    args.out.write_text(text + "\n", encoding="utf-8")
    total = sum(t["dpt"] for t in scenario["tps"])
    print(f"{args.out}: {len(scenario['tps'])} TPS, DPT {total:,}".replace(",", "."))


if __name__ == "__main__":
    main()
