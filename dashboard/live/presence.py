"""Presenter and followers: who presents, and the one view state every follower mirrors.

Rules: one presenter at a time; only an operator or an admin presents; the role passes only by an explicit act
(the presenter releases or hands over; an admin may take over, which is recorded as such); only the presenter
changes the view; every change bumps `version`, and a follower that joins late or reconnects is given the
whole current state at once (`state()`), never a replay of changes.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

from data_sources.domain.fmt import now_utc
from data_sources.errors import FieldErrors

PRESENTER_ROLES = ("admin", "operator")
MIRRORED_PATHS = ("/", "/rekapitulasi", "/kejadian", "/logistik", "/layar")  # pages every follower may open
PRIVATE_PARAMS = ("token", "follow")  # never mirrored: a screen's own credentials and mode


class PresenceError(FieldErrors):
    """A presenter act or view change refused by a presenter rule; `field` names what was wrong, `status` is the
    HTTP status to answer (409 by default: someone else presents, or not the presenter)."""

    def __init__(self, field: str, message: str, status: int = 409) -> None:
        super().__init__({field: message}, message, status)
        self.field = field


@dataclass(frozen=True)
class Person:
    """Who presents: the session key ("u:3"), the name shown and the role."""

    key: str
    name: str
    role: str


@dataclass(frozen=True)
class View:
    """What followers show: page path and query (contest, region, filters), playlist slide, frozen snapshot."""

    path: str = "/layar"
    search: str = ""
    slide: int = 0
    frozen: dict[str, Any] | None = None  # {"id", "as_of", "label"} of the snapshot, or None when live

    def target(self) -> str:
        """The address a follower opens: the snapshot's page when frozen, else the presenter's page."""
        if self.frozen:
            return f"/layar?snapshot={self.frozen['id']}"
        return self.path + self.search


class Change(Protocol):
    """An open change of the kept state: the record as it was, and `save` for the new one."""

    record: dict[str, Any] | None

    def save(self, record: dict[str, Any], action: str, who: str, summary: str) -> None:
        """Keep the new record (with what was done, by whom) when the change ends."""


class Keeper(Protocol):
    """Where the presenter and view state is kept between changes (memory, or the database shared by processes)."""

    def read(self) -> dict[str, Any] | None:
        """The kept record, or None before the first change."""

    def change(self) -> Any:
        """A context manager giving a `Change`; no other change of the same state runs meanwhile."""


@dataclass
class _MemoryChange:
    record: dict[str, Any] | None
    saved: dict[str, Any] | None = None

    def save(self, record: dict[str, Any], action: str, who: str, summary: str) -> None:
        self.saved = record


@dataclass
class MemoryKeeper:
    """The state kept in this process only (tests, and a lone process without a database)."""

    record: dict[str, Any] | None = None

    def read(self) -> dict[str, Any] | None:
        """The kept record."""
        return self.record

    @contextmanager
    def change(self) -> Iterator[_MemoryChange]:
        """A change of the record (the Presence's own lock serialises them)."""
        change = _MemoryChange(self.record)
        yield change
        if change.saved is not None:
            self.record = change.saved


@dataclass
class Presence:
    """The presenter and the current view; `on_change` is called with every new state.

    The state is kept by `keeper`: a `MemoryKeeper` by default; the app keeps it in its database, so a restart
    keeps the presenter and a frozen view, and every server process behind one message queue reads the same one.
    Each change reads the kept state, decides, and saves it in one exclusive step.
    """

    clock: Callable[[], datetime] = now_utc
    on_change: Callable[[dict[str, Any]], None] | None = None
    keeper: Keeper = field(default_factory=MemoryKeeper)
    presenter: Person | None = None
    view: View = field(default_factory=View)
    version: int = 0
    updated_at: datetime | None = None
    last_act: str = "mulai"
    epoch: str = field(default_factory=lambda: uuid.uuid4().hex[:12])  # the kept state's: versions count within it
    _lock: Any = field(default_factory=threading.Lock, repr=False)

    def state(self) -> dict[str, Any]:
        """The whole current state, as sent to a follower (late join, reconnect, every change)."""
        with self._lock:
            self._restore(self.keeper.read())
            return self._state()

    def _record(self) -> dict[str, Any]:
        return {
            "presenter": asdict(self.presenter) if self.presenter else None,
            "view": asdict(self.view),
            "version": self.version,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "act": self.last_act,
            "epoch": self.epoch,
        }

    def _restore(self, record: dict[str, Any] | None) -> None:
        if record is None:
            return
        self.presenter = Person(**record["presenter"]) if record.get("presenter") else None
        self.view = View(**record["view"])
        self.version = int(record["version"])
        self.updated_at = datetime.fromisoformat(record["updated_at"]) if record.get("updated_at") else None
        self.last_act = record.get("act") or "mulai"
        self.epoch = record.get("epoch") or self.epoch

    def _change(self, who: Person, action: str, decide: Callable[[], str | None]) -> dict[str, Any]:
        """Read the kept state, let `decide` change it (its act's text; None: nothing changed), keep the result."""
        with self._lock, self.keeper.change() as change:
            self._restore(change.record)
            act = decide()
            if act is None:
                return self._state()
            state = self._commit(act)
            change.save(self._record(), action, who.name, act)
        return self._changed(state)

    def _state(self) -> dict[str, Any]:
        return {
            "seq": self.version,
            "version": self.version,
            "epoch": self.epoch,
            "presenter": asdict(self.presenter) if self.presenter else None,
            "view": {**asdict(self.view), "target": self.view.target()},
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "act": self.last_act,
        }

    def _commit(self, act: str) -> dict[str, Any]:
        self.version += 1
        self.updated_at = self.clock()
        self.last_act = act
        return self._state()

    def _changed(self, state: dict[str, Any]) -> dict[str, Any]:
        if self.on_change is not None:
            self.on_change(state)
        return state

    def take(self, who: Person, takeover: bool = False) -> dict[str, Any]:
        """Become the presenter: when nobody presents, or (admin only, explicitly) taking over from another."""
        if who.role not in PRESENTER_ROLES:
            raise PresenceError("role", f"peran {who.role} tidak boleh menjadi presenter", 403)

        def decide() -> str | None:
            current = self.presenter
            if current is not None and current.key == who.key:
                return None
            if current is not None:
                if not takeover:
                    raise PresenceError("presenter", f"{current.name} sedang menjadi presenter; minta ia menyerahkan")
                if who.role != "admin":
                    raise PresenceError("presenter", "hanya admin yang boleh mengambil alih presenter", 403)
            self.presenter = who
            return f"diambil alih oleh {who.name} dari {current.name}" if current else f"{who.name} menjadi presenter"

        return self._change(who, "presenter.takeover" if takeover else "presenter.take", decide)

    def release(self, who: Person) -> dict[str, Any]:
        """Stop presenting; followers keep the last view (and a frozen snapshot stays frozen)."""

        def decide() -> str:
            self._require_presenter(who)
            self.presenter = None
            return f"{who.name} berhenti menjadi presenter"

        return self._change(who, "presenter.release", decide)

    def handover(self, who: Person, to: Person) -> dict[str, Any]:
        """The presenter hands the role to another operator or admin."""
        if to.role not in PRESENTER_ROLES:
            raise PresenceError("to", f"peran {to.role} tidak boleh menjadi presenter", 422)

        def decide() -> str:
            self._require_presenter(who)
            self.presenter = to
            return f"{who.name} menyerahkan presenter kepada {to.name}"

        return self._change(who, "presenter.handover", decide)

    def set_view(self, who: Person, path: str, search: str = "", slide: int | None = None) -> dict[str, Any]:
        """The presenter moved: a page, contest, region, filters or playlist slide (unchanged → no new version).

        The values come checked as `ViewIn` (text, a slide 0–MAX_SLIDE); the page must be one followers may open.
        """
        path, search = clean_address(path, search)

        def decide() -> str | None:
            self._require_presenter(who)
            view = replace(self.view, path=path, search=search, slide=self.view.slide if slide is None else slide)
            if view == self.view:
                return None
            self.view = view
            return "tampilan"

        return self._change(who, "view.change", decide)

    def freeze(self, who: Person, snapshot: dict[str, Any]) -> dict[str, Any]:
        """Every follower shows the numbers of this snapshot ({"id", "as_of", "label"}) until `unfreeze`."""

        def decide() -> str:
            self._require_presenter(who)
            self.view = replace(self.view, frozen=dict(snapshot))
            return f"dibekukan oleh {who.name}"

        return self._change(who, "view.freeze", decide)

    def unfreeze(self, who: Person) -> dict[str, Any]:
        """Back to live numbers, at the presenter's current page."""

        def decide() -> str | None:
            self._require_presenter(who)
            if self.view.frozen is None:
                return None
            self.view = replace(self.view, frozen=None)
            return f"kembali ke live oleh {who.name}"

        return self._change(who, "view.unfreeze", decide)

    def _require_presenter(self, who: Person) -> None:
        if self.presenter is None or self.presenter.key != who.key:
            holder = f"presenter saat ini {self.presenter.name}" if self.presenter else "belum ada presenter"
            raise PresenceError("presenter", f"hanya presenter yang boleh mengubah tampilan ({holder})")


def clean_address(path: str, search: str = "") -> tuple[str, str]:
    """A page path and query safe to mirror: a known page, the query without a screen's private parameters."""
    path = path.rstrip("/") or "/"
    if path not in MIRRORED_PATHS:
        raise PresenceError("path", f"halaman {path!r} tidak bisa diikuti", 422)
    pairs = [(k, v) for k, v in parse_qsl(search.removeprefix("?"), keep_blank_values=True) if k not in PRIVATE_PARAMS]
    query = urlencode(pairs)
    return path, f"?{query}" if query else ""
