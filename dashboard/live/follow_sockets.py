"""Socket.IO side of presenter and followers: every view change goes out as one `view` event (`ViewPublisher`).

A change made in this process is sent at once. One made by another server process reaches this one through the
change feed (its audit entry `presence`): without a message queue, this process then sends it to its own viewers;
with one (Redis), the other process's emit already reached every viewer.

The state is handled by a `Presence` in `desk.presence` and kept in the database
(`data_sources.presence_state`); a client may ask for it with `view:get`
(the acknowledgement carries the whole current state), as the browser does over HTTP (GET /api/v1/view).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_socketio import SocketIO

from dashboard.live.presence import Presence
from data_sources.feed import Change

if TYPE_CHECKING:
    from dashboard.desk import Desk

EVENT = "view"


def presence(desk: Desk) -> Presence:
    """The running app's presenter and view state."""
    assert desk.presence is not None, "follow_sockets.register makes it"
    return desk.presence


class ViewPublisher:
    """Sends each new view state once as a `view` event (its `seq` is the state's version)."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio
        self.sent: tuple[str, int] | None = None  # (epoch, version) of the last state sent by this process

    def __call__(self, state: dict[str, Any]) -> None:
        """Send a state this process changed."""
        self.sent = (state["epoch"], state["version"])
        self.socketio.emit(EVENT, state)

    def catch_up(self, presence: Presence, changes: list[Change]) -> None:
        """Send the kept state when another process changed it (a feed entry), unless it was sent already."""
        if not any(c.entity == "presence" for c in changes):
            return
        state = presence.state()
        if self.sent != (state["epoch"], state["version"]):
            self(state)


def register(socketio: SocketIO, desk: Desk) -> ViewPublisher:
    """Create the app's Presence (publishing each change) and the `view:get` handler; returns the publisher."""
    from data_sources.presence_state import StoredPresence

    publisher = ViewPublisher(socketio)
    desk.presence = Presence(on_change=publisher, keeper=StoredPresence(desk.store))

    @socketio.on("view:get")
    def _view_get(_data: Any = None) -> dict[str, Any]:
        return presence(desk).state()  # the connection itself was authenticated (sockets.register)

    return publisher
