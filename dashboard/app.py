"""The application factory: the Flask server, the Dash app with its pages, the live layer and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
from flask import Flask, jsonify, request
from flask_socketio import SocketIO

import callbacks.admin
import callbacks.input
import callbacks.kejadian
import callbacks.layar
import callbacks.logistik
import callbacks.rekapitulasi
import callbacks.ringkasan
import callbacks.shell
import layouts.admin
import layouts.input
import layouts.kejadian
import layouts.layar
import layouts.logistik
import layouts.rekapitulasi
import layouts.ringkasan
from dashboard import auth, page_routes
from dashboard.api import export as api_export
from dashboard.api import follow as api_follow
from dashboard.api import photos as api_photos
from dashboard.api import routes as api_routes
from dashboard.config import Config
from dashboard.desk import Desk
from dashboard.live import follow_sockets, messages, sockets
from dashboard.live.follower import FeedFollower
from dashboard.live.hub import Hub
from dashboard.recap.service import RecapService
from data_sources import feed
from data_sources.store import Store, default_database_url
from layouts import shell
from layouts.pages import PAGES

ASSETS = Path(__file__).resolve().parent / "assets"
PAGE_MODULES = {
    "ringkasan": (layouts.ringkasan, callbacks.ringkasan),
    "rekapitulasi": (layouts.rekapitulasi, callbacks.rekapitulasi),
    "kejadian": (layouts.kejadian, callbacks.kejadian),
    "logistik": (layouts.logistik, callbacks.logistik),
    "layar": (layouts.layar, callbacks.layar),
    "input": (layouts.input, callbacks.input),
    "admin": (layouts.admin, callbacks.admin),
}


def _not_a_dependency(_exc: Exception) -> tuple[str, int]:
    """A request for a script Dash does not serve is a 404, not a server error."""
    return "Tidak ditemukan", 404


def _too_deep(exc: RecursionError) -> Any:
    """JSON nested beyond Python's recursion limit is the sender's error (400), not the server's."""
    if not request.is_json:
        raise exc
    return jsonify({"error": "badan permintaan tidak sah", "errors": {"body": "JSON terlalu bersarang"}}), 400


def _live(config: Config, store: Store, socketio: SocketIO) -> Desk:
    """The live layer of this process: the recap built from the store, following the change feed from the
    entry that was newest before it was built (what lands meanwhile is applied again, which changes nothing)."""
    start = feed.head(store)
    recap = RecapService(store)
    recap.ensure_built()
    desk: Desk
    hub = Hub(socketio, lambda kind: messages.snapshot(desk, kind), config.background_push, lambda: follower.step())
    follower = FeedFollower(store, recap, hub.notify, start)
    desk = Desk(config=config, store=store, recap=recap, feed=follower, hub=hub, socketio=socketio)
    recap.follow(follower.catch_up)  # a read right after a write sees it
    store.on_commit(follower.written)
    store.on_commit(hub.committed)  # a write of this process reaches the screens at once (every process's)
    return desk


def create_app(config: Config | None = None) -> dash.Dash:
    """Build the Flask server, the Dash app with its pages and the Socket.IO hub; returns the Dash app."""
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
    socketio = SocketIO(server, async_mode=config.async_mode, message_queue=config.message_queue, manage_session=False)
    desk = _live(config, store, socketio)
    server.extensions["desk"] = desk
    sockets.register(socketio, desk)
    desk.feed.listeners.append(lambda changes: sockets.drop_refused(socketio, changes))
    views = follow_sockets.register(socketio, desk)  # presenter and followers (`view`)
    if not config.message_queue:  # without Redis, a view changed by another process is sent by this one
        desk.feed.listeners.append(lambda changes: views.catch_up(follow_sockets.presence(desk), changes))

    auth.init_auth(server)
    server.register_blueprint(api_routes.health)
    for blueprint in (api_routes.bp, api_photos.bp, api_follow.bp, api_export.bp, page_routes.bp):
        server.register_blueprint(blueprint)

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
        page, _callbacks = PAGE_MODULES[name]
        dash.register_page(f"pages.{name}", path=path, name=label, title=f"{label} · Desk Pilkada", layout=page.layout)
    app.layout = shell.layout
    callbacks.shell.register(app)
    for name, _path, _label in PAGES:
        PAGE_MODULES[name][1].register(app)
    if config.background_push:
        desk.hub.ensure_started()  # follows the feed even before the first screen connects
    return app
