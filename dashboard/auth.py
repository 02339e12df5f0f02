"""Login, roles and the access guard: every route needs a user or a token except login, health and assets."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, abort, current_app, jsonify, redirect, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf

from data_sources import accounts
from data_sources.domain.actors import Actor

OPEN_PATHS = {"/login", "/healthz", "/_favicon.ico", "/favicon.ico"}
OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/")
ALL_ROLES = ("admin", "operator", "viewer", "display", "reporter")
OPERATOR_PAGES = {"/input": ("admin", "operator"), "/admin": ("admin",)}

login_manager = LoginManager()
bp = Blueprint("auth", __name__)


@dataclass
class Principal:
    """A logged-in user or an authenticated token, as Flask-Login sees it."""

    key: str  # "u:<id>" or "t:<id>"
    name: str
    role: str
    region: str | None = None

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """The session key."""
        return self.key

    @property
    def actor(self) -> Actor:
        """The author of this principal's writes."""
        return Actor(self.name, self.role, self.region)

    @property
    def is_token(self) -> bool:
        """True for display and reporter tokens."""
        return self.key.startswith("t:")


def _store():
    return current_app.extensions["desk"].store


def principal_for_token(info: accounts.TokenInfo) -> Principal:
    """The principal of an unrevoked token."""
    return Principal(f"t:{info.id}", f"token:{info.name}", info.role, info.region_code)


@login_manager.user_loader
def _load(key: str) -> Principal | None:
    kind, _, raw = key.partition(":")
    if not raw.isdigit():
        return None
    if kind == "u":
        user = accounts.get_user(_store(), int(raw))
        return Principal(key, user.username, user.role) if user else None
    if kind == "t":
        token = accounts.get_token(_store(), int(raw))
        return principal_for_token(token) if token else None
    return None


@login_manager.request_loader
def _load_from_header(req) -> Principal | None:
    header = req.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = accounts.verify_token(_store(), header.removeprefix("Bearer ").strip())
        return principal_for_token(token) if token else None
    return None


def authenticate_socket(auth: Any) -> Principal | None:
    """The principal of a Socket.IO connection: its session user or an `auth.token`."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        token = accounts.verify_token(_store(), auth["token"])
        return principal_for_token(token) if token else None
    return None


def is_open(path: str) -> bool:
    """Paths anyone may load: the login form, the health check and static assets."""
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def guard() -> Any:
    """Refuse every request that has neither a session nor a token (before_request hook)."""
    path = request.path
    if is_open(path):
        return None
    token = request.args.get("token")
    if token and request.method == "GET" and not path.startswith("/api/"):
        info = accounts.verify_token(_store(), token)
        if info is not None and info.role == "display":
            login_user(principal_for_token(info))
            rest = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "token"])
            return redirect(f"{path}?{rest}" if rest else path)  # the screen's own settings (interval, follow) stay
    if not current_user.is_authenticated:
        if path.startswith(("/api/", "/_dash-", "/_reload-hash")):
            return jsonify({"error": "perlu login atau token"}), 401
        return redirect(url_for("auth.login", next=path))
    roles = OPERATOR_PAGES.get(path.rstrip("/") or "/")
    if roles and current_user.role not in roles:
        abort(403)
    if current_user.role == "reporter" and not path.startswith("/api/"):
        abort(403)
    return None


def roles_required(*roles: str):
    """Decorator for routes: 403 unless the current principal has one of these roles."""

    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            if not current_user.is_authenticated:
                return jsonify({"error": "perlu login atau token"}), 401
            if current_user.role not in roles:
                return jsonify({"error": f"peran {current_user.role} tidak boleh melakukan ini"}), 403
            return view(*args, **kwargs)

        inner.roles = roles  # read by the OpenAPI document
        return inner

    return wrap


def _safe_next(target: str | None) -> str:
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _login_page(message: str = "", status: int = 200, username: str = "") -> tuple[str, int]:
    demo = current_app.extensions["desk"].is_demo()
    banner = '<div class="demo-badge">DATA SIMULASI</div>' if demo else ""
    error = f'<p class="login-error" role="alert">{html.escape(message)}</p>' if message else ""
    page = f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Masuk · Desk Pilkada</title><link rel="stylesheet" href="/assets/desk.css"></head>
<body class="login-body"><main class="login-card">{banner}
<h1>Desk Pilkada</h1><p class="login-sub">Pemantauan Pilkada — Kabupaten Banyuasin</p>{error}
<form method="post" action="/login?next={html.escape(request.args.get("next", "/"), quote=True)}">
<input type="hidden" name="csrf_token" value="{generate_csrf()}">
<label for="username">Nama pengguna</label>
<input id="username" name="username" autocomplete="username" required value="{html.escape(username, quote=True)}">
<label for="password">Kata sandi</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="login-button" type="submit">Masuk</button>
</form></main></body></html>"""
    return page, status


@bp.route("/login", methods=["GET"])
def login() -> Any:
    """The login form."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    return _login_page()


@bp.route("/login", methods=["POST"])
def login_post() -> Any:
    """Check the form and open a session (rate-limited per address)."""
    desk = current_app.extensions["desk"]
    with desk.limiter.limit(desk.config.login_rate_limit):
        return _check_login()


def _check_login() -> Any:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except CSRFError:
        return _login_page("Formulir kedaluwarsa; silakan coba lagi.", 400)
    except Exception:  # wtforms raises ValidationError for a missing or bad token
        return _login_page("Formulir kedaluwarsa; silakan coba lagi.", 400)
    username = (request.form.get("username") or "").strip().lower()
    user = accounts.verify_password(_store(), username, request.form.get("password") or "")
    if user is None:
        return _login_page("Nama pengguna atau kata sandi salah.", 401, username)
    login_user(Principal(f"u:{user.id}", user.username, user.role))
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/logout")
def logout() -> Any:
    """End the session."""
    logout_user()
    return redirect(url_for("auth.login"))


def limiter_storage(server: Flask) -> dict[str, Any]:
    """Where the limiter counts: in Redis when several processes share a message queue there, else in memory.

    Behind one Redis every process sees the same count, so spreading login guesses over the processes gains
    nothing; the prefix is derived from the secret key, which the processes of one desk share. Should Redis be
    unreachable, each process keeps counting in its own memory meanwhile rather than refusing every login.
    """
    queue = server.extensions["desk"].config.message_queue or ""
    if not queue.startswith(("redis://", "rediss://")):
        return {"storage_uri": "memory://"}
    desk_id = hashlib.sha256(server.config["SECRET_KEY"].encode()).hexdigest()[:16]
    return {"storage_uri": queue, "key_prefix": f"desk-limit-{desk_id}", "in_memory_fallback_enabled": True}


def init_auth(server: Flask) -> None:
    """Bind Flask-Login and the limiter, register the login routes and the guard."""
    login_manager.init_app(server)
    login_manager.login_view = "auth.login"
    limiter = Limiter(get_remote_address, app=server, default_limits=[], **limiter_storage(server))
    server.extensions["desk"].limiter = limiter
    server.register_blueprint(bp)
    server.before_request(guard)

    @server.errorhandler(429)
    def _too_many(_exc: Exception) -> Any:
        if request.path == "/login":
            return _login_page("Terlalu banyak percobaan masuk; tunggu sebentar lalu coba lagi.", 429)
        return jsonify({"error": "terlalu banyak permintaan"}), 429
