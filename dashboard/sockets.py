"""Socket.IO handlers: a connection needs a logged-in session or a token."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO


def register(socketio: SocketIO, desk: Any) -> None:
    """Install the connect handler that refuses unauthenticated viewers."""
    from dashboard.auth import authenticate_socket

    @socketio.on("connect")
    def _connect(auth: Any = None) -> bool:
        who = authenticate_socket(auth)
        if who is None or who.role == "reporter":
            return False
        desk.hub.ensure_started()
        return True
