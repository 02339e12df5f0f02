"""Presenter and followers (issue 5): one presenter, explicit handover, late join gets the current view."""

from __future__ import annotations

import pytest

from dashboard.live.presence import Person, Presence, PresenceError, clean_address

ANI = Person("u:1", "ani", "operator")
BUDI = Person("u:2", "budi", "operator")
ADMIN = Person("u:3", "admin", "admin")
VIEWER = Person("u:4", "vira", "viewer")


def test_one_presenter_at_a_time_and_only_staff() -> None:
    p = Presence()
    p.take(ANI)
    with pytest.raises(PresenceError, match="ani sedang menjadi presenter"):
        p.take(BUDI)
    with pytest.raises(PresenceError, match="tidak boleh menjadi presenter") as refused:
        Presence().take(VIEWER)
    assert refused.value.status == 403
    assert p.state()["presenter"] == {"key": "u:1", "name": "ani", "role": "operator"}


def test_handover_is_explicit_and_only_by_the_presenter() -> None:
    p = Presence()
    p.take(ANI)
    with pytest.raises(PresenceError, match="hanya presenter"):
        p.handover(BUDI, BUDI)  # budi cannot hand himself the role
    with pytest.raises(PresenceError, match="hanya admin"):
        p.take(BUDI, takeover=True)  # an operator cannot take over
    state = p.handover(ANI, BUDI)
    assert state["presenter"]["name"] == "budi" and state["act"] == "ani menyerahkan presenter kepada budi"
    with pytest.raises(PresenceError):
        p.set_view(ANI, "/kejadian")  # ani is no longer the presenter
    taken = p.take(ADMIN, takeover=True)
    assert taken["presenter"]["name"] == "admin" and "diambil alih" in taken["act"]
    p.release(ADMIN)
    assert p.state()["presenter"] is None
    assert p.take(BUDI)["presenter"]["name"] == "budi"  # free again: anyone of the staff may take it


def test_only_the_presenter_changes_the_view_and_each_change_is_published() -> None:
    sent: list[dict] = []
    p = Presence(on_change=sent.append)
    with pytest.raises(PresenceError, match="belum ada presenter"):
        p.set_view(ANI, "/kejadian")
    p.take(ANI)
    p.set_view(ANI, "/rekapitulasi", "?contest=pilbup-banyuasin&region=16.07.08", slide=2)
    assert p.set_view(ANI, "/rekapitulasi", "?contest=pilbup-banyuasin&region=16.07.08", slide=2)["version"] == 2
    assert [s["version"] for s in sent] == [1, 2]  # the repeat sent nothing
    assert sent[-1]["view"]["target"] == "/rekapitulasi?contest=pilbup-banyuasin&region=16.07.08"
    assert sent[-1]["view"]["slide"] == 2


def test_a_late_follower_gets_the_whole_current_view_at_once() -> None:
    p = Presence()
    p.take(ANI)
    p.set_view(ANI, "/kejadian", "?severity=kritis&hours=6")
    p.set_view(ANI, "/rekapitulasi", "?contest=pilgub-sumsel")
    p.freeze(ANI, {"id": 7, "as_of": "2024-11-27T03:00:00+00:00", "label": "BEKU per 10.00 WIB"})
    late = p.state()  # what GET /api/v1/view and `view:get` answer
    assert late["version"] == 4 and late["epoch"] == p.epoch != Presence().epoch  # another state is told apart
    assert late["view"]["target"] == "/layar?snapshot=7"
    assert late["view"]["frozen"]["label"] == "BEKU per 10.00 WIB"
    back = p.unfreeze(ANI)
    assert back["view"]["target"] == "/rekapitulasi?contest=pilgub-sumsel" and back["view"]["frozen"] is None


def test_the_kept_state_survives_a_restart_and_is_shared_by_processes(demo_store) -> None:  # noqa: ANN001
    from data_sources.presence_state import StoredPresence

    first = Presence(keeper=StoredPresence(demo_store))
    first.take(ANI)
    first.set_view(ANI, "/rekapitulasi", "?contest=pilgub-sumsel")
    first.freeze(ANI, {"id": 7, "as_of": "2024-11-27T03:00:00+00:00", "label": "BEKU per 10.00 WIB"})
    restarted = Presence(keeper=StoredPresence(demo_store))  # a new process on the same database
    seen = restarted.state()
    assert seen["presenter"]["name"] == "ani" and seen["view"]["target"] == "/layar?snapshot=7"
    assert (seen["version"], seen["epoch"]) == (3, first.state()["epoch"])  # one series: followers keep counting
    with pytest.raises(PresenceError, match="ani sedang menjadi presenter"):
        restarted.take(BUDI)
    back = restarted.unfreeze(ANI)  # the presenter goes on through the other process
    assert back["version"] == 4 and first.state()["view"]["target"] == "/rekapitulasi?contest=pilgub-sumsel"
    actions = [(e.action, e.actor) for e in demo_store.audit_entries(limit=4)]
    assert actions == [
        ("view.unfreeze", "ani"),
        ("view.freeze", "ani"),
        ("view.change", "ani"),
        ("presenter.take", "ani"),
    ]
    frozen = demo_store.audit_entries(limit=2)[1]
    assert frozen.after["view"]["frozen"]["id"] == 7 and frozen.before["view"]["frozen"] is None


