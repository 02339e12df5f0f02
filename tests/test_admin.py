"""Admin: the audit trail filtered and paged, users disabled, tokens created and revoked (refused at once)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callbacks import admin as cb
from data_sources import accounts, results
from data_sources.audit import AuditFilters, audit_facets, audit_page, change_text
from data_sources.domain.actors import Actor
from data_sources.domain.fmt import WIB, now_utc
from tests.conftest import PASSWORD, login, render_page, texts


def _result(store, tps: str, actor: str = "operator") -> None:  # noqa: ANN001
    payload = {
        "contest": "pilbup-banyuasin",
        "tps": tps,
        "votes": {"1": 10, "2": 9, "3": 8, "4": 7, "5": 6},
        "suara_tidak_sah": 1,
    }
    assert results.submit_result(store, payload, Actor(actor, "operator"), source="uji").changed


def said(component) -> str:  # noqa: ANN001
    """Every text inside a component, joined."""
    if component is None:
        return ""
    if isinstance(component, str):
        return component
    if isinstance(component, list | tuple):
        return " ".join(said(c) for c in component)
    return said(getattr(component, "children", None))


def test_the_audit_trail_filters_by_who_what_and_when_and_pages(demo_store) -> None:
    store = demo_store
    start = now_utc()
    for n in range(1, 8):
        _result(store, f"16.07.10.2001.{n:03d}", "operator" if n % 2 else "operator2")
    accounts.set_user(store, "budi", "viewer", PASSWORD, "admin")
    _secret, token = accounts.create_token(store, "layar", "display", "admin")
    accounts.revoke_token(store, token.id, "admin")

    everything = audit_page(store, per_page=5)
    assert everything.total >= 10  # the scenario's own rows too
    assert len(everything.rows) == 5 and everything.page == 1
    ids = [a.id for a in everything.rows]
    assert ids == sorted(ids, reverse=True)  # newest first

    mine = audit_page(store, AuditFilters(actor="operator2"))
    assert mine.total == 3 and {a.actor for a in mine.rows} == {"operator2"}
    assert all(a.entity == "result" for a in mine.rows)
    tokens = audit_page(store, AuditFilters(entity="token"))
    assert [a.action for a in tokens.rows] == ["token.revoke", "token.create"]
    by_admin = audit_page(store, AuditFilters(actor="admin", action="user."))
    assert [(a.action, a.entity_id) for a in by_admin.rows] == [("user.set", "budi")]

    one = audit_page(store, AuditFilters(entity_id="16.07.10.2001.003"))
    assert [(a.actor, a.entity_id) for a in one.rows] == [("operator", "pilbup-banyuasin/16.07.10.2001.003")]
    assert audit_page(store, AuditFilters(entity_id="%")).total == 0  # a LIKE wildcard is just a character
    since = audit_page(store, AuditFilters(entity="result", since=start))
    assert since.total == 7
    assert audit_page(store, AuditFilters(entity="result", until=start - timedelta(seconds=1))).total == 0
    later = now_utc() + timedelta(hours=1)
    assert audit_page(store, AuditFilters(since=later)).total == 0

    second = audit_page(store, AuditFilters(entity="result"), page=2, per_page=5)
    assert (second.page, second.pages, len(second.rows)) == (2, 2, 2)
    beyond = audit_page(store, AuditFilters(entity="result"), page=99, per_page=5)
    assert beyond.page == 2  # clamped to the last page
    actors, entities = audit_facets(store)
    assert {"operator", "operator2", "admin"} <= set(actors) and {"result", "token", "user"} <= set(entities)


def test_change_text_says_what_changed() -> None:
    assert change_text({"active": True}, {"active": False}) == "active: true → false"
    assert change_text(None, {"name": "layar", "role": "display"}) == "name: layar; role: display"
    assert change_text({"a": 1}, {"a": 1}) == "—"
    many = change_text(None, {str(i): i for i in range(9)})
    assert many.endswith("… 3 lainnya")


def test_the_admin_page_lists_users_tokens_and_the_audit_to_an_admin_only(app, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    accounts.create_token(desk.store, "<b>layar</b> rapat", "display", "admin")
    tree = render_page(client_as("admin"), "/admin")
    shown = texts(tree)
    assert {"admin", "operator", "viewer"} <= set(shown)
    assert "<b>layar</b> rapat" in shown  # as text
    assert any(t.startswith("Halaman 1 dari") for t in shown)
    assert "user.set" in shown and "token.create" in shown
    denied = texts(render_page(client_as("viewer"), "/admin"))
    assert "Halaman ini hanya untuk admin." in denied
    assert "token.create" not in denied and "<b>layar</b> rapat" not in denied


def test_admin_actions_create_disable_and_revoke_each_audited(app) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    with app.server.test_request_context():
        added = cb.add_user("Sinta", "operator", "admin")
        password = next(c for c in added.children if getattr(c, "id", None) == "new-password").children
        assert accounts.verify_password(desk.store, "sinta", password) is not None
        assert "nama:" in said(cb.add_user("../x", "operator", "admin"))
        assert "peran:" in said(cb.add_user("joko", "superuser", "admin"))

        assert "sekarang nonaktif" in said(cb.toggle_user("sinta", "admin"))
        assert accounts.verify_password(desk.store, "sinta", password) is None
        assert "sekarang aktif" in said(cb.toggle_user("sinta", "admin"))
        assert "tidak dapat" in said(cb.toggle_user("admin", "admin"))

        made = cb.create_token("hp kecamatan", "reporter", "16.07.10", "admin")
        secret = next(c for c in made.children if getattr(c, "id", None) == "new-token").children
        info = accounts.verify_token(desk.store, secret)
        assert (info.role, info.region_code) == ("reporter", "16.07.10")
        assert "wilayah:" in said(cb.create_token("hp", "reporter", "99.99", "admin"))
        assert "dicabut" in said(cb.revoke_token(info.id, "admin"))
        assert accounts.verify_token(desk.store, secret) is None

    actions = [a.action for a in audit_page(desk.store, AuditFilters(actor="admin")).rows]
    assert actions[:5] == ["token.revoke", "token.create", "user.active", "user.active", "user.set"]


def test_audit_filter_form_names_a_bad_moment() -> None:
    f = cb.audit_filters("operator", "result", "2024-11-27T08:00", "2024-11-27T17:00")
    assert f.since.tzinfo == WIB and f.since.hour == 8 and f.actor == "operator"
    with pytest.raises(ValueError, match="Dari"):
        cb.audit_filters(None, None, "kemarin", None)
    with pytest.raises(ValueError, match="Sampai: harus sesudah Dari"):
        cb.audit_filters(None, None, "2024-11-27T17:00", "2024-11-27T08:00")


def test_a_revoked_token_and_a_disabled_user_are_refused_at_once(app, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    display, shown = accounts.create_token(desk.store, "layar", "display", "admin")
    screen = app.server.test_client()
    assert screen.get(f"/layar?token={display}").status_code == 302
    assert screen.get("/api/v1/live").status_code == 200
    reporter, sender = accounts.create_token(desk.store, "hp", "reporter", "admin")
    bearer = {"Authorization": f"Bearer {reporter}"}
    body = {
        "contest": "pilbup-banyuasin",
        "tps": "16.07.10.2001.001",
        "votes": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1},
        "suara_tidak_sah": 0,
    }
    phone = app.server.test_client()
    assert phone.post("/api/v1/tallies", json=body, headers=bearer).status_code == 201

    accounts.revoke_token(desk.store, shown.id, "admin")
    accounts.revoke_token(desk.store, sender.id, "admin")
    assert screen.get("/api/v1/live").status_code == 401  # the screen's session ends with its token
    assert screen.get("/layar").status_code == 302
    body["tps"] = "16.07.10.2001.002"
    assert phone.post("/api/v1/tallies", json=body, headers=bearer).status_code == 401

    client = app.server.test_client()
    assert login(client, "viewer").status_code == 302
    assert client.get("/api/v1/live").status_code == 200
    accounts.set_user_active(desk.store, "viewer", False, "admin")
    assert client.get("/api/v1/live").status_code == 401
    assert login(app.server.test_client(), "viewer").status_code == 401
