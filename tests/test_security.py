"""Security (DESIGN §7): role × route matrix over every route, token scope, revocation on HTTP and on open
sockets, login brute-force limit, CSRF, text from the field shown as text, path tricks."""

from __future__ import annotations

import json
import re
import secrets

import pytest
from sqlalchemy import func, select

from dashboard.app import ASSETS
from dashboard.config import Config
from dashboard.live import sockets
from data_sources import accounts
from data_sources.models import AuditEntry, Incident, Result
from tests.conftest import PASSWORD, login, render_page

ROLES = ("anonymous", "viewer", "operator", "admin", "display", "reporter")
USERS = ("viewer", "operator", "admin")
READERS = {"viewer", "operator", "admin", "display"}
SIGNED_IN = {*READERS, "reporter"}
OK = "ok"  # allowed: any answer but 401, 403, a redirect to the login form, or a server error
LOGIN = "login"  # a redirect to the login form
PAGES = ("/", "/rekapitulasi", "/kejadian", "/logistik", "/layar")

# Who may use each route (method, rule). The API rows are pinned here, not read from the code under test.
MATRIX: dict[tuple[str, str], dict[str, object]] = {
    ("GET", "/login"): {"anonymous": 200, **dict.fromkeys(SIGNED_IN, 302)},
    ("POST", "/login"): dict.fromkeys(ROLES, 400),  # no CSRF token in these requests
    ("GET", "/logout"): {"anonymous": LOGIN, "reporter": 403, **dict.fromkeys(READERS, 302)},
    ("GET", "/healthz"): dict.fromkeys(ROLES, 200),
    ("GET", "/assets/<path:filename>"): dict.fromkeys(ROLES, 200),
    ("GET", "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"): dict.fromkeys(ROLES, OK),
    ("GET", "/_favicon.ico"): dict.fromkeys(ROLES, 200),
    **{
        (m, r): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, 200)}
        for m, r in [("GET", "/_dash-layout"), ("GET", "/_dash-dependencies"), ("POST", "/_dash-update-component")]
    },
    ("GET", "/_reload-hash"): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, OK)},
    ("GET", "/"): {"anonymous": LOGIN, "reporter": 403, **dict.fromkeys(READERS, 200)},
    ("GET", "/<path:path>"): {"anonymous": LOGIN, "reporter": 403, **dict.fromkeys(READERS, 200)},
    ("GET", "/rekapitulasi/_panels"): {"anonymous": LOGIN, "reporter": 403, **dict.fromkeys(READERS, OK)},
    ("POST", "/api/v1/tallies"): {
        "anonymous": 401,
        "viewer": 403,
        "display": 403,
        **dict.fromkeys(("operator", "admin", "reporter"), OK),
    },
    ("GET", "/api/v1/openapi.json"): {"anonymous": 401, **dict.fromkeys(SIGNED_IN, 200)},
    ("GET", "/api/v1/recap/<contest>"): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, 200)},
    ("GET", "/api/v1/live"): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, 200)},
    ("GET", "/api/v1/incidents"): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, 200)},
    ("GET", "/api/v1/incidents/<int:incident_id>"): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, OK)},
    ("POST", "/api/v1/incidents"): {
        "anonymous": 401,
        "viewer": 403,
        "display": 403,
        **dict.fromkeys(("operator", "admin", "reporter"), OK),
    },
    ("PATCH", "/api/v1/incidents/<int:incident_id>"): {
        "anonymous": 401,
        "viewer": 403,
        "display": 403,
        "reporter": 403,
        "operator": OK,
        "admin": OK,
    },
    ("GET", "/api/v1/logistics"): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, 200)},
    ("PUT", "/api/v1/logistics/<kecamatan>/<item>"): {
        "anonymous": 401,
        "viewer": 403,
        "display": 403,
        "reporter": 403,
        "operator": OK,
        "admin": OK,
    },
    ("POST", "/api/v1/tallies/<contest>/<tps>/photo"): {
        "anonymous": 401,
        "viewer": 403,
        "display": 403,
        **dict.fromkeys(("operator", "admin", "reporter"), OK),
    },
    # C1 photos show KPPS names and signatures: logged-in users only; a display screen is told nothing exists
    **{
        ("GET", r): {"anonymous": LOGIN, "reporter": 403, "display": 404, **dict.fromkeys(USERS, 404)}
        for r in ("/photos/<int:photo_id>", "/photos/<int:photo_id>/thumb")
    },
    # exports: the whole internal count in one file, for people only (audited by name); screens and reporters 403
    **{
        ("GET", f"/api/v1/export/{kind}.csv"): {
            "anonymous": 401,
            "display": 403,
            "reporter": 403,
            **dict.fromkeys(USERS, 200 if kind != "recap" else 422),
        }
        for kind in ("results", "recap", "incidents")
    },
    ("GET", "/ikuti"): {"anonymous": LOGIN, "reporter": 403, **dict.fromkeys(READERS, 302)},
    ("GET", "/api/v1/view"): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, 200)},
    ("GET", "/api/v1/snapshots"): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, 200)},
    ("GET", "/api/v1/snapshots/<int:snapshot_id>"): {"anonymous": 401, "reporter": 403, **dict.fromkeys(READERS, 404)},
    **{
        ("POST", r): {"anonymous": 401, "viewer": 403, "display": 403, "reporter": 403, "operator": OK, "admin": OK}
        for r in ("/api/v1/view", "/api/v1/presenter", "/api/v1/snapshots", "/api/v1/view/live")
    },
}
# Pages with a narrower audience than every reader
PAGE_LIMITS = {"/input": {"operator", "admin"}, "/admin": {"admin"}}
SAMPLE = {
    "incident_id": "1",
    "photo_id": "1",
    "snapshot_id": "1",
    "tps": "16.07.10.1002.001",
    "contest": "pilbup-banyuasin",
    "kecamatan": "16.07.10",
    "item": "tinta",
    "filename": "desk.css",
    "package_name": "dash",
    "fingerprinted_path": "dash_table/bundle.v1.js",
}


