"""Access rules (DESIGN §7): nothing but login, health and assets without a session or token."""

from __future__ import annotations

import re

import pytest

from data_sources import accounts
from tests.conftest import PASSWORD, login, render_page, texts

OPEN = {"/login", "/healthz", "/_favicon.ico"}
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")


def concrete(rule: str) -> str:
    """A URL for a rule, with sample values for its variables."""
    return re.sub(
        r"<(?:[^:>]+:)?([^>]+)>", lambda m: {"incident_id": "1", "path": "kejadian"}.get(m.group(1), "x"), rule
    )


def walk(app):  # noqa: ANN001, ANN201
    """Every (method, url) the server routes, except static assets."""
    for rule in app.server.url_map.iter_rules():
        if rule.rule.startswith(STATIC_PREFIXES):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, concrete(rule.rule)


def test_every_route_refuses_anonymous(app, client_as) -> None:  # noqa: ANN001
    client = client_as(None)
    seen = 0
    for method, url in walk(app):
        if url in OPEN:
            continue
        response = client.open(url, method=method, json={})
        seen += 1
        if url.startswith(("/api/", "/_dash-", "/_reload")):
            assert response.status_code == 401, (method, url, response.status_code)
        else:
            assert response.status_code == 302 and "/login" in response.location, (method, url)
    assert seen >= 12


def test_open_routes_need_no_login(client_as) -> None:  # noqa: ANN001
    client = client_as(None)
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/login").status_code == 200
    assert client.get("/assets/desk.css").status_code == 200


def test_socket_connection_refused_without_session_or_token(app) -> None:  # noqa: ANN001
    socketio = app.server.extensions["desk"].socketio
    anonymous = socketio.test_client(app.server, flask_test_client=app.server.test_client())
    assert not anonymous.is_connected()
    bad_token = socketio.test_client(app.server, auth={"token": "dp_salah"})
    assert not bad_token.is_connected()


def test_socket_connection_accepted_for_user_and_display_token(app, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    viewer = desk.socketio.test_client(app.server, flask_test_client=client_as("viewer"))
    assert viewer.is_connected()
    secret, _ = accounts.create_token(desk.store, "layar", "display", "uji")
    screen = desk.socketio.test_client(app.server, auth={"token": secret})
    assert screen.is_connected()
    reporter_secret, _ = accounts.create_token(desk.store, "hp", "reporter", "uji")
    assert not desk.socketio.test_client(app.server, auth={"token": reporter_secret}).is_connected()


def test_result_posted_through_api_is_pushed_to_a_connected_viewer(app, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    viewer = desk.socketio.test_client(app.server, flask_test_client=client_as("viewer"))
    tally = {
        "contest": "pilbup-banyuasin",
        "tps": "1607101002001",
        "suara_tidak_sah": 2,
        "votes": {"1": 50, "2": 30, "3": 20, "4": 10, "5": 5},
    }
    assert client_as("operator").post("/api/v1/tallies", json=tally).status_code == 201
    desk.hub.flush()
    received = [m["args"][0] for m in viewer.get_received() if m["name"] == "recap"]
    assert [m["contest"] for m in received] == ["pilbup-banyuasin"]
    assert received[0]["text"]["pilbup-banyuasin-reported"] == "1 / 2.564 TPS"
    assert received[0]["seq"] >= 1


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("operator", 200), ("admin", 200)])
def test_input_page_needs_operator(client_as, role, status) -> None:  # noqa: ANN001
    assert client_as(role).get("/input").status_code == status


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("operator", 403), ("admin", 200)])
def test_admin_page_needs_admin(client_as, role, status) -> None:  # noqa: ANN001
    assert client_as(role).get("/admin").status_code == status


def test_viewer_navigating_client_side_to_input_sees_refusal(client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/input")
    assert "Halaman ini hanya untuk operator atau admin." in texts(tree)


def test_viewer_cannot_submit_through_api(client_as) -> None:  # noqa: ANN001
    response = client_as("viewer").post("/api/v1/tallies", json={"contest": "pilbup-banyuasin"})
    assert response.status_code == 403


def test_reporter_token_may_post_but_not_open_pages(app) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    secret, _ = accounts.create_token(desk.store, "hp", "reporter", "uji")
    client = app.server.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post("/api/v1/tallies", json={"contest": "pilbup-banyuasin"}, headers=headers)
    assert response.status_code == 422 and "tps" in response.get_json()["errors"]
    assert client.get("/", headers=headers).status_code == 403
    accounts.revoke_token(desk.store, 1, "uji")
    assert client.post("/api/v1/tallies", json={}, headers=headers).status_code == 401


def test_display_link_logs_the_screen_in_without_a_form(app) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    secret, info = accounts.create_token(desk.store, "layar", "display", "uji")
    client = app.server.test_client()
    response = client.get(f"/layar?token={secret}")
    assert response.status_code == 302 and response.location == "/layar"
    assert client.get("/layar").status_code == 200
    assert client.get("/input").status_code == 403
    accounts.revoke_token(desk.store, info.id, "uji")
    assert client.get("/layar").status_code == 302  # revoked: refused at once


def test_login_wrong_password_and_rate_limit(app) -> None:  # noqa: ANN001
    client = app.server.test_client()
    assert login(client, "viewer", "salah-sekali").status_code == 401
    codes = [login(client, "viewer", "salah-sekali").status_code for _ in range(12)]
    assert 429 in codes
    assert login(client, "viewer", PASSWORD).status_code == 429  # still limited, even with the right password


def test_login_needs_csrf_token(app) -> None:  # noqa: ANN001
    client = app.server.test_client()
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client_as) -> None:  # noqa: ANN001
    client = client_as(None)
    response = login(client, "viewer")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_next_cannot_leave_the_site(client_as) -> None:  # noqa: ANN001
    client = client_as(None)
    page = client.get("/login?next=//evil.example/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post(
        "/login?next=//evil.example/", data={"username": "viewer", "password": PASSWORD, "csrf_token": token}
    )
    assert response.location == "/"
