"""The C1 form's live checks (assets/c1.js) say what dashboard/rules.py will say, word for word.

The browser script is run in Node.js over a few hundred tallies (random ones and the edges of each rule) and
its rejections, holds and marks are compared with `rules.check_result`. Skipped when Node.js is absent (the
browser tests then still check one case of each kind in Chromium).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from data_sources.domain import rules

ASSETS = Path(__file__).resolve().parent.parent / "dashboard" / "assets"
HARNESS = """
global.window = {dash_clientside: {}, addEventListener: function () {}};
global.document = {getElementById: function () { return null; }, addEventListener: function () {}};
require(process.argv[1] + "/recap.js");
require(process.argv[1] + "/c1.js");
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(function (c) {
    const ids = c.votes.map(function (_v, i) { return {type: "vote", nomor: i + 1}; });
    return window.dash_clientside.c1.check(c.votes, c.sah, c.tidak_sah, c.hadir, ids, {dpt: c.dpt});
});
process.stdout.write(JSON.stringify(out));
"""


def _cases() -> list[dict]:
    rng = random.Random(20241127)
    cases = []
    for _ in range(300):
        dpt = rng.randint(50, 600)
        n = rng.randint(2, 5)
        votes = [rng.randint(0, dpt // n + 5) for _ in range(n)]
        tidak_sah = rng.randint(0, 15)
        ballots = sum(votes) + tidak_sah
        hadir = rng.choice([None, ballots, ballots + rng.randint(-3, 3), dpt + rng.randint(0, 5)])
        sah = rng.choice([None, None, sum(votes), sum(votes) + rng.randint(-2, 2)])
        cases.append({"votes": votes, "sah": sah, "tidak_sah": tidak_sah, "hadir": hadir, "dpt": dpt})
    # the edges: exactly the printed ballots and one more; janggal just at and just under its thresholds
    cases += [
        {"votes": [205, 0], "sah": None, "tidak_sah": 0, "hadir": None, "dpt": 200},
        {"votes": [206, 0], "sah": None, "tidak_sah": 0, "hadir": None, "dpt": 200},
        {"votes": [181, 9], "sah": None, "tidak_sah": 0, "hadir": None, "dpt": 200},
        {"votes": [180, 10], "sah": None, "tidak_sah": 0, "hadir": None, "dpt": 200},
        {"votes": [95, 5], "sah": None, "tidak_sah": 0, "hadir": 100, "dpt": 100},
        {"votes": [0, 0, 0], "sah": 0, "tidak_sah": 0, "hadir": 0, "dpt": 300},
        {"votes": [1234, 100], "sah": None, "tidak_sah": 3, "hadir": None, "dpt": 600},
    ]
    return cases


def _python(case: dict) -> dict[str, list[str]]:
    tally = rules.Tally(dict(enumerate(case["votes"], start=1)), case["tidak_sah"], case["sah"], case["hadir"])
    verdict = rules.check_result(tally, case["dpt"], set(range(1, len(case["votes"]) + 1)))
    return {
        "error": list(verdict.errors.values()),
        "hold": [f.message for f in verdict.holds],
        "mark": [f.message for f in verdict.marks],
    }


def _browser(items: list[dict]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"error": [], "hold": [], "mark": []}
    for item in items:
        kind = item["props"]["className"].removeprefix("c1-check-")
        if kind in found:
            found[kind].append(item["props"]["children"])
    return found


def test_the_live_checks_word_for_word_as_the_server_rules() -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed: the browser tests check the live rules in Chromium instead")
    cases = _cases()
    run = subprocess.run(
        [node, "-e", HARNESS, str(ASSETS)], input=json.dumps(cases), capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    answers = json.loads(run.stdout)
    kinds = {"error": 0, "hold": 0, "mark": 0}
    for case, answer in zip(cases, answers, strict=True):
        expected = _python(case)
        assert _browser(answer[5]) == expected, case
        for kind, messages in expected.items():
            kinds[kind] += bool(messages)
        verdict_class = answer[4]
        if expected["error"]:
            assert verdict_class == "notice notice-error", case
        elif expected["hold"]:
            assert verdict_class == "notice notice-denied", case
        else:
            assert verdict_class == "notice notice-ok", case
    assert min(kinds.values()) >= 3, kinds  # every kind of finding was exercised