@pytest.fixture
def desk(app):  # noqa: ANN001
    return app.server.extensions["desk"]


@pytest.fixture
def clients(app, desk, client_as) -> dict:  # noqa: ANN001
    """A test client per role: users through the login form, tokens in the Authorization header."""
    out = {"anonymous": client_as(None), **{role: client_as(role) for role in USERS}}
    for role in ("display", "reporter"):
        secret, _ = accounts.create_token(desk.store, f"uji-{role}", role, "uji")
        client = app.server.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        out[role] = client
    return out


def rules(app):  # noqa: ANN001, ANN201
    """Every (method, rule) of the server; /logout last, as it ends the session the others use."""
    found = [
        (method, rule.rule)
        for rule in app.server.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(found, key=lambda mr: mr[1] == "/logout")


def urls(rule: str) -> list[str]:
    if rule == "/<path:path>":
        return [*PAGES[1:], *PAGE_LIMITS, "/tidak-ada"]
    return [re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: SAMPLE[m.group(1)], rule)]


def send(client, method: str, url: str):  # noqa: ANN001, ANN201
    if url == "/_dash-update-component":
        client.get("/")
        body = {
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": "/"},
                {"id": "_pages_location", "property": "search", "value": ""},
            ],
            "changedPropIds": ["_pages_location.pathname"],
            "state": [],
        }
        return client.post(url, json=body)
    return client.open(url, method=method, json={} if method != "GET" else None)


def test_every_route_is_in_the_matrix(app) -> None:  # noqa: ANN001
    unknown = sorted(set(rules(app)) - set(MATRIX))
    assert unknown == [], f"routes missing from the security matrix (decide who may use them): {unknown}"


@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(app, clients, role: str) -> None:  # noqa: ANN001
    client = clients[role]
    checked = 0
    for method, rule in rules(app):
        for url in urls(rule):
            expected = MATRIX[(method, rule)][role]
            if url in PAGE_LIMITS and role in READERS:
                expected = 200 if role in PAGE_LIMITS[url] else 403
            if url == "/tidak-ada" and expected == 200:
                expected = OK  # Dash answers its shell for any path; the page itself says "not found"
            response = send(client, method, url)
            where = (role, method, url, response.status_code, response.get_data()[:200])
            assert response.status_code < 500, where
            if expected == OK:
                assert response.status_code not in (401, 403) and "/login" not in (response.location or ""), where
            elif expected == LOGIN:
                assert response.status_code == 302 and "/login" in response.location, where
            else:
                assert response.status_code == expected, where
            checked += 1
            if role != "anonymous" and url != "/logout" and clients[role].get("/healthz").status_code != 200:
                pytest.fail(f"{role} lost its session after {method} {url}")
    assert checked >= 25
    if role in USERS:  # /logout ended the session: the matrix ran with it until then, and it is really gone
        assert client.get("/").status_code == 302


