"""The pushed messages: current totals, incident counts and logistics readiness, with display texts.

Each message carries `text`: element id → Indonesian text, which pages apply in the browser as they are.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from dashboard.recap.engine import RegionTotals
from data_sources import incidents, logistics
from data_sources.domain.contest import ContestInfo
from data_sources.domain.fmt import fmt_int, fmt_pct, fmt_wib, now_utc
from data_sources.domain.vocab import OPEN_STATUSES, SEVERITIES

if TYPE_CHECKING:
    from dashboard.desk import Desk


def el(*parts: str | int) -> str:
    """The element id shared by a layout and the messages that update it."""
    return "-".join(str(p) for p in parts)


def recap_texts(contest: ContestInfo, t: RegionTotals, last: datetime | None) -> dict[str, str]:
    """Display texts of one contest's headline totals."""
    c = contest.id
    leader = next((p for p in contest.paslon if p.nomor == t.leader), None)
    texts = {
        el(c, "reported"): f"{fmt_int(t.tps_reported)} / {fmt_int(t.tps_total)} TPS",
        el(c, "progress"): fmt_pct(t.progress),
        el(c, "leader"): leader.label if leader else "—",
        el(c, "held"): fmt_int(t.held),
        el(c, "janggal"): fmt_int(t.janggal),
        el(c, "sah"): fmt_int(t.suara_sah),
        el(c, "tidak-sah"): fmt_int(t.suara_tidak_sah),
        el(c, "turnout"): fmt_pct(t.turnout),
        el(c, "updated"): fmt_wib(last),
    }
    for i, p in enumerate(contest.paslon):
        texts[el(c, "votes", p.nomor)] = fmt_int(t.votes[i])
        texts[el(c, "share", p.nomor)] = fmt_pct(t.shares[i])
    return texts


def child_row(t: RegionTotals) -> list[Any]:
    """A child region in a recap message: code, TPS reported, held, janggal, voters, sah, tidak sah, votes…"""
    return [t.code, t.tps_reported, t.held, t.janggal, t.voters, t.suara_sah, t.suara_tidak_sah, *t.votes]


def recap_message(desk: Desk, contest_id: str, consume: bool = True) -> dict[str, Any]:
    """The `recap` event of one contest: headline totals, the main region's children, display texts.

    A broadcast consumes the list of regions changed since the previous one; a resync (consume=False) leaves
    it for the next broadcast and sends none.
    """
    recap = desk.recap
    contest = recap.contest(contest_id)
    head, _children = recap.totals(contest_id)
    main = recap.main_region(contest_id)
    _main_totals, children = recap.totals(contest_id, main)
    now = now_utc()
    return {
        "contest": contest_id,
        "as_of": now.isoformat(),
        "totals": head.as_dict(),
        "main": main,
        "children": [child_row(t) for t in children],
        "changed": recap.take_changed(contest_id) if consume else [],
        "text": recap_texts(contest, head, now),
    }


def incident_texts(counted: dict[str, Any]) -> dict[str, str]:
    """Counts of open incidents by severity, all incidents, and the time of the last change."""
    by = counted["by"]
    open_by = {s: sum(n for (status, sev), n in by.items() if sev == s and status in OPEN_STATUSES) for s in SEVERITIES}
    texts = {el("inc", "open", s): fmt_int(n) for s, n in open_by.items()}
    texts[el("inc", "open", "total")] = fmt_int(sum(open_by.values()))
    texts[el("inc", "total")] = fmt_int(counted["total"])
    texts[el("inc", "updated")] = fmt_wib(counted["updated_at"])
    return texts


def logistics_texts(rows: list[logistics.LogisticsRow]) -> dict[str, str]:
    """Readiness of the logistics and the time of the last update."""
    latest = max((r.updated_at for r in rows), default=None)
    return {el("log", "readiness"): fmt_pct(logistics.readiness(rows)), el("log", "updated"): fmt_wib(latest)}


def snapshot(desk: Desk, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """The messages that describe the current state of one kind of data."""
    store = desk.store
    if kind.startswith("recap:"):
        return [("recap", recap_message(desk, kind.removeprefix("recap:")))]
    if kind in ("incident", "logistics"):
        items, more = desk.feed.take_pending(kind)
        if kind == "incident":
            text = incident_texts(incidents.counts(store))
        else:
            text = logistics_texts(logistics.board(store))
        return [(kind, {"items": items, "more": more, "text": text})]
    return []
