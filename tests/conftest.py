"""Fixtures: a store on SQLite and on PostgreSQL, an app with the demo scenario, logged-in clients."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from dashboard.config import Config
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


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder with the demo scenario in its SQLite file (for commands run on a data folder)."""
    from data_sources.store import default_database_url

    folder = tmp_path / "data"
    folder.mkdir()
    store = Store(default_database_url(folder))
    store.create_schema()
    load_scenario(store, DEMO, SYSTEM)
    store.dispose()
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
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", schema


def _drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path) -> str:
    """A database URL on each backend: a SQLite file, and a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.sqlite3'}"
        return
    url, schema = _postgres_url()
    yield url
    _drop_schema(schema)


@pytest.fixture
def store(db_url: str) -> Store:
    """An empty store with its schema."""
    s = Store(db_url)
    s.create_schema()
    yield s
    s.dispose()


@pytest.fixture
def demo_store(store: Store) -> Store:
    """A store holding the Banyuasin demo scenario."""
    load_scenario(store, DEMO, SYSTEM)
    return store


@pytest.fixture
def app(tmp_path: Path, db_url: str):
    """The Dash app on the demo scenario, with one user per role (stored before the app starts, as on a desk
    that was set up by the command line)."""
    from dashboard.app import create_app

    setup = Store(db_url)
    setup.create_schema()
    load_scenario(setup, DEMO, SYSTEM)
    for role in ("admin", "operator", "viewer"):
        set_user(setup, role, role, PASSWORD, "uji")
    setup.dispose()
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