def test_two_processes_taking_the_role_at_once_give_it_to_one(demo_store) -> None:  # noqa: ANN001
    import threading

    from data_sources.presence_state import StoredPresence

    people = [Person(f"u:{i}", f"op{i}", "operator") for i in range(4)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def take(who: Person) -> None:
        barrier.wait()
        try:
            Presence(keeper=StoredPresence(demo_store)).take(who)
            outcomes.append("ok")
        except PresenceError:
            outcomes.append("refused")

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    state = Presence(keeper=StoredPresence(demo_store)).state()
    assert state["version"] == 1 and state["presenter"]["name"] in {p.name for p in people}


def test_mirrored_addresses_drop_private_parameters_and_unknown_pages() -> None:
    assert clean_address("/layar", "?token=rahasia&follow=1&interval=30") == ("/layar", "?interval=30")
    assert clean_address("/kejadian/", "") == ("/kejadian", "")
    with pytest.raises(PresenceError, match="tidak bisa diikuti"):
        clean_address("/admin", "")
    with pytest.raises(PresenceError):
        clean_address("https://example.com/x", "")


# ---------------------------------------------------------------- through HTTP and Socket.IO


def test_presenter_drives_followers_over_http_and_socketio(app, client_as) -> None:  # noqa: ANN001
    from data_sources import accounts

    desk = app.server.extensions["desk"]
    secret, _ = accounts.create_token(desk.store, "layar", "display", "uji")
    screen = desk.socketio.test_client(app.server, auth={"token": secret})
    operator, admin, viewer = client_as("operator"), client_as("admin"), client_as("viewer")

    assert viewer.post("/api/v1/presenter", json={"action": "take"}).status_code == 403
    assert operator.post("/api/v1/view", json={"path": "/kejadian"}).status_code == 409  # not the presenter yet
    assert operator.post("/api/v1/presenter", json={"action": "take"}).get_json()["presenter"]["name"] == "operator"
    busy = admin.post("/api/v1/presenter", json={"action": "take"})
    assert busy.status_code == 409 and "operator sedang menjadi presenter" in busy.get_json()["error"]

    moved = operator.post("/api/v1/view", json={"path": "/rekapitulasi", "search": "?contest=pilgub-sumsel"})
    assert moved.status_code == 200
    pushed = [m["args"][0] for m in screen.get_received() if m["name"] == "view"]
    assert pushed[-1]["view"]["target"] == "/rekapitulasi?contest=pilgub-sumsel"

    bad = operator.post("/api/v1/view", json={"path": "/admin"})
    assert bad.status_code == 422 and "path" in bad.get_json()["errors"]
    assert operator.post("/api/v1/view", data="path=/").status_code == 422  # not JSON: refused

    late = desk.socketio.test_client(app.server, auth={"token": secret})  # joins after the change
    assert late.emit("view:get", callback=True)["view"]["target"] == "/rekapitulasi?contest=pilgub-sumsel"
    assert viewer.get("/api/v1/view").get_json()["view"]["path"] == "/rekapitulasi"

    handed = operator.post("/api/v1/presenter", json={"action": "handover", "to": "admin"})
    assert handed.get_json()["presenter"]["name"] == "admin"
    unknown = client_as("admin").post("/api/v1/presenter", json={"action": "handover", "to": "nobody"})
    assert unknown.status_code == 422 and "nobody" in unknown.get_json()["errors"]["to"]
    assert operator.post("/api/v1/presenter", json={"action": "handover", "to": "viewer"}).status_code in (409, 422)
    assert operator.post("/api/v1/presenter", json={"action": "handover", "to": "admin"}).status_code == 409


def test_token_link_keeps_the_screen_settings(app) -> None:  # noqa: ANN001
    from data_sources import accounts

    desk = app.server.extensions["desk"]
    secret, _ = accounts.create_token(desk.store, "layar", "display", "uji")
    response = app.server.test_client().get(f"/layar?token={secret}&interval=30&follow=1")
    assert response.status_code == 302 and response.location == "/layar?interval=30&follow=1"
