"""Socket.IO handlers: a connection needs a logged-in session or a token; a revoked token's sockets are closed."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from flask_socketio import SocketIO, join_room

if TYPE_CHECKING:
    from dashboard.desk import Desk

TOKEN_ROOM = "token:"
WATCH_SECONDS = 1.0  # how soon a token revoked elsewhere (CLI, another process) loses its open sockets


def register(socketio: SocketIO, desk: Desk) -> None:
    """Install the connect handler that refuses unauthenticated viewers."""
    from dashboard.auth import authenticate_socket

    @socketio.on("connect")
    def _connect(auth: Any = None) -> bool:
        who = authenticate_socket(auth)
        if who is None or who.role == "reporter":
            return False
        if who.is_token:
            join_room(TOKEN_ROOM + who.key.removeprefix("t:"))
            _watch_tokens(socketio, desk)
        desk.hub.ensure_started()
        return True


def _token_rooms(socketio: SocketIO) -> dict[int, list[str]]:
    """Token id → the sids of its open sockets in this process."""
    rooms = socketio.server.manager.rooms.get("/", {})
    out: dict[int, list[str]] = {}
    for room in list(rooms):
        if isinstance(room, str) and room.startswith(TOKEN_ROOM):
            sids = [sid for sid, _eio in socketio.server.manager.get_participants("/", room)]
            if sids:
                out[int(room.removeprefix(TOKEN_ROOM))] = sids
    return out


def disconnect_token(socketio: SocketIO, token_id: int) -> int:
    """Close every open socket of a token in this process (call after revoking it); returns how many."""
    sids = _token_rooms(socketio).get(token_id, [])
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
    return len(sids)


def drop_revoked(socketio: SocketIO, desk: Desk) -> int:
    """Close the sockets of every token that is no longer valid; returns the number of tokens dropped."""
    from data_sources import accounts

    dropped = 0
    for token_id in _token_rooms(socketio):
        if accounts.get_token(desk.store, token_id) is None:
            disconnect_token(socketio, token_id)
            dropped += 1
    return dropped


def _watch_tokens(socketio: SocketIO, desk: Desk) -> None:
    """Check the open token sockets every WATCH_SECONDS while there are any (one watcher per app)."""
    lock = desk.extras.setdefault("token_watch_lock", threading.Lock())
    with lock:
        if desk.extras.get("token_watch"):
            return
        desk.extras["token_watch"] = True

    def run() -> None:
        while True:
            socketio.sleep(WATCH_SECONDS)
            with lock:
                if getattr(desk.hub, "_stopped", False) or not _token_rooms(socketio):
                    desk.extras["token_watch"] = False
                    return
            try:
                drop_revoked(socketio, desk)
            except Exception:  # noqa: BLE001 - a database hiccup must not end the watch
                continue

    socketio.start_background_task(run)
