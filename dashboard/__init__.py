"""Desk Pilkada: the application factory."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

PAGES: tuple[tuple[str, str, str], ...] = (
    ("ringkasan", "/", "Ringkasan"),
    ("rekapitulasi", "/rekapitulasi", "Rekapitulasi"),
    ("kejadian", "/kejadian", "Kejadian"),
    ("logistik", "/logistik", "Logistik"),
    ("layar", "/layar", "Layar"),
    ("input", "/input", "Input"),
    ("admin", "/admin", "Admin"),
)
ASSETS = Path(__file__).resolve().parent / "assets"


@dataclass
class Desk:
    """What the running app holds: configuration, store, realtime hub, optional simulator."""

    config: Any
    store: Any
    socketio: Any = None
    hub: Any = None
    limiter: Any = None
    dash: Any = None
    recap: Any = None
    simulator: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
    _pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    _pending_lock: Any = field(default_factory=threading.Lock)

    def changed(self, kind: str, data: Any = None) -> None:
        """The one path after every accepted write: fold a result into the recap, then schedule a push."""
        if kind == "result" and isinstance(data, dict):
            self.recap.apply(data)
            self.hub.notify(f"recap:{data['contest']}")
        elif kind in ("incident", "logistics"):
            item = data if isinstance(data, dict) or data is None else _as_dict(data)
            if item is not None:
                key = str(item.get("id") or f"{item.get('kecamatan_code')}/{item.get('item')}")
                with self._pending_lock:
                    self._pending.setdefault(kind, {})[key] = item
            self.hub.notify(kind)

    def follow_tps_list(self) -> None:
        """Broadcast every contest's totals (and the logistics board) once the TPS list changed, also when
        another process imported it (`import tps`); the realtime hub calls this while idle, about once a second."""
        self.recap.refresh()
        if self.recap.take_rebuilt():
            for contest in self.recap.contests():
                self.hub.notify(f"recap:{contest.id}")
            self.hub.notify("logistics")

    def take_pending(self, kind: str, limit: int = 50) -> tuple[list[dict[str, Any]], bool]:
        """The items of a kind changed since the last broadcast (newest last), and whether some were left out."""
        with self._pending_lock:
            items = list(self._pending.pop(kind, {}).values())
        return items[-limit:], len(items) > limit

    def is_demo(self) -> bool:
        """True when the loaded scenario is simulated data (or the app runs the demo)."""
        return self.config.demo or self.store.get_setting("demo") == "1"


def _as_dict(row: Any) -> dict[str, Any]:
    data = asdict(row)
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}


def _not_a_dependency(_exc: Exception) -> tuple[str, int]:
    """A request for a script Dash does not serve is a 404, not a server error."""
    return "Tidak ditemukan", 404


def _too_deep(exc: RecursionError) -> Any:
    """JSON nested beyond Python's recursion limit is the sender's error (400), not the server's."""
    from flask import jsonify, request

    if not request.is_json:
        raise exc
    return jsonify({"error": "badan permintaan tidak sah", "errors": {"body": "JSON terlalu bersarang"}}), 400


def create_app(config: Any = None) -> Any:
    """Build the Flask server, the Dash app with its pages and the Socket.IO hub; returns the Dash app."""
    import dash
    from flask import Flask
    from flask_socketio import SocketIO

    from dashboard import auth, messages, realtime, sockets
    from dashboard.api import bp as api_bp
    from dashboard.api import health
    from dashboard.config import Config
    from dashboard.recap_service import RecapService
    from data_sources.store import Store, default_database_url
    from layouts import shell

    config = config or Config.from_env()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(config.database_url or default_database_url(config.data_dir))
    store.create_schema()

    server = Flask("dashboard", static_folder=None)
    server.config.update(
        SECRET_KEY=config.resolved_secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=config.testing,
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
    )
    desk = Desk(config=config, store=store)
    server.extensions["desk"] = desk

    socketio = SocketIO(
        server,
        async_mode=config.async_mode,
        message_queue=config.message_queue,
        manage_session=False,
    )
    desk.socketio = socketio
    desk.recap = RecapService(store)
    desk.recap.ensure_built()  # the live totals start from everything already stored
    desk.hub = realtime.Hub(
        socketio, lambda kind: messages.snapshot(desk, kind), config.background_push, idle=desk.follow_tps_list
    )
    sockets.register(socketio, desk)
    import_module("dashboard.follow_sockets").register(socketio, desk)  # presenter and followers (`view`)

    auth.init_auth(server)
    server.register_blueprint(health)
    server.register_blueprint(api_bp)
    server.register_blueprint(import_module("dashboard.api_photos").bp)
    server.register_blueprint(import_module("dashboard.follow_api").bp)
    server.register_blueprint(import_module("dashboard.api_export").bp)

    app = dash.Dash(
        "dashboard",
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        serve_locally=True,
        title="Desk Pilkada",
        update_title=None,
        # Without this Dash calls every page's layout at the first request and ships the result (400 KB of JSON,
        # with that moment's data) inside every page it serves, for a check its renderer only runs in debug
        # mode; tests/test_callbacks_wiring.py checks every callback's components exist instead.
        suppress_callback_exceptions=True,
        # zstd/brotli/gzip for browsers that ask (flask-compress): officials following from outside the room load
        # the page's ~6.5 MB of scripts as ~1.5 MB; a Socket.IO WebSocket is not an HTTP response and stays as is
        compress=True,
    )
    desk.dash = app
    server.register_error_handler(dash.exceptions.DependencyException, _not_a_dependency)
    server.register_error_handler(RecursionError, _too_deep)
    for name, path, label in PAGES:
        page = import_module(f"layouts.{name}")
        dash.register_page(f"pages.{name}", path=path, name=label, title=f"{label} · Desk Pilkada", layout=page.layout)
    app.layout = shell.layout
    import_module("callbacks.shell").register(app)
    for name, _path, _label in PAGES:
        import_module(f"callbacks.{name}").register(app)
    return app
