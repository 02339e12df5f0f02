"""Socket.IO handlers: a connection needs a logged-in session or a token; the sockets of a revoked token or a
disabled user are closed when the change feed says so (whichever process made the change)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_socketio import SocketIO, join_room

from data_sources.feed import Change

if TYPE_CHECKING:
    from dashboard.desk import Desk

TOKEN_ROOM = "token:"
USER_ROOM = "user:"


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
        else:
            join_room(USER_ROOM + who.name)
        desk.hub.ensure_started()  # it follows the feed: revocations and disabled users close sockets
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


def disconnect_user(socketio: SocketIO, username: str) -> int:
    """Close every open socket of a logged-in user in this process; returns how many."""
    room = USER_ROOM + username
    sids = [sid for sid, _eio in socketio.server.manager.get_participants("/", room)]
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
    return len(sids)


def drop_refused(socketio: SocketIO, changes: list[Change]) -> int:
    """Close the sockets of tokens revoked and users disabled in these feed entries (by any process: the admin
    page, the command line); returns how many sockets were closed."""
    closed = 0
    for change in changes:
        if change.entity == "token" and change.action == "token.revoke":
            closed += disconnect_token(socketio, int(change.entity_id))
        elif change.entity == "user" and change.action == "user.active" and not (change.after or {}).get("active"):
            closed += disconnect_user(socketio, change.entity_id)
    return closed