# ---------------------------------------------------------------- tokens: scope and revocation


def count(store, model) -> int:  # noqa: ANN001
    with store.reader() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_region_token_is_refused_outside_its_region(app, desk) -> None:  # noqa: ANN001
    secret, _ = accounts.create_token(desk.store, "camat", "reporter", "uji", region="16.07.10")
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    votes = {"1": 40, "2": 30, "3": 20, "4": 10, "5": 5}
    inside = client.post(
        "/api/v1/tallies",
        json={"contest": "pilbup-banyuasin", "tps": "16.07.10.1002.001", "votes": votes, "suara_tidak_sah": 1},
    )
    assert inside.status_code == 201
    before = count(desk.store, Result), count(desk.store, AuditEntry)
    for contest in ("pilbup-banyuasin", "pilgub-sumsel"):
        outside = client.post(
            "/api/v1/tallies",
            json={
                "contest": contest,
                "tps": "1607011016001",
                "votes": dict(list(votes.items())[: 4 if "gub" in contest else 5]),
                "suara_tidak_sah": 1,
            },
        )
        assert outside.status_code == 403, outside.get_json()
    assert (count(desk.store, Result), count(desk.store, AuditEntry)) == before


def test_a_revoked_token_is_refused_at_once_on_http(app, desk) -> None:  # noqa: ANN001
    secret, info = accounts.create_token(desk.store, "layar-1", "display", "uji")
    bearer = app.server.test_client()
    bearer.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    link = app.server.test_client()
    assert link.get(f"/layar?token={secret}").status_code == 302  # the big-screen link opens a session
    assert bearer.get("/api/v1/live").status_code == 200 and link.get("/api/v1/live").status_code == 200
    accounts.revoke_token(desk.store, info.id, "admin")
    assert bearer.get("/api/v1/live").status_code == 401
    assert link.get("/api/v1/live").status_code == 401
    assert link.get("/layar").status_code == 302
    assert app.server.test_client().get(f"/layar?token={secret}").status_code == 302  # the link no longer works


def test_a_revoked_token_loses_its_open_sockets(app, desk, client_as) -> None:  # noqa: ANN001
    """Revoked anywhere (here straight in the store, as the CLI does): its sockets close as soon as the hub
    follows the change feed; other viewers stay connected."""
    secret, info = accounts.create_token(desk.store, "layar-1", "display", "uji")
    screen = desk.socketio.test_client(app.server, auth={"token": secret})
    link = app.server.test_client()
    link.get(f"/layar?token={secret}")
    screen_by_link = desk.socketio.test_client(app.server, flask_test_client=link)
    other_secret, _ = accounts.create_token(desk.store, "layar-2", "display", "uji")
    other = desk.socketio.test_client(app.server, auth={"token": other_secret})
    viewer = desk.socketio.test_client(app.server, flask_test_client=client_as("viewer"))
    assert all(c.is_connected() for c in (screen, screen_by_link, other, viewer))
    desk.hub.flush()
    assert screen.is_connected()  # the token's creation closes nothing
    accounts.revoke_token(desk.store, info.id, "admin")
    desk.hub.flush()  # what the hub's task does within 0.2 s
    assert not screen.is_connected() and not screen_by_link.is_connected()
    assert other.is_connected() and viewer.is_connected()
    assert not desk.socketio.test_client(app.server, auth={"token": secret}).is_connected()


