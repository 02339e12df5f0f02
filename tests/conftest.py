"""Fixtures: a store on SQLite and on PostgreSQL, an app with the demo scenario, logged-in clients.

The demo scenario (2,564 TPS) and the three users are stored once per session and backend in a template (a
SQLite file, a PostgreSQL schema); a test that needs them gets a copy of the template (see `Templates`), which
holds exactly the rows that loading the scenario and setting the users would store. Passwords are hashed with a
cheap method for the whole session (see `_cheap_password_hashing`).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard.config import Config
from data_sources import accounts
from data_sources.accounts import set_user
from data_sources.domain.actors import SYSTEM
from data_sources.scenario import load_scenario
from data_sources.store import Store

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data_sources" / "demo" / "banyuasin_demo.json"
SHARED = ROOT.parent / "shared" / "reference"
PG_URL = os.environ.get("DESK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "kata-sandi-uji-123"


def _require(env: str, what: str, reason: str) -> None:
    if os.environ.get(env) == "1":
        pytest.fail(f"{what} is required ({env}=1) but unavailable: {reason}")
    pytest.skip(f"{what} unavailable: {reason}")


def require_redis(url: str = "redis://127.0.0.1:6379/0") -> str:
    """The test Redis's URL; skip (or fail with DESK_REQUIRE_SERVICES=1) when it does not answer."""
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        _require("DESK_REQUIRE_SERVICES", "Redis", str(exc))
    return url


def import_parser() -> Any:
    """The `python -m dashboard import …` argument parser, as the CLI builds it."""
    import argparse

    from dashboard.cli.common import common_options
    from dashboard.cli.imports import add_import_parser

    parser = argparse.ArgumentParser(prog="python -m dashboard")
    add_import_parser(parser.add_subparsers(dest="command"), common_options)
    return parser


# -------------------------------------------------------------------------------------- session-wide settings

CHEAP_PASSWORD_METHOD = "pbkdf2:sha256:1"  # werkzeug's scrypt takes ~0.3–0.8 s per hash; tests hash hundreds


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Hash passwords with one round of PBKDF2 in this test process (still a salted hash, never the password).

    Production's method is a constant of `data_sources.accounts`; only this assignment changes it, for the test
    process alone (a `python -m dashboard` started by a test hashes with the real method)."""
    before = accounts.PASSWORD_METHOD
    accounts.PASSWORD_METHOD = CHEAP_PASSWORD_METHOD
    yield
    accounts.PASSWORD_METHOD = before


# ------------------------------------------------------------------------------------------------ templates

USERS = ("admin", "operator", "viewer")  # one user per role, each named after it, all with PASSWORD
DEMO_KINDS = ("demo", "demo_users")  # the demo scenario; the demo scenario and USERS


def _fill(url: str, kind: str) -> None:
    """Store the schema and `kind`'s content at `url` (an empty database or PostgreSQL schema)."""
    store = Store(url)
    try:
        store.create_schema()
        load_scenario(store, DEMO, SYSTEM)
        if kind == "demo_users":
            _add_users(store)
    finally:
        store.dispose()  # SQLite: the last connection checkpoints the WAL into the file


def _add_users(store: Store) -> None:
    for role in USERS:
        set_user(store, role, role, PASSWORD, "uji")


# The sequences of a schema and where each stands (last_value is NULL for one never used).
_SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = :schema ORDER BY sequencename"


class Templates:
    """The demo stores of this session, built on first use (once per backend and kind) and copied per test.

    SQLite: a template file, copied. PostgreSQL: a template schema in the test database; a copy is a new schema
    made as `Store.create_schema` makes it, every table's rows copied in one INSERT … SELECT each (foreign keys
    in order), and every sequence set where the template's stands. This is a fraction of a second and needs no
    checkpoint, unlike `CREATE DATABASE … TEMPLATE` and `DROP DATABASE` (each WAL-logs or checkpoints the whole
    ~9 MB database, catalogs included: seconds per test once a few are queued on a busy server)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: dict[str, Path] = {}
        self._postgres: dict[str, str] = {}
        self._engine: Any = None

    def sqlite_file(self, kind: str) -> Path:
        """The template SQLite file of `kind` (one file: its WAL checkpointed and removed)."""
        assert kind in DEMO_KINDS, kind
        if kind not in self._sqlite:
            path = self.folder / f"{kind}.sqlite3"
            _fill(f"sqlite:///{path}", kind)
            leftovers = [p.name for p in self.folder.glob(f"{kind}.sqlite3-*")]
            assert leftovers == [], f"the template's WAL was not checkpointed: {leftovers}"
            self._sqlite[kind] = path
        return self._sqlite[kind]

    def copy_sqlite(self, kind: str, target: Path) -> str:
        """Copy the template to `target` (a new file); returns its URL."""
        target.parent.mkdir(parents=True, exist_ok=True)
        assert not target.exists(), target
        shutil.copyfile(self.sqlite_file(kind), target)
        return f"sqlite:///{target}"

    def postgres_schema(self, kind: str) -> str:
        """The template schema of `kind` on the test PostgreSQL server (skip/fail when it is absent)."""
        assert kind in DEMO_KINDS, kind
        if kind not in self._postgres:
            url, schema = _postgres_url()
            self._postgres[kind] = schema
            _fill(url, kind)
        return self._postgres[kind]

    def copy_postgres(self, kind: str) -> tuple[str, str]:
        """A new schema holding a copy of the template; returns its URL and name (drop it with `_drop_schema`)."""
        from sqlalchemy import create_engine, text

        from data_sources.models import Base

        template = self.postgres_schema(kind)
        if self._engine is None:
            self._engine = create_engine(PG_URL)
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self._engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
            conn.execute(text(f"SET LOCAL search_path TO {schema}"))
            Base.metadata.create_all(conn)  # what Store.create_schema does, in the new schema
            for table in Base.metadata.sorted_tables:
                conn.execute(text(f'INSERT INTO {schema}."{table.name}" SELECT * FROM {template}."{table.name}"'))
            for sequence, last_value in conn.execute(text(_SEQUENCES), {"schema": template}):
                if last_value is not None:
                    conn.execute(
                        text("SELECT setval(:sequence, :value)"),
                        {"sequence": f"{schema}.{sequence}", "value": last_value},
                    )
        return _schema_url(schema), schema

    def close(self) -> None:
        """Drop the template schemas."""
        for schema in self._postgres.values():
            _drop_schema(schema)
        self._postgres.clear()
        if self._engine is not None:
            self._engine.dispose()


@pytest.fixture(scope="session")
def templates(_cheap_password_hashing: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """The session's demo templates (see `Templates`); the PostgreSQL ones are dropped at the end."""
    found = Templates(tmp_path_factory.mktemp("templates"))
    yield found
    found.close()


