"""Reading the audit trail: filtered (who, what, when) and paged, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from data_sources.models import AuditEntry
from data_sources.store import Store

PER_PAGE = 50
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class AuditFilters:
    """Which audit rows to show: by actor, by entity (result, user, token…), by the object's id (a part of it, e.g.
    a TPS code), by action prefix, in a time range."""

    actor: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of audit rows with the count of all that match."""

    rows: list[AuditEntry]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the matching rows fill (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def _where(query: Any, f: AuditFilters) -> Any:
    if f.actor:
        query = query.where(AuditEntry.actor == f.actor)
    if f.entity:
        query = query.where(AuditEntry.entity == f.entity)
    if f.entity_id:
        query = query.where(AuditEntry.entity_id.contains(f.entity_id, autoescape=True))
    if f.action:
        query = query.where(AuditEntry.action.startswith(f.action, autoescape=True))
    if f.since is not None:
        query = query.where(AuditEntry.at >= f.since)
    if f.until is not None:
        query = query.where(AuditEntry.at <= f.until)
    return query


def audit_page(store: Store, filters: AuditFilters | None = None, page: int = 1, per_page: int = PER_PAGE) -> AuditPage:
    """The matching audit rows of one page (1-based, clamped to the last page), newest first."""
    f = filters or AuditFilters()
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    with store.reader() as s:
        total = s.scalar(_where(select(func.count(AuditEntry.id)), f)) or 0
        last = max(1, -(-total // per_page))
        page = min(max(1, page), last)
        query = _where(select(AuditEntry), f).order_by(AuditEntry.id.desc())
        rows = list(s.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return AuditPage(rows, total, page, per_page)


def audit_facets(store: Store) -> tuple[list[str], list[str]]:
    """Every actor and every entity kind that appears in the audit trail (for the filters)."""
    with store.reader() as s:
        actors = list(s.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)))
        entities = list(s.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)))
    return actors, entities


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def change_text(before: dict | None, after: dict | None, limit: int = 6) -> str:
    """What a write changed, as text: `key: before → after` for each changed key (new rows: their values)."""
    before, after = before or {}, after or {}
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    parts = []
    for key in keys[:limit]:
        if key in before and key in after:
            parts.append(f"{key}: {_short(before[key])} → {_short(after[key])}")
        elif key in after:
            parts.append(f"{key}: {_short(after[key])}")
        else:
            parts.append(f"{key}: {_short(before[key])} → (hapus)")
    if len(keys) > limit:
        parts.append(f"… {len(keys) - limit} lainnya")
    return "; ".join(parts) or "—"