def test_a_disabled_user_loses_the_live_stream(app, desk, client_as) -> None:  # noqa: ANN001
    """An admin disables a logged-in operator: HTTP refuses at once, and the open socket closes too (it no longer
    receives events nor answers `view:get`); other users keep theirs."""
    operator = client_as("operator")
    socket = desk.socketio.test_client(app.server, flask_test_client=operator)
    viewer = desk.socketio.test_client(app.server, flask_test_client=client_as("viewer"))
    assert socket.is_connected() and viewer.is_connected()
    accounts.set_user_active(desk.store, "operator", False, "admin")
    assert operator.get("/api/v1/live").status_code == 401
    desk.hub.flush()
    assert not socket.is_connected()
    assert viewer.is_connected()
    accounts.set_user_active(desk.store, "operator", True, "admin")
    desk.hub.flush()
    assert viewer.is_connected()


def test_disconnect_token_closes_its_sockets_immediately(app, desk) -> None:  # noqa: ANN001
    secret, info = accounts.create_token(desk.store, "layar-1", "display", "uji")
    screen = desk.socketio.test_client(app.server, auth={"token": secret})
    assert screen.is_connected()
    accounts.revoke_token(desk.store, info.id, "admin")
    assert sockets.disconnect_token(desk.socketio, info.id) == 1
    assert not screen.is_connected()


# ---------------------------------------------------------------- login and CSRF


def test_login_attempts_are_limited_per_address(app) -> None:  # noqa: ANN001
    attacker = app.server.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    codes = [login(attacker, "admin", f"tebakan-{i}").status_code for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    assert "Terlalu banyak percobaan" in login(attacker, "admin", PASSWORD).get_data(as_text=True)
    colleague = app.server.test_client()
    colleague.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert login(colleague, "admin", PASSWORD).status_code == 302


def test_processes_behind_one_redis_share_the_login_limit(tmp_path) -> None:  # noqa: ANN001
    """Guesses spread over two server processes count once: the eleventh is refused on either."""
    from dashboard.app import create_app
    from tests.conftest import require_redis

    url = require_redis()
    secret = secrets.token_hex(16)  # one desk: its processes share the secret key (and so the counter)
    apps = []
    for name in ("a", "b"):
        config = Config(tmp_path / name, secret_key=secret, testing=True, background_push=False, message_queue=url)
        apps.append(create_app(config))
    try:
        clients = [a.server.test_client() for a in apps]
        for c in clients:
            c.environ_base["REMOTE_ADDR"] = "10.0.0.99"
        codes = [login(clients[i % 2], "admin", f"tebakan-{i}").status_code for i in range(12)]
        assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
        elsewhere = create_app(Config(data_dir=tmp_path / "c", testing=True, background_push=False, message_queue=url))
        other = elsewhere.server.test_client()
        other.environ_base["REMOTE_ADDR"] = "10.0.0.99"
        assert login(other, "admin", "tebakan").status_code == 401  # another desk on the same Redis counts apart
        elsewhere.server.extensions["desk"].hub.stop()
    finally:
        for a in apps:
            a.server.extensions["desk"].hub.stop()


def csrf_of(client) -> str:  # noqa: ANN001
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)


@pytest.mark.parametrize("token", ["none", "empty", "forged", "other-session"])
def test_the_login_form_needs_its_own_csrf_token(app, token: str) -> None:  # noqa: ANN001
    client = app.server.test_client()
    own = csrf_of(client)
    value = {
        "none": None,
        "empty": "",
        "forged": own[:-4] + "AAAA",
        "other-session": csrf_of(app.server.test_client()),
    }[token]
    form = {"username": "admin", "password": PASSWORD, **({"csrf_token": value} if value is not None else {})}
    response = client.post("/login", data=form)
    assert response.status_code == 400 and "Formulir kedaluwarsa" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_cross_site_form_cannot_write_through_the_api_with_a_session(desk, client_as, content_type: str) -> None:  # noqa: ANN001
    """A form on another site can send the cookie-less-safe content types only; the API takes JSON alone."""
    operator = client_as("operator")
    body = json.dumps(
        {
            "contest": "pilbup-banyuasin",
            "tps": "16.07.10.1002.001",
            "votes": {"1": 40, "2": 30, "3": 20, "4": 10, "5": 5},
            "suara_tidak_sah": 1,
        }
    )
    before = count(desk.store, Result), count(desk.store, Incident)
    for url, method in (
        ("/api/v1/tallies", "POST"),
        ("/api/v1/incidents", "POST"),
        ("/api/v1/logistics/16.07.10/tinta", "PUT"),
        ("/api/v1/incidents/1", "PATCH"),
    ):
        response = operator.open(url, method=method, data=body, content_type=content_type)
        assert response.status_code == 415, (url, response.status_code)
    assert (count(desk.store, Result), count(desk.store, Incident)) == before