@pytest.fixture
def data_dir(tmp_path: Path, templates: Templates) -> Path:
    """A data folder with the demo scenario in its SQLite file (for commands run on a data folder)."""
    from data_sources.store import default_database_url

    folder = tmp_path / "data"
    folder.mkdir()
    url = templates.copy_sqlite("demo", folder / "desk.sqlite3")
    assert url == default_database_url(folder)
    return folder


def _postgres_url() -> tuple[str, str]:
    """A fresh schema on the test PostgreSQL server, or skip/fail when it is absent."""
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        _require("DESK_REQUIRE_SERVICES", "PostgreSQL", str(exc).splitlines()[0])
    return _schema_url(schema), schema


def _schema_url(schema: str) -> str:
    """The test server's URL with `schema` as the search path."""
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def _drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


# The content of `db_url`'s database follows from the fixtures a test uses, as it did when those fixtures stored
# it themselves: `app` (and what uses it) the demo scenario and USERS, `demo_store` the demo scenario.
CONTENT_OF_FIXTURE = {"app": "demo_users", "demo_store": "demo"}


def _content(request: pytest.FixtureRequest) -> str | None:
    return next((kind for name, kind in CONTENT_OF_FIXTURE.items() if name in request.fixturenames), None)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path, templates: Templates) -> Iterator[str]:
    """A database URL on each backend: a SQLite file, and a fresh PostgreSQL schema. It holds a copy of the demo
    scenario when the test uses `demo_store`, and of the users too with `app`; otherwise it is empty."""
    kind = _content(request)
    if request.param == "sqlite":
        path = tmp_path / "desk.sqlite3"
        yield templates.copy_sqlite(kind, path) if kind else f"sqlite:///{path}"
        return
    url, schema = templates.copy_postgres(kind) if kind else _postgres_url()
    yield url
    _drop_schema(schema)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A store on `db_url` with its schema (empty unless the test uses `demo_store` or `app`)."""
    s = Store(db_url)
    s.create_schema()
    yield s
    s.dispose()


@pytest.fixture
def demo_store(store: Store) -> Store:
    """A store holding the Banyuasin demo scenario (copied from the session's template)."""
    assert store.get_setting("scenario") is not None, "db_url holds the demo scenario when demo_store is used"
    return store


@pytest.fixture
def app(tmp_path: Path, db_url: str):
    """The Dash app on the demo scenario, with one user per role (stored before the app starts, as on a desk
    that was set up by the command line: `db_url` is a copy of the template holding both)."""
    from dashboard.app import create_app

    dash_app = create_app(Config(data_dir=tmp_path / "data", database_url=db_url, testing=True, background_push=False))
    desk = dash_app.server.extensions["desk"]
    yield dash_app
    desk.hub.stop()
    desk.store.dispose()


def login(client, username: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    """Log in through the form as a browser would (CSRF token included)."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def client_as(app):
    """A factory of test clients logged in with a role (or anonymous with None)."""

    def make(role: str | None):
        client = app.server.test_client()
        if role:
            response = login(client, role)
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


def render_page(client, pathname: str, search: str = "") -> dict:  # noqa: ANN001
    """Ask Dash for a page's layout as its router callback does; returns the component tree."""
    client.get("/")  # Dash finishes its setup on the first page request
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]["_pages_content"]["children"]


def texts(tree) -> list[str]:  # noqa: ANN001
    """Every text in a component tree, in order."""
    out: list[str] = []

    def walk(node) -> None:  # noqa: ANN001
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            walk(node.get("props", {}).get("children"))

    walk(tree)
    return out


def component(tree, component_id: str) -> dict | None:  # noqa: ANN001
    """The component with this id in a rendered tree, or None."""
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if props.get("id") == component_id:
            return tree
        return component(props.get("children"), component_id)
    if isinstance(tree, list):
        for child in tree:
            if (found := component(child, component_id)) is not None:
                return found
    return None


def text_of(tree, component_id: str) -> str | None:  # noqa: ANN001
    """The text of the component with this id in a rendered tree, or None when there is none."""
    found = component(tree, component_id)
    return found.get("props", {}).get("children") if found is not None else None
