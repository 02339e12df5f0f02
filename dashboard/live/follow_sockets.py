"""Socket.IO side of presenter and followers: every view change goes out as one `view` event (`publish`).

The state is handled by a `Presence` in `desk.presence` and kept in the database
(`data_sources.presence_state`); a client may ask for it with `view:get`
(the acknowledgement carries the whole current state), as the browser does over HTTP (GET /api/v1/view).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_socketio import SocketIO

from dashboard.live.presence import Presence

if TYPE_CHECKING:
    from dashboard.desk import Desk

EVENT = "view"


def presence(desk: Desk) -> Presence:
    """The running app's presenter and view state."""
    assert desk.presence is not None, "follow_sockets.register makes it"
    return desk.presence


def publish(socketio: SocketIO, state: dict[str, Any]) -> None:
    """Send the whole new view state to every connected viewer (its `seq` is the state's version)."""
    socketio.emit(EVENT, state)


def register(socketio: SocketIO, desk: Desk) -> None:
    """Create the app's Presence (publishing each change) and the `view:get` handler."""
    from data_sources.presence_state import StoredPresence

    desk.presence = Presence(on_change=lambda state: publish(socketio, state), keeper=StoredPresence(desk.store))

    @socketio.on("view:get")
    def _view_get(_data: Any = None) -> dict[str, Any]:
        return presence(desk).state()  # the connection itself was authenticated (sockets.register)