def test_session_cookie_flags(client_as) -> None:  # noqa: ANN001
    response = login(client_as(None), "viewer")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# ---------------------------------------------------------------- text from the field stays text

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)> & "kutip" \'satu\''


def walk(node, kind: str = "", prop: str = ""):  # noqa: ANN001, ANN201
    """Every (component type, prop name, value) in a Dash component tree, strings in lists included."""
    if isinstance(node, list):
        for child in node:
            yield from walk(child, kind, prop)
    elif isinstance(node, dict) and "type" in node and "props" in node:
        for name, value in node["props"].items():
            yield node["type"], name, value
            yield from walk(value, node["type"], name)
    elif isinstance(node, str) and kind:
        yield kind, prop, node


def carriers(tree, text: str) -> set[tuple[str, str]]:  # noqa: ANN001
    """(component type, prop) of every place a text appears in a page's component tree, and any raw-HTML prop."""
    found = set()
    for kind, name, value in walk(tree):
        if name == "dangerously_allow_html" and value:
            found.add((kind, name))
        elif isinstance(value, str) and text in value:
            found.add((kind, name))
        elif name == "data" and text in json.dumps(value, ensure_ascii=False):
            found.add((kind, name))
    return found


def test_html_in_every_text_field_is_shown_as_text(app, desk, client_as) -> None:  # noqa: ANN001
    operator, admin = client_as("operator"), client_as("admin")
    incident = operator.post(
        "/api/v1/incidents",
        json={
            "kecamatan": "16.07.10",
            "stage": "pemungutan-suara",
            "category": "lainnya",
            "severity": "kritis",
            "description": SCRIPT,
        },
    )
    assert incident.status_code == 201
    assert incident.headers["Content-Type"] == "application/json"
    assert incident.get_json()["description"] == SCRIPT  # JSON carries the exact text
    patched = operator.patch(
        f"/api/v1/incidents/{incident.get_json()['id']}", json={"status": "ditolak", "note": SCRIPT}
    )
    assert patched.status_code == 200 and patched.get_json()["history"][-1]["note"] == SCRIPT
    votes = {"1": 40, "2": 30, "3": 20, "4": 10, "5": 5}
    tally = {"contest": "pilbup-banyuasin", "tps": "16.07.10.1002.001", "votes": votes, "suara_tidak_sah": 1}
    assert operator.post("/api/v1/tallies", json=tally).status_code == 201
    corrected = operator.post(
        "/api/v1/tallies", json={**tally, "suara_tidak_sah": 2, "correction": True, "reason": SCRIPT}
    )
    assert corrected.status_code == 201 and corrected.get_json()["result"]["reason"] == SCRIPT
    accounts.create_token(desk.store, SCRIPT, "display", "admin")

    pages = {"/kejadian": operator, "/": operator, "/admin": admin}
    seen = {}
    for page, client in pages.items():
        tree = render_page(client, page)
        where = carriers(tree, SCRIPT)
        assert ("Markdown", "children") not in where and not any(p == "dangerously_allow_html" for _k, p in where)
        seen[page] = where
    assert seen["/kejadian"], "the incident's description is on the Kejadian page"
    assert any(prop == "children" for _kind, prop in seen["/admin"]), "the token's name is in the admin table"
    for asset in ("incidents.js", "live.js", "recap.js"):  # what the browser draws from pushed data
        text = (ASSETS / asset).read_text(encoding="utf-8")
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", text), asset


