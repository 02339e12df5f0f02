"""Recap engine: incremental totals equal a brute-force group-by of the current versions, at every level."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.recap.engine import COUNTED, HELD, NO_RESULT, RecapEngine, RegionTotals
from data_sources.domain.contest import ContestInfo, PaslonInfo
from data_sources.domain.rules import STATUS_COUNTED, STATUS_REVIEW

JANGGAL_FLAG = {"code": "janggal", "message": "Paslon 1 meraih 97,00 % suara sah pada partisipasi 96,00 %."}
LEVEL_WIDTH = {"kabupaten": 5, "kecamatan": 8, "desa": 13, "tps": 17}
FIGURES = ("tps_reported", "held", "janggal", "dpt_reported", "voters", "suara_sah", "suara_tidak_sah")


def contest(scope: str = "16.07", paslon: int = 2, contest_id: str = "pilbup-uji") -> ContestInfo:
    """A contest over `scope` with `paslon` candidate pairs."""
    return ContestInfo(
        contest_id,
        "Pilkada uji",
        "pilbup",
        scope,
        tuple(PaslonInfo(i, f"Kepala {i}", f"Wakil {i}", "#123456") for i in range(1, paslon + 1)),
    )


def result(
    tps: str,
    votes: list[int],
    tidak_sah: int = 0,
    *,
    version: int = 1,
    status: str = STATUS_COUNTED,
    janggal: bool = False,
    hadir: int | None = None,
    sah: int | None = None,
    contest_id: str = "pilbup-uji",
) -> dict[str, Any]:
    """A result dict shaped like `data_sources.results.result_dict` (the fields the engine reads)."""
    return {
        "contest": contest_id,
        "tps": tps,
        "version": version,
        "votes": {str(i): v for i, v in enumerate(votes, start=1)},
        "suara_sah": sum(votes) if sah is None else sah,
        "suara_tidak_sah": tidak_sah,
        "pengguna_hak_pilih": hadir,
        "status": status,
        "flags": [JANGGAL_FLAG] if janggal else [],
        "received_at": "2024-11-27T07:05:00+00:00",
    }


# ---------------------------------------------------------------- random scenarios vs. pandas


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A few kecamatan/desa/TPS under kabupaten 16.07, 2–5 paslon, and a stream of result events."""
    paslon = draw(st.integers(2, 5))
    tps_dpt: dict[str, int] = {}
    for kec in draw(st.lists(st.integers(1, 30), min_size=1, max_size=3, unique=True)):
        for desa in draw(st.lists(st.integers(2001, 2030), min_size=1, max_size=3, unique=True)):
            for number in draw(st.lists(st.integers(1, 20), min_size=1, max_size=4, unique=True)):
                tps_dpt[f"16.07.{kec:02d}.{desa}.{number:03d}"] = draw(st.integers(100, 600))
    events = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(tps_dpt) - 1),
                st.sampled_from(["counted", "counted", "held", "janggal", "confirm", "stale"]),
                st.lists(st.integers(0, 150), min_size=paslon, max_size=paslon),
                st.integers(0, 20),
                st.sampled_from(["none", "exact", "off"]),
            ),
            max_size=40,
        )
    )
    return {"paslon": paslon, "tps_dpt": tps_dpt, "events": events, "split": draw(st.integers(0, len(events)))}


