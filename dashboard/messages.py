"""The pushed messages: current totals, incident counts and logistics readiness, with display texts.

Each message carries `text`: element id → Indonesian text, which pages apply in the browser as they are.
"""

from __future__ import annotations

from typing import Any

from dashboard.catalog import OPEN_STATUSES, SEVERITIES
from dashboard.fmt import fmt_int, fmt_pct, fmt_wib, now_utc
from data_sources import incidents, logistics, summary
from data_sources.store import Store


def el(*parts: str | int) -> str:
    """The element id shared by a layout and the messages that update it."""
    return "-".join(str(p) for p in parts)


def recap_texts(t: summary.Totals) -> dict[str, str]:
    """Display texts of one contest's totals."""
    c = t.contest.id
    leader = t.leader
    texts = {
        el(c, "reported"): f"{fmt_int(t.tps_reported)} / {fmt_int(t.tps_total)} TPS",
        el(c, "progress"): fmt_pct(t.progress),
        el(c, "leader"): leader.label if leader else "—",
        el(c, "held"): fmt_int(t.held),
        el(c, "janggal"): fmt_int(t.janggal),
        el(c, "sah"): fmt_int(t.suara_sah),
        el(c, "tidak-sah"): fmt_int(t.suara_tidak_sah),
        el(c, "updated"): fmt_wib(t.last_received),
    }
    for p in t.contest.paslon:
        texts[el(c, "votes", p.nomor)] = fmt_int(t.votes.get(p.nomor, 0))
        texts[el(c, "share", p.nomor)] = fmt_pct(t.share(p.nomor))
    return texts


def recap_message(t: summary.Totals) -> dict[str, Any]:
    """The `recap` event of one contest."""
    return {
        "contest": t.contest.id,
        "as_of": now_utc().isoformat(),
        "tps_reported": t.tps_reported,
        "tps_total": t.tps_total,
        "suara_sah": t.suara_sah,
        "suara_tidak_sah": t.suara_tidak_sah,
        "votes": {str(k): v for k, v in t.votes.items()},
        "held": t.held,
        "janggal": t.janggal,
        "text": recap_texts(t),
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


def snapshot(store: Store, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """The messages that describe the current state of one kind of data."""
    if kind == "result":
        return [("recap", recap_message(t)) for t in summary.contest_totals(store)]
    if kind == "incident":
        return [("incident", {"text": incident_texts(incidents.counts(store))})]
    if kind == "logistics":
        return [("logistics", {"text": logistics_texts(logistics.board(store))})]
    return []
