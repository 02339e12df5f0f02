"""The shell when a page opens: the severe incidents nobody has verified yet (data_sources.incidents.unhandled), the
time of the last change (data_sources.summary.last_change) and how the banner (assets/incidents.js) keeps them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.charts.incident_maps import labels
from data_sources import incidents, logistics, results, summary
from data_sources.domain.actors import SYSTEM, Actor
from data_sources.domain.fmt import fmt_wib, now_utc
from data_sources.scenario import load_scenario
from layouts.shell import ALERT_FIELDS, SEVERE, last_update_text
from tests import deskjs
from tests.conftest import DEMO, component, texts

OPERATOR = Actor("operator", "operator")
SINCE = "2024-11-27T03:00:00+00:00"  # 10.00 WIB: when the screen opened, in the browser tests below


def _incident(store: Any, severity: str, text: str = "Kotak suara rusak") -> dict[str, Any]:
    payload = {
        "kecamatan": "16.07.10",
        "stage": "pemungutan-suara",
        "category": "keamanan",
        "severity": severity,
        "description": text,
    }
    return incidents.create_incident(store, payload, OPERATOR)


# ---------------------------------------------------------------- the data layer, on both databases


def test_unhandled_lists_the_severe_incidents_nobody_has_verified_newest_first(demo_store) -> None:  # noqa: ANN001
    store = demo_store
    first = _incident(store, "kritis")
    second = _incident(store, "tinggi")
    _incident(store, "sedang")
    _incident(store, "rendah")
    verified = _incident(store, "kritis")
    incidents.change_status(store, verified["id"], "diverifikasi", OPERATOR, "dicek")
    rejected = _incident(store, "tinggi")
    incidents.change_status(store, rejected["id"], "ditolak", OPERATOR, "laporan ganda")

    listed = incidents.unhandled(store, SEVERE)
    assert [i["id"] for i in listed] == [second["id"], first["id"]]
    assert all(i["status"] == "baru" and i["kecamatan_name"] == "Talang Kelapa" for i in listed)
    assert [i["id"] for i in incidents.unhandled(store, SEVERE, limit=1)] == [second["id"]]
    assert [i["id"] for i in incidents.unhandled(store, ["kritis"])] == [first["id"]]
    assert incidents.unhandled(store, []) == [] and incidents.unhandled(store, ["gawat"]) == []

    incidents.change_status(store, second["id"], "diverifikasi", OPERATOR, "Panwascam ke lokasi")
    assert [i["id"] for i in incidents.unhandled(store, SEVERE)] == [first["id"]]


def test_last_change_is_the_newest_result_incident_or_logistics_change(store) -> None:  # noqa: ANN001
    assert summary.last_change(store) is None  # nothing stored: the top bar keeps "—"
    load_scenario(store, DEMO, SYSTEM)
    loaded = summary.last_change(store)
    board = logistics.board(store)
    assert loaded is not None and loaded == max(r.updated_at for r in board)  # the logistics set up with the scenario

    payload = {
        "contest": "pilbup-banyuasin",
        "tps": "16.07.10.2001.001",
        "votes": {"1": 50, "2": 40, "3": 5, "4": 3, "5": 1},
    }
    outcome = results.submit_result(store, {**payload, "suara_tidak_sah": 2}, OPERATOR, source="uji")
    assert outcome.http_status == 201
    received = datetime.fromisoformat(outcome.result["received_at"])
    assert summary.last_change(store) == received > loaded

    made = _incident(store, "sedang")
    assert summary.last_change(store) == datetime.fromisoformat(made["updated_at"]) >= received
    changed = incidents.change_status(store, made["id"], "diverifikasi", OPERATOR, None)
    assert summary.last_change(store) == datetime.fromisoformat(changed["updated_at"])

    line = logistics.update(store, "16.07.10", board[0].item, 1, "kurang", "operator")
    assert summary.last_change(store) == line.updated_at
    assert summary.last_change(store).tzinfo is not None and summary.last_change(store) <= now_utc()


def test_the_last_update_reads_like_a_pushed_one_with_the_date_on_an_earlier_day() -> None:
    now = datetime(2024, 11, 27, 9, 0, tzinfo=UTC)  # 16.00 WIB
    assert last_update_text(None, now) == "—"
    assert last_update_text(datetime(2024, 11, 27, 2, 5, tzinfo=UTC), now) == "09.05 WIB"
    assert last_update_text(datetime(2024, 11, 26, 16, 59, tzinfo=UTC), now) == "26-11-2024 23.59 WIB"
    assert last_update_text(datetime(2024, 11, 26, 17, 0, tzinfo=UTC), now) == "00.00 WIB"  # the same WIB day


# ---------------------------------------------------------------- what the page carries when it opens


def test_the_shell_carries_the_unverified_severe_incidents_and_the_last_change(app, client_as) -> None:  # noqa: ANN001
    store = app.server.extensions["desk"].store
    waiting = _incident(store, "kritis", "<b>Massa</b> ricuh")
    _incident(store, "rendah")
    handled = _incident(store, "tinggi")
    incidents.change_status(store, handled["id"], "diverifikasi", OPERATOR, None)

    layout = client_as("viewer").get("/_dash-layout").get_json()
    meta = component(layout, "alert-meta")["props"]["data"]
    assert [i["id"] for i in meta["unhandled"]] == [waiting["id"]]
    assert set(meta["unhandled"][0]) == set(ALERT_FIELDS)  # what the banner shows, no history or reporter
    assert meta["unhandled"][0]["description"] == "<b>Massa</b> ricuh"  # data, drawn as text by the browser
    assert datetime.fromisoformat(meta["since"]) >= datetime.fromisoformat(waiting["created_at"])
    assert meta["severe"] == ["tinggi", "kritis"]

    shown = component(layout, "last-update")["props"]["children"]
    assert shown == fmt_wib(datetime.fromisoformat(handled["updated_at"]))  # the newest change, at once
    assert "DATA SIMULASI" in texts(layout)


# ---------------------------------------------------------------- the banner's rules in the browser's own code

BANNER = """(() => {
    const memory = {};
    window.sessionStorage = {
        getItem: k => (k in memory ? memory[k] : null),
        setItem: (k, v) => { memory[k] = String(v); },
    };
    let shown = null;
    window.dash_clientside.set_props = (id, props) => { if (id === "alert-banner") { shown = props; } };
    const A = d.alerts;
    function text(n) {
        if (n === null || n === undefined) { return ""; }
        if (typeof n !== "object") { return String(n); }
        if (Array.isArray(n)) { return n.map(text).join(" | "); }
        return text(n.props.children);
    }
    function look(v) {
        const [children, cls] = v;
        return {
            cls: cls,
            title: children.length ? text(children[0]) : null,
            items: children.filter(c => /alert-item/.test(c.props.className))
                .map(c => [c.props.id, c.props.className, text(c.props.children[3])]),
            more: children.filter(c => /alert-more/.test(c.props.className)).map(c => [c.props.className, text(c)]),
        };
    }
    const out = {};
    const meta = m => ({since: SINCE, severe: ["tinggi", "kritis"], labels: LABELS, unhandled: m});
    out.opened = look(A.restore(meta([EARLY])));
    A.receive({items: [LOW, NEW]});
    out.both = look([shown.children, shown.className]);
    A.receive({items: [Object.assign({}, EARLY, {status: "diverifikasi", updated_at: "2024-11-27T03:21:00+00:00"})]});
    out.verified = look([shown.children, shown.className]);
    A.receive({items: [EARLY]});  // an older state, late: it does not come back
    out.late = look([shown.children, shown.className]);
    const taken = Object.assign({}, NEW, {id: 5, created_at: "2024-11-27T03:12:00+00:00"});
    A.receive({items: [taken]});
    out.raised = look([shown.children, shown.className]);
    A.receive({items: [Object.assign({}, taken, {status: "ditolak", updated_at: "2024-11-27T03:22:00+00:00"})]});
    out.taken = look([shown.children, shown.className]);
    out.reopened = look(A.restore(meta([EARLY_2])));  // this screen reloads: the page lists what is unverified now
    out.acked = A.state().acked;
    const many = [];
    for (let i = 0; i < 5; i++) {
        many.push(Object.assign({}, EARLY_2, {id: 20 + i, created_at: "2024-11-27T02:4" + i + ":00+00:00"}));
    }
    out.many = look(A.restore(meta([EARLY_2].concat(many))));
    return out;
})()"""


def _item(incident_id: int, severity: str, status: str, created: str, updated: str | None = None) -> dict:
    return {
        "id": incident_id,
        "severity": severity,
        "category": "keamanan",
        "status": status,
        "kecamatan": "16.07.10",
        "kecamatan_name": "Talang Kelapa",
        "tps": "16.07.10.2001.003",
        "occurred_at": created,
        "created_at": created,
        "updated_at": updated or created,
        "description": f"kejadian {incident_id}",
    }


def test_the_banner_keeps_unverified_ones_until_verified_or_acknowledged() -> None:
    early = _item(1, "kritis", "baru", "2024-11-27T02:30:00+00:00")  # 09.30 WIB, before the screen opened
    fresh = _item(2, "tinggi", "baru", "2024-11-27T03:10:00+00:00")  # 10.10 WIB, while it was open
    low = _item(3, "rendah", "baru", "2024-11-27T03:11:00+00:00")
    early_2 = _item(4, "tinggi", "baru", "2024-11-27T02:35:00+00:00")
    out = deskjs.evaluate(
        BANNER,
        SINCE=SINCE,
        LABELS=labels(),
        EARLY=early,
        EARLY_2=early_2,
        NEW=fresh,
        LOW=low,
    )
    opened = out["opened"]
    assert opened["cls"] == "alert-banner alert-banner-kritis"
    assert opened["title"] == "Kejadian tingkat tinggi/kritis belum diverifikasi"
    assert opened["items"] == [
        ["alert-item-1", "alert-item alert-kritis alert-early", "27-11-2024 09.30 WIB · Belum diverifikasi"]
    ]

    both = out["both"]  # a new one arrives; rendah never shows
    assert both["title"] == "2 kejadian tingkat tinggi/kritis: 1 baru, 1 belum diverifikasi"
    assert [i[0] for i in both["items"]] == ["alert-item-2", "alert-item-1"]  # newest first
    assert both["items"][0][2] == "27-11-2024 10.10 WIB · Baru"  # not today: with its date

    verified = out["verified"]  # the earlier one verified: it leaves; the new one stays
    assert verified["title"] == "Kejadian baru tingkat tinggi/kritis"
    assert verified["items"] == [["alert-item-2", "alert-item alert-tinggi", "27-11-2024 10.10 WIB · Baru"]]
    assert out["late"] == verified
    assert [i[0] for i in out["raised"]["items"]] == ["alert-item-5", "alert-item-2"]
    assert out["taken"] == verified  # a new one taken up (here rejected) leaves every screen by itself too

    reopened = out["reopened"]  # after a reload: the new one kept, the earlier one listed by the page added
    assert [i[0] for i in reopened["items"]] == ["alert-item-2", "alert-item-4"]
    assert reopened["title"] == "2 kejadian tingkat tinggi/kritis: 1 baru, 1 belum diverifikasi"
    assert 1 in out["acked"] and 5 in out["acked"]  # left "baru": never raised again on this screen

    many = out["many"]  # seven: four on a desk screen, two on the big screen, each says how many it leaves out
    assert many["title"] == "7 kejadian tingkat tinggi/kritis: 1 baru, 6 belum diverifikasi"
    assert [i[0] for i in many["items"]] == ["alert-item-2", "alert-item-24", "alert-item-23", "alert-item-22"]
    assert ["alert-extra" in i[1] for i in many["items"]] == [False, False, True, True]
    assert many["more"] == [
        ["alert-more alert-more-desk", "dan 3 lainnya"],
        ["alert-more alert-more-big", "dan 5 lainnya"],
    ]


@pytest.mark.parametrize("moment", [now_utc(), now_utc() - timedelta(days=1)])
def test_the_banner_writes_the_date_of_an_incident_from_an_earlier_day(moment: datetime) -> None:
    iso = moment.isoformat()
    item = _item(7, "kritis", "baru", iso)
    out = deskjs.evaluate(
        """(() => {
            const v = d.alerts.restore({since: NOW, severe: ["tinggi", "kritis"], labels: LABELS, unhandled: [ITEM]});
            return v[0][1].props.children[3].props.children;
        })()""",
        NOW=now_utc().isoformat(),
        LABELS=labels(),
        ITEM=item,
    )
    same_day = moment.astimezone(UTC) + timedelta(hours=7)
    today = now_utc() + timedelta(hours=7)
    with_date = same_day.date() != today.date()
    assert out == f"{fmt_wib(moment, with_date=with_date)} · Belum diverifikasi"