def stream(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    """Turn events into result versions: new results, corrections, held ones, confirmations, stale repeats."""
    codes = list(scenario["tps_dpt"])
    history: dict[str, list[dict[str, Any]]] = {}
    out = []
    for (
        i,
        kind,
        votes,
        tidak_sah,
        hadir_mode,
    ) in scenario["events"]:
        code = codes[i]
        versions = history.setdefault(code, [])
        current = versions[-1] if versions else None
        if kind == "stale" and len(versions) >= 2:
            out.append(versions[0])  # an old version arriving late: must change nothing
            continue
        version = len(versions) + 1
        if kind == "confirm" and current is not None and current["status"] == STATUS_REVIEW:
            new = {**current, "version": version, "status": STATUS_COUNTED}
        else:
            ballots = sum(votes) + tidak_sah
            hadir = {"none": None, "exact": ballots, "off": ballots + 3}[hadir_mode]
            new = result(
                code,
                votes,
                tidak_sah,
                version=version,
                status=STATUS_REVIEW if kind == "held" else STATUS_COUNTED,
                janggal=kind == "janggal",
                hadir=hadir,
            )
        versions.append(new)
        out.append(new)
    return out


def brute_force(tps_dpt: dict[str, int], versions: list[dict[str, Any]], paslon: int) -> dict[str, dict[str, Any]]:
    """Totals per region code at every level, by a pandas group-by over the newest version of each TPS."""
    vote_cols = [f"v{i}" for i in range(1, paslon + 1)]
    tps = pd.DataFrame({"tps": list(tps_dpt), "dpt": list(tps_dpt.values())})
    if versions:
        rows = pd.DataFrame(
            {
                "tps": r["tps"],
                "version": r["version"],
                "sah": r["suara_sah"],
                "tidak_sah": r["suara_tidak_sah"],
                "hadir": r["pengguna_hak_pilih"],
                "held": r["status"] == STATUS_REVIEW,
                "janggal": any(f["code"] == "janggal" for f in r["flags"]),
                **{c: r["votes"][c[1:]] for c in vote_cols},
            }
            for r in versions
        )
        current = rows.sort_values("version").drop_duplicates("tps", keep="last")
        frame = tps.merge(current, on="tps", how="left")
    else:
        frame = tps.assign(held=False, janggal=False, sah=np.nan, tidak_sah=np.nan, hadir=np.nan)
        for c in vote_cols:
            frame[c] = np.nan
    has = frame["sah"].notna()
    held = has & frame["held"].fillna(False).astype(bool)
    counted = has & ~held
    hadir = pd.to_numeric(frame["hadir"], errors="coerce")
    per_tps = pd.DataFrame(
        {
            "tps_total": 1,
            "tps_reported": counted.astype(int),
            "held": held.astype(int),
            "janggal": (has & frame["janggal"].fillna(False).astype(bool)).astype(int),
            "dpt": frame["dpt"],
            "dpt_reported": frame["dpt"].where(counted, 0),
            "voters": hadir.fillna(frame["sah"] + frame["tidak_sah"]).where(counted, 0),
            "suara_sah": frame["sah"].where(counted, 0),
            "suara_tidak_sah": frame["tidak_sah"].where(counted, 0),
            **{c: frame[c].where(counted, 0) for c in vote_cols},
        }
    )
    expected: dict[str, dict[str, Any]] = {}
    for level, width in LEVEL_WIDTH.items():
        sums = per_tps.groupby(frame["tps"].str[:width]).sum()
        for code, row in sums.iterrows():
            values = {k: int(v) for k, v in row.items()}
            values["votes"] = tuple(values.pop(c) for c in vote_cols)
            values["level"] = level
            expected[code] = values
    return expected


def assert_matches(engine: RecapEngine, expected: dict[str, dict[str, Any]]) -> None:
    """Every region of every level in the engine equals the brute-force totals, and no region is extra."""
    seen = set()
    for level in LEVEL_WIDTH:
        for got in engine.regions(level):
            seen.add(got.code)
            want = expected[got.code]
            assert got.level == want["level"]
            for name in ("tps_total", "dpt", *FIGURES, "votes"):
                assert getattr(got, name) == want[name], (got.code, name)
            assert engine.region(got.code) == got
    assert seen == set(expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_engine_equals_group_by_of_current_versions(scenario: dict[str, Any]) -> None:
    tps_dpt = scenario["tps_dpt"]
    versions = stream(scenario)
    split = scenario["split"]
    outside = {"16.08.01.2001.001": 300}  # another kabupaten: ignored by a 16.07 contest
    engine = RecapEngine(contest("16.07", scenario["paslon"]), {**outside, **tps_dpt}, {"16.07": "Banyuasin"})
    assert engine.n_tps == len(tps_dpt)

    engine.load(versions[:split])  # every version so far, superseded ones included: the newest wins
    assert_matches(engine, brute_force(tps_dpt, versions[:split], scenario["paslon"]))
    for k, r in enumerate(versions[split:], start=split):
        before = engine.region(r["tps"])
        changed = engine.apply(r)
        after = engine.region(r["tps"])
        if changed:
            assert changed == engine.lineage(r["tps"])
            assert changed[-1] == "16.07" and changed[0] == r["tps"]
        else:
            assert after == before
        if r in versions[:k]:  # a late old version: nothing changes
            assert changed == []
    assert_matches(engine, brute_force(tps_dpt, versions, scenario["paslon"]))

    current = {r["tps"]: r for r in sorted(versions, key=lambda r: r["version"])}
    want_flagged = sorted(
        code for code, r in current.items() if r["status"] == STATUS_REVIEW or JANGGAL_FLAG in r["flags"]
    )
    assert engine.flagged() == want_flagged

    fresh = RecapEngine(contest("16.07", scenario["paslon"]), tps_dpt, {"16.07": "Banyuasin"})
    fresh.load(versions)  # built cold from every version: the same totals as built incrementally
    for level in LEVEL_WIDTH:
        assert fresh.regions(level) == engine.regions(level)


# ---------------------------------------------------------------- behaviour


def small_engine(scope: str = "16.07", paslon: int = 2) -> RecapEngine:
    """Two kecamatan, three desa, five TPS (given out of order)."""
    tps_dpt = {
        "16.07.09.2002.001": 250,
        "16.07.08.2001.010": 300,
        "16.07.08.2001.002": 200,
        "16.07.08.2001.001": 400,
        "16.07.08.2003.001": 150,
    }
    names = {"16.07": "Banyuasin", "16.07.08": "Betung", "16.07.08.2001": "Rimba Asam"}
    return RecapEngine(contest(scope, paslon), tps_dpt, names)


def test_apply_returns_the_tps_and_its_ancestors() -> None:
    engine = small_engine()
    assert engine.apply(result("16.07.08.2001.002", [100, 50], 3)) == [
        "16.07.08.2001.002",
        "16.07.08.2001",
        "16.07.08",
        "16.07",
    ]
    assert engine.apply(result("16.07.08.2001.002", [100, 50], 3, version=1)) == []  # nothing changed
    assert engine.apply(result("16.07.08.2001.002", [90, 50], 3, version=2))[0] == "16.07.08.2001.002"


def test_children_of_a_desa_are_its_tps_in_code_order() -> None:
    engine = small_engine()
    kids = engine.children("16.07.08.2001")
    assert [k.code for k in kids] == ["16.07.08.2001.001", "16.07.08.2001.002", "16.07.08.2001.010"]
    assert [k.level for k in kids] == ["tps"] * 3 and [k.dpt for k in kids] == [400, 200, 300]
    assert [k.code for k in engine.children("16.07")] == ["16.07.08", "16.07.09"]
    assert [k.code for k in engine.children("16.07.08")] == ["16.07.08.2001", "16.07.08.2003"]
    assert engine.children("16.07.08.2001.001") == []
    desa = engine.region("16.07.08.2001")
    assert (desa.name, desa.level, desa.tps_total, desa.dpt) == ("Rimba Asam", "desa", 3, 900)
    assert engine.region("16.07.09").name == "16.07.09"  # no name: the code


def test_held_then_confirmed_then_held_again() -> None:
    engine = small_engine()
    tps = "16.07.08.2003.001"
    held = result(tps, [60, 40], 5, status=STATUS_REVIEW, hadir=120)
    engine.apply(held)
    top = engine.region("16.07")
    assert (top.held, top.tps_reported, top.suara_sah, top.votes, top.voters) == (1, 0, 0, (0, 0), 0)
    assert engine.flagged() == [tps]
    engine.apply({**held, "version": 2, "status": STATUS_COUNTED})  # confirmed: counted with its numbers
    top = engine.region("16.07")
    assert (top.held, top.tps_reported, top.suara_sah, top.votes, top.voters) == (0, 1, 100, (60, 40), 120)
    assert (top.dpt_reported, top.dpt) == (150, 1300)
    assert engine.flagged() == []
    engine.apply(result(tps, [70, 40], 5, version=3, status=STATUS_REVIEW))  # a correction held again
    top = engine.region("16.07")
    assert (top.held, top.tps_reported, top.suara_sah, top.dpt_reported) == (1, 0, 0, 0)


def test_janggal_results_are_counted_and_marked() -> None:
    engine = small_engine()
    engine.apply(result("16.07.08.2001.001", [390, 0], 2, janggal=True))
    top = engine.region("16.07")
    assert (top.tps_reported, top.janggal, top.held, top.votes) == (1, 1, 0, (390, 0))
    assert engine.flagged() == ["16.07.08.2001.001"]
    engine.apply(result("16.07.08.2001.001", [200, 100], 2, version=2))
    assert engine.region("16.07").janggal == 0 and engine.flagged() == []


def test_a_late_old_version_is_ignored() -> None:
    engine = small_engine()
    engine.apply(result("16.07.09.2002.001", [10, 20], version=2))
    assert engine.apply(result("16.07.09.2002.001", [99, 99], version=1)) == []
    assert engine.region("16.07.09").votes == (10, 20)


def test_provinsi_scope_has_a_kabupaten_level() -> None:
    tps_dpt = {"16.07.08.2001.001": 300, "16.07.09.2002.001": 200, "16.01.01.2001.001": 100}
    engine = RecapEngine(contest("16", 3), tps_dpt, {"16": "Sumatera Selatan"})
    assert engine.levels == ("provinsi", "kabupaten", "kecamatan", "desa", "tps")
    assert [(k.code, k.level, k.tps_total) for k in engine.children("16")] == [
        ("16.01", "kabupaten", 1),
        ("16.07", "kabupaten", 2),
    ]
    assert engine.apply(result("16.07.09.2002.001", [1, 2, 3])) == [
        "16.07.09.2002.001",
        "16.07.09.2002",
        "16.07.09",
        "16.07",
        "16",
    ]
    assert engine.region("16").name == "Sumatera Selatan" and engine.region("16").votes == (1, 2, 3)


def test_national_scope_is_the_empty_code() -> None:
    tps_dpt = {"16.07.08.2001.001": 300, "31.71.01.1001.001": 200}
    engine = RecapEngine(contest("", 2), tps_dpt)
    assert engine.levels == ("nasional", "provinsi", "kabupaten", "kecamatan", "desa", "tps")
    assert [k.code for k in engine.children("")] == ["16", "31"]
    assert engine.apply(result("31.71.01.1001.001", [5, 6]))[-2:] == ["31", ""]
    top = engine.region("")
    assert (top.level, top.tps_total, top.dpt, top.votes) == ("nasional", 2, 500, (5, 6))


def test_unknown_tps_raises_key_error() -> None:
    engine = small_engine()
    for code in ("16.07.08.2001.999", "16.08.01.2001.001", "1607082001001", "16.07.08", "nonsense"):
        with pytest.raises(KeyError):
            engine.apply(result(code, [1, 1]))
    with pytest.raises(KeyError):
        engine.load([result("16.07.08.2001.999", [1, 1])])
    with pytest.raises(KeyError):
        engine.region("16.08")
    with pytest.raises(KeyError):
        engine.children("16.07.10")
    with pytest.raises(ValueError):
        engine.apply(result("16.07.08.2001.001", [1, 1], contest_id="pilgub-lain"))
    with pytest.raises(ValueError):
        engine.apply({**result("16.07.08.2001.001", [1, 1]), "votes": {"1": 1, "7": 2}})


def test_load_arrays_matches_load() -> None:
    by_dicts, by_arrays = small_engine(), small_engine()
    by_dicts.load(
        [
            result("16.07.08.2001.001", [100, 200], 4, hadir=304),
            result("16.07.08.2001.010", [50, 60], 1, status=STATUS_REVIEW, janggal=True),
            result("16.07.09.2002.001", [20, 10], 0, janggal=True),
        ]
    )
    codes = by_arrays.tps_codes()
    assert codes == sorted(codes)
    votes = np.zeros((5, 2), np.int64)
    status = np.full(5, NO_RESULT)
    janggal = np.zeros(5, bool)
    for code, v, s, j in (
        ("16.07.08.2001.001", (100, 200), COUNTED, False),
        ("16.07.08.2001.010", (50, 60), HELD, True),
        ("16.07.09.2002.001", (20, 10), COUNTED, True),
    ):
        i = by_arrays.tps_index(code)
        votes[i], status[i], janggal[i] = v, s, j
    sah = votes.sum(axis=1)
    tidak = np.array([4 if c == "16.07.08.2001.001" else (1 if c.endswith("010") else 0) for c in codes])
    by_arrays.load_arrays(votes, sah, tidak, sah + tidak, status, janggal)
    for level in ("kabupaten", "kecamatan", "desa", "tps"):
        assert by_arrays.regions(level) == by_dicts.regions(level)
    assert by_dicts.flagged() == ["16.07.08.2001.010", "16.07.09.2002.001"]
    with pytest.raises(ValueError):
        by_arrays.load_arrays(votes[:, :1], sah, tidak, sah, status)


def test_a_scope_without_tps() -> None:
    engine = RecapEngine(contest("16.07"), {"16.08.01.2001.001": 100})
    engine.load([])
    top = engine.region("16.07")
    assert (top.tps_total, top.dpt, top.votes, top.progress) == (0, 0, (0, 0), 0.0)
    assert engine.children("16.07") == [] and engine.flagged() == []


def test_region_totals_helpers_on_exact_numbers() -> None:
    totals = RegionTotals(
        code="16.07.08",
        name="Betung",
        level="kecamatan",
        tps_total=8,
        tps_reported=6,
        held=1,
        janggal=0,
        dpt=2400,
        dpt_reported=2000,
        voters=1500,
        suara_sah=1450,
        suara_tidak_sah=50,
        votes=(300, 725, 425),
        nomor=(1, 2, 3),
    )
    assert totals.leader == 2
    assert totals.margin == 300
    assert totals.margin_share == pytest.approx(300 / 1450)
    assert totals.shares == pytest.approx((300 / 1450, 0.5, 425 / 1450))
    assert totals.share(2) == 0.5
    assert totals.turnout == 0.75
    assert totals.progress == 0.75
    data = totals.as_dict()
    assert data["votes"] == {"1": 300, "2": 725, "3": 425}
    assert data["shares"]["2"] == 0.5 and data["turnout"] == 0.75 and data["leader"] == 2
    assert all(
        isinstance(v, int | float) for k, v in data.items() if k not in ("code", "name", "level", "votes", "shares")
    )

    empty = RegionTotals("16.07.09", "x", "kecamatan", 3, 0, 0, 0, 900, 0, 0, 0, 0, (0, 0), (1, 2))
    assert (empty.leader, empty.margin, empty.margin_share, empty.turnout, empty.shares) == (None, 0, 0.0, 0.0, (0, 0))
    tie = RegionTotals("16.07.09", "x", "kecamatan", 3, 2, 0, 0, 900, 600, 500, 480, 20, (240, 240), (1, 2))
    assert (tie.leader, tie.margin) == (1, 0)