def test_the_login_page_echoes_names_and_next_as_text(app) -> None:  # noqa: ANN001
    client = app.server.test_client()
    page = client.get('/login?next="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    form = {"username": SCRIPT, "password": "x", "csrf_token": csrf_of(client)}
    answer = client.post("/login", data=form).get_data(as_text=True)
    assert '<script>alert("x")</script>' not in answer and "&lt;script&gt;" in answer


# ---------------------------------------------------------------- path tricks


@pytest.mark.parametrize(
    "url",
    [
        "/assets/../secret_key",
        "/assets/..%2f..%2fsecret_key",
        "/assets/%2e%2e/%2e%2e/secret_key",
        "/assets/..%5c..%5csecret_key",
        "/assets/topojson/../../../data/secret_key",
        "/_dash-component-suites/dash/../../../../etc/passwd",
        "/_dash-component-suites/dash/..%2f..%2f..%2fetc%2fpasswd",
        "/api/v1/recap/..%2f..%2fsecret_key",
        "/api/v1/logistics?kecamatan=../../etc/passwd",
        "/api/v1/incidents/..%2f1",
    ],
)
def test_path_tricks_reach_nothing_outside(app, client_as, url: str) -> None:  # noqa: ANN001
    """Paths that try to leave the assets, the component suites or the API's path parts."""
    secret = app.server.config["SECRET_KEY"]
    response = client_as("viewer").get(url)
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (url, response.status_code)
    assert secret not in body and "root:" not in body
    if response.status_code == 200:  # only Dash's page shell (the path was normalised to a page URL)
        assert response.mimetype == "text/html" and "_dash-config" in body, url


@pytest.mark.parametrize("item", ["..", "../../etc", "tinta/../tinta", "%2e%2e", "tinta%00"])
def test_path_tricks_in_the_logistics_route_change_nothing(desk, client_as, item: str) -> None:  # noqa: ANN001
    before = count(desk.store, AuditEntry)
    response = client_as("operator").put(
        f"/api/v1/logistics/16.07.10/{item}", json={"received": 1, "status": "dalam-perjalanan"}
    )
    assert response.status_code in (404, 405, 422), (item, response.status_code)
    assert count(desk.store, AuditEntry) == before


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small real PNG."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd.png",
        "..\\..\\secret_key.png",
        "/tmp/absolut.png",
        "c1\x00.png.sh",
        "CON.png",
        "%2e%2e%2f%2e%2e%2fx.png",
        "foto c1 <script>.png",
    ],
    ids=["dotdot", "backslash", "absolute", "nul", "device-name", "encoded", "html"],
)
def test_path_tricks_in_upload_names_are_ignored(app, desk, client_as, tmp_path, name: str) -> None:  # noqa: ANN001
    """The client's file name is never used: the photo is stored under the data folder with a name the app made."""
    import io

    from data_sources import photos

    operator = client_as("operator")
    tally = {
        "contest": "pilbup-banyuasin",
        "tps": "16.07.10.1002.001",
        "votes": {"1": 40, "2": 30, "3": 20, "4": 10, "5": 5},
        "suara_tidak_sah": 1,
    }
    assert operator.post("/api/v1/tallies", json=tally).status_code == 201
    before = {p for p in tmp_path.rglob("*")}
    response = operator.post(
        "/api/v1/tallies/pilbup-banyuasin/16.07.10.1002.001/photo",
        data={"photo": (io.BytesIO(png()), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    photo_id = response.get_json()["photo"]["id"]
    stored, _media = photos.photo_file(desk.store, desk.config.data_dir, photo_id)
    folder = photos.photo_folder(desk.config.data_dir).resolve()
    assert stored.resolve().parent == folder
    assert re.fullmatch(r"[0-9a-f]+\.(png|jpg)", stored.name), stored.name
    created = {p for p in tmp_path.rglob("*")} - before
    assert created and all(p.resolve().is_relative_to(folder) for p in created), created
    assert "passwd" not in json.dumps(response.get_json()) and "script" not in json.dumps(response.get_json())


def test_revoking_on_the_admin_page_closes_the_screen_at_once(app, desk) -> None:  # noqa: ANN001
    from callbacks import admin as admin_page

    secret, info = accounts.create_token(desk.store, "layar-aula", "display", "uji")
    screen = desk.socketio.test_client(app.server, auth={"token": secret})
    assert screen.is_connected()
    with app.server.test_request_context("/admin"):
        admin_page.revoke_token(info.id, "admin")
    assert not screen.is_connected()  # no waiting for the periodic check
