"""Browser fixtures: headless Chromium through dash_duo, and the app on SQLite with the demo scenario.

Every test in this folder is marked `browser`. When Chromium or chromedriver is missing the tests skip
with the reason, or fail instead when DESK_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from dashboard.config import Config
from tests.conftest import Templates

HERE = Path(__file__).resolve().parent
CHROME_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--window-size=1600,1000",
)


def _chrome_binary() -> str | None:
    if os.environ.get("DASH_TEST_CHROMEPATH"):
        return os.environ["DASH_TEST_CHROMEPATH"]
    return next((found for name in CHROME_NAMES if (found := shutil.which(name))), None)


def _browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
        from dash.testing.browser import Browser  # noqa: F401
    except ImportError as exc:
        return f"dash[testing] is not installed ({exc})"
    if _chrome_binary() is None:
        return "no Chromium found (apt-get install -y chromium)"
    if shutil.which("chromedriver") is None:
        return "no chromedriver on PATH (apt-get install -y chromium-driver)"
    return None


def pytest_setup_options() -> Any:
    """Chrome options for dash_duo: headless whatever the command line says, and quiet."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    binary = _chrome_binary()
    if binary:
        options.binary_location = binary
    return options


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this folder `browser`."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    """Skip (or fail with DESK_REQUIRE_BROWSER=1) when Chromium or chromedriver is absent."""
    problem = _browser_problem()
    if problem is None:
        return
    if os.environ.get("DESK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"the browser is required (DESK_REQUIRE_BROWSER=1) but unavailable: {problem}")
    pytest.skip(f"browser unavailable: {problem}")


@pytest.fixture
def desk_app(tmp_path: Path, templates: Templates):
    """The Dash app on a SQLite file with the demo scenario and one user per role (a copy of the session's
    template, stored before the app starts, as on a desk set up by the command line)."""
    from dashboard.app import create_app

    url = templates.copy_sqlite("demo_users", tmp_path / "desk.sqlite3")
    dash_app = create_app(Config(data_dir=tmp_path / "data", database_url=url, testing=True))
    desk = dash_app.server.extensions["desk"]
    yield dash_app
    desk.hub.stop()
    desk.store.dispose()


@pytest.fixture
def desk(desk_app) -> Any:
    """The running app's Desk (store, hub)."""
    return desk_app.server.extensions["desk"]


@pytest.fixture
def live_server(desk_app) -> str:
    """The app served by Werkzeug in a thread on a free port, Socket.IO (WebSocket and polling) included.

    Not dash_duo.start_server: its runner stops by raising SystemExit in every thread started after it,
    which also hits Socket.IO's background threads. Here the Flask app itself is the WSGI app, so requests
    go through the Socket.IO middleware that Flask-SocketIO installed as `server.wsgi_app`; the server is
    shut down cleanly after Socket.IO's own background task.
    """
    from werkzeug.serving import make_server

    server = desk_app.server
    httpd = make_server("127.0.0.1", 0, server, threaded=True)
    # shutdown() waits until serve_forever looks at its flag again: every 0.1 s rather than the default 0.5 s
    serve = functools.partial(httpd.serve_forever, poll_interval=0.1)
    thread = threading.Thread(target=serve, name="desk-browser-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    server.extensions["desk"].hub.stop()
    server.extensions["desk"].socketio.server.eio.shutdown()
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


@pytest.fixture
def served(live_server: str, dash_duo):
    """dash_duo pointed at the live server; `served.base_url` is the app's address.

    The browser starts on a blank page: every page but /login needs a session, so tests log in first (and
    dash_duo.server_url is not set, since setting it waits for a Dash page at the root). The browser is
    closed before the server stops.
    """
    dash_duo.base_url = live_server
    return dash_duo
