"""Indonesian formatting of numbers, percentages and WIB times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")


def fmt_int(n: int | None) -> str:
    """An integer in Indonesian notation: 1.234.567 (— for none)."""
    if n is None:
        return "—"
    return f"{n:,}".replace(",", ".")


def fmt_pct(x: float | None, digits: int = 2) -> str:
    """A fraction as an Indonesian percentage: 0.341 → 34,10 %."""
    if x is None:
        return "—"
    return f"{x * 100:.{digits}f}".replace(".", ",") + " %"


def now_utc() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def to_wib(moment: datetime) -> datetime:
    """A moment in WIB; naive datetimes (as SQLite returns them) are read as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(WIB)


def fmt_wib(moment: datetime | None, with_date: bool = False) -> str:
    """A moment as WIB wall-clock text: 14.05 WIB, or 28-11-2026 14.05 WIB."""
    if moment is None:
        return "—"
    local = to_wib(moment)
    text = local.strftime("%H.%M")
    if with_date:
        text = local.strftime("%d-%m-%Y ") + text
    return text + " WIB"
