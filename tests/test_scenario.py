"""Scenario loader: the demo loads whole; broken files name the place and field and store nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_sources.domain.actors import SYSTEM
from data_sources.models import AuditEntry, Contest, Region, Tps
from data_sources.scenario import ScenarioError, load_scenario
from tests.conftest import DEMO, ROOT


def small(**changes) -> dict:  # noqa: ANN003
    """A valid two-TPS scenario, with changes applied."""
    data = {
        "name": "Uji",
        "demo": False,
        "election_date": "2024-11-27",
        "regions": ["16.07"],
        "contests": [
            {
                "id": "pilbup-banyuasin",
                "name": "Pilbup",
                "kind": "pilbup",
                "scope": "16.07",
                "paslon": [
                    {"nomor": 1, "kepala": "A", "wakil": "B", "color": "#112233"},
                    {"nomor": 2, "kepala": "C", "wakil": "D", "color": "#445566"},
                ],
            }
        ],
        "tps": [{"code": "16.07.08.2007.001", "dpt": 250}, {"code": "16.07.08.2007.002", "dpt": 300}],
    }
    data.update(changes)
    return data


def write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "skenario.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def count(store, model) -> int:  # noqa: ANN001
    with store.reader() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_demo_loads_real_banyuasin_structure(demo_store) -> None:  # noqa: ANN001
    with demo_store.reader() as s:
        assert s.scalar(select(func.count()).where(Region.level == 3, Region.parent_code == "16.07")) == 21
        assert s.scalar(select(func.count()).where(Region.level == 4, Region.code.like("16.07.%"))) == 313
        assert s.scalar(select(func.count()).select_from(Tps)) == 2564
        dpt = s.scalar(select(func.sum(Tps.dpt)))
        assert s.scalar(select(func.max(Tps.dpt))) <= 600
        assert s.get(Region, "16.07.10").name == "Talang Kelapa"  # names come from the Kemendagri package
        assert [c.id for c in s.scalars(select(Contest).order_by(Contest.position))] == [
            "pilbup-banyuasin",
            "pilgub-sumsel",
        ]
    assert 550_000 <= dpt <= 650_000
    assert demo_store.get_setting("demo") == "1"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"regions": ["16.99"]}, "regions[0]: kode wilayah '16.99' tidak dikenal (Kemendagri)"),
        (
            {"tps": [{"code": "16.07.08.2007.001", "dpt": 250}, {"code": "16.07.08.2007.001", "dpt": 200}]},
            "tps[1] (16.07.08.2007.001).code: TPS ganda (juga tps[0])",
        ),
        ({"tps": [{"code": "16.07.08.2007.001", "dpt": 650}]}, "tps[0] (16.07.08.2007.001).dpt: DPT 650 melebihi"),
        (
            {"tps": [{"code": "16.07.08.2007.001", "dpt": "250"}]},
            "tps[0] (16.07.08.2007.001).dpt: harus bilangan bulat",
        ),
        ({"tps": [{"code": "16.07.08.9999.001", "dpt": 250}]}, "desa 16.07.08.9999 tidak dikenal"),
        ({"tps": [{"code": "1607082001001", "dpt": 250}]}, "tps[0] (1607082001001).code: format tidak sah"),
    ],
)
def test_broken_file_names_place_and_field_and_stores_nothing(store, tmp_path, change, expected) -> None:  # noqa: ANN001
    with pytest.raises(ScenarioError) as err:
        load_scenario(store, write(tmp_path, small(**change)), SYSTEM)
    assert any(expected in p for p in err.value.problems), err.value.problems
    assert count(store, Region) == 0 and count(store, Tps) == 0 and count(store, AuditEntry) == 0


def test_paslon_numbering_gap_is_refused(store, tmp_path) -> None:  # noqa: ANN001
    data = small()
    data["contests"][0]["paslon"][1]["nomor"] = 3
    with pytest.raises(ScenarioError) as err:
        load_scenario(store, write(tmp_path, data), SYSTEM)
    assert err.value.problems == [
        "contests[0] (pilbup-banyuasin).paslon: nomor urut paslon harus 1..2 tanpa celah atau ganda, tertulis [1, 3]"
    ]
    assert count(store, Contest) == 0


def test_invalid_json_names_the_line(store, tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(ScenarioError) as err:
        load_scenario(store, write(tmp_path, '{\n  "name": "x",\n  oops\n}'), SYSTEM)
    assert err.value.problems[0].startswith("baris 3 kolom 3: JSON tidak sah")


def test_second_scenario_is_refused_and_first_kept(store, tmp_path) -> None:  # noqa: ANN001
    counts = load_scenario(store, write(tmp_path, small()), SYSTEM)
    assert counts["tps"] == 2 and counts["contests"] == 1
    with pytest.raises(ScenarioError, match="sudah berisi skenario 'Uji'"):
        load_scenario(store, write(tmp_path, small(name="Lain")), SYSTEM)
    assert count(store, Tps) == 2


def test_cli_init_reports_problems_and_exit_code(tmp_path) -> None:  # noqa: ANN001
    bad = write(tmp_path, small(regions=["16.99"]))
    run = subprocess.run(
        [sys.executable, "-m", "dashboard", "init", str(bad), "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 2
    assert "regions[0]: kode wilayah '16.99' tidak dikenal" in run.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "dashboard", "init", str(DEMO), "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert "tps 2564" in ok.stdout
