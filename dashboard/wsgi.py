"""WSGI entry for an external server, one worker per process (several processes need DESK_MESSAGE_QUEUE):

`gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -w 1 'dashboard.wsgi:create_server()'`
"""

from __future__ import annotations

from typing import Any

from dashboard.config import Config


def create_server() -> Any:
    """The Flask server of an app configured from the DESK_* environment."""
    from dashboard.server import build_server

    return build_server(Config.from_env(async_mode="gevent")).server
