"""WSGI entry for an external gunicorn: `gunicorn -w 1 --threads 200 'dashboard.wsgi:create_server()'`."""

from __future__ import annotations

from typing import Any

from dashboard.config import Config


def create_server() -> Any:
    """The Flask server of an app configured from the DESK_* environment."""
    from dashboard.server import build_server

    return build_server(Config.from_env())
