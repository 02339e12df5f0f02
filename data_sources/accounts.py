"""Users and API tokens: create, verify, revoke (all audited)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from werkzeug.security import check_password_hash, generate_password_hash

from data_sources.domain.actors import ROLES_TOKEN, ROLES_USER
from data_sources.domain.fmt import now_utc
from data_sources.domain.limits import MAX_USERNAME
from data_sources.errors import FieldErrors
from data_sources.models import ApiToken, Region, User
from data_sources.store import Store, audit

USERNAME = re.compile(rf"^[a-z0-9][a-z0-9_.-]{{1,{MAX_USERNAME - 1}}}$")
MIN_PASSWORD = 8

# werkzeug's hashing method for stored passwords. A constant of the code, never read from the environment or a
# setting: only the test session replaces it (with a cheap method) by assigning to it.
PASSWORD_METHOD = "scrypt"


class AccountError(FieldErrors):
    """A bad username, role, password or token request, naming the field as the admin page and CLI call it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__({field: message})


@dataclass(frozen=True)
class UserInfo:
    """A user as the app sees it (no hash)."""

    id: int
    username: str
    role: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class TokenInfo:
    """A token as the app sees it (never the secret)."""

    id: int
    name: str
    role: str
    region_code: str | None
    created_at: datetime
    created_by: str
    revoked_at: datetime | None


def _user_info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, u.role, u.active, u.created_at)


_TOKEN_COLUMNS = tuple(
    ApiToken.__table__.c[name]
    for name in ("id", "name", "role", "region_code", "created_at", "created_by", "revoked_at")
)

_TOKEN_BY_HASH = select(*_TOKEN_COLUMNS).where(
    ApiToken.__table__.c.token_hash == bindparam("token_hash"), ApiToken.__table__.c.revoked_at.is_(None)
)


def _token_info(t: ApiToken) -> TokenInfo:
    return TokenInfo(t.id, t.name, t.role, t.region_code, t.created_at, t.created_by, t.revoked_at)


def generate_password() -> str:
    """A random one-time password that is easy to type."""
    return secrets.token_urlsafe(12)


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def set_user(store: Store, username: str, role: str, password: str, actor: str) -> UserInfo:
    """Create a user, or set the role and password of an existing one."""
    if not USERNAME.match(username or ""):
        raise AccountError("nama", f"2–{MAX_USERNAME} huruf kecil, angka, titik, garis bawah atau tanda hubung")
    if role not in ROLES_USER:
        raise AccountError("peran", f"harus salah satu dari {', '.join(ROLES_USER)}")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError("kata sandi", f"minimal {MIN_PASSWORD} karakter")
    with store.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        before = {"username": user.username, "role": user.role, "active": user.active} if user else None
        if user is None:
            user = User(username=username, role=role, active=True, created_at=now_utc(), password_hash="")
            s.add(user)
        user.role = role
        user.active = True
        user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        s.flush()
        after = {"username": username, "role": role, "active": True, "password": "(diubah)"}
        audit(s, actor, "user.set", "user", username, before, after)
        return _user_info(user)


def set_user_active(store: Store, username: str, active: bool, actor: str) -> UserInfo:
    """Enable or disable a user."""
    with store.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise AccountError("nama", f"pengguna {username!r} tidak ada")
        before = {"active": user.active}
        user.active = active
        audit(s, actor, "user.active", "user", username, before, {"active": active})
        return _user_info(user)


def verify_password(store: Store, username: str, password: str) -> UserInfo | None:
    """The active user with this name and password, else None."""
    with store.reader() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None or not user.active or not check_password_hash(user.password_hash, password):
            return None
        return _user_info(user)


def get_user(store: Store, user_id: int) -> UserInfo | None:
    """An active user by id."""
    with store.reader() as s:
        user = s.get(User, user_id)
        return _user_info(user) if user and user.active else None


def list_users(store: Store) -> list[UserInfo]:
    """Every user, by name."""
    with store.reader() as s:
        return [_user_info(u) for u in s.scalars(select(User).order_by(User.username))]


def create_token(store: Store, name: str, role: str, actor: str, region: str | None = None) -> tuple[str, TokenInfo]:
    """Create a token; returns the secret (shown once) and its record."""
    if not (name or "").strip() or len(name) > 120:
        raise AccountError("nama", "wajib diisi, paling banyak 120 karakter")
    if role not in ROLES_TOKEN:
        raise AccountError("peran", f"token harus {' atau '.join(ROLES_TOKEN)}")
    secret = "dp_" + secrets.token_urlsafe(32)
    with store.session() as s:
        if region is not None and s.get(Region, region) is None:
            raise AccountError("wilayah", f"kode {region!r} tidak dikenal")
        token = ApiToken(
            name=name.strip(),
            token_hash=hash_token(secret),
            role=role,
            region_code=region,
            created_at=now_utc(),
            created_by=actor,
        )
        s.add(token)
        s.flush()
        audit(s, actor, "token.create", "token", str(token.id), None, {"name": name, "role": role, "region": region})
        return secret, _token_info(token)


def verify_token(store: Store, secret: str) -> TokenInfo | None:
    """The unrevoked token with this secret, else None."""
    if not secret or len(secret) > 200:
        return None
    with store.engine.connect() as conn:  # one indexed lookup per request: a revocation counts at once
        row = conn.execute(_TOKEN_BY_HASH, {"token_hash": hash_token(secret)}).first()
    return TokenInfo(*row) if row is not None else None


def get_token(store: Store, token_id: int) -> TokenInfo | None:
    """An unrevoked token by id."""
    with store.reader() as s:
        token = s.get(ApiToken, token_id)
        return _token_info(token) if token and token.revoked_at is None else None


def revoke_token(store: Store, token_id: int, actor: str) -> TokenInfo:
    """Revoke a token; it is refused from the next request on."""
    with store.session() as s:
        token = s.get(ApiToken, token_id)
        if token is None:
            raise AccountError("token", f"nomor {token_id} tidak ada")
        if token.revoked_at is None:
            token.revoked_at = now_utc()
            audit(s, actor, "token.revoke", "token", str(token_id), {"revoked": False}, {"revoked": True})
        return _token_info(token)


def list_tokens(store: Store) -> list[TokenInfo]:
    """Every token, newest first."""
    with store.reader() as s:
        return [_token_info(t) for t in s.scalars(select(ApiToken).order_by(ApiToken.id.desc()))]
