/* Presenter and followers, in the browser.

The presenter's page address (path + query: page, contest, region, filters) and playlist slide are reported to
POST /api/v1/view whenever they change; every viewer receives the whole new state as a pushed `view` event
(callbacks/follow.py) and a follower opens the same address. A follower that joins late or reconnects asks
GET /api/v1/view at once. A follower steps out by navigating on its own (or with the button) and returns with
one click. The bar and banners are drawn here with plain DOM (texts as text, never HTML).
*/
(function () {
    "use strict";
    const MIRRORED = ["/", "/rekapitulasi", "/kejadian", "/logistik", "/layar"];
    const PRIVATE = ["token", "follow"];
    const store = window.sessionStorage;
    const F = {
        state: null, version: -1, navigating: false, lastReported: "", wasConnected: null,
        following: store.getItem("desk-follow") === "1", out: store.getItem("desk-follow-out") === "1", msg: "",
    };
    const params = new URLSearchParams(window.location.search);
    if (params.get("follow") === "1") { setFollowing(true); setOut(false); }

    function setFollowing(on) { F.following = on; if (on) { store.setItem("desk-follow", "1"); } else { store.removeItem("desk-follow"); } }
    function setOut(on) { F.out = on; if (on) { store.setItem("desk-follow-out", "1"); } else { store.removeItem("desk-follow-out"); } }

    function bar() { return document.getElementById("follow-bar"); }
    function me() {
        const b = bar();
        return b ? {role: b.dataset.role || "", key: b.dataset.key || ""} : {role: "", key: ""};
    }
    function isStaff() { return ["admin", "operator"].indexOf(me().role) >= 0; }
    function presenter() { return (F.state && F.state.presenter) || null; }
    function isPresenter() { const p = presenter(); return !!(p && me().key && p.key === me().key); }
    function isFollowing() { return F.following && !F.out && !isPresenter(); }
    function frozen() { return (F.state && F.state.view && F.state.view.frozen) || null; }

    function cleanHere() {
        const q = new URLSearchParams(window.location.search);
        PRIVATE.forEach(function (k) { q.delete(k); });
        const s = q.toString();
        return window.location.pathname + (s ? "?" + s : "");
    }

    function navigate(url) {
        F.navigating = true;
        try {
            window.history.pushState({}, "", url);
            window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        } finally {
            F.navigating = false;
        }
    }

    function goTo() {
        if (!F.state || F.state.version < 1) { return; }
        const view = F.state.view;
        if (cleanHere() !== view.target) { navigate(view.target); }
        if (view.target.indexOf("/layar") === 0 && window.deskLayar) { window.deskLayar.show(view.slide || 0); }
    }

    function accept(state) {
        if (!state || typeof state.version !== "number") { return; }
        if (F.state && state.epoch !== F.state.epoch) { F.version = -1; }  // the server restarted: versions restart
        if (state.version < F.version) { return; }
        F.version = state.version;
        F.state = state;
        window.deskFollowState = state;  // for tests and the console
        if (isFollowing()) { goTo(); }
        draw();
    }

    function fetchState() {
        return fetch("/api/v1/view", {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(accept)
            .catch(function () { /* the next `view` event or reconnect retries */ });
    }

    function post(url, body) {
        return fetch(url, {
            method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "Accept": "application/json"},
            body: JSON.stringify(body || {}),
        }).then(function (r) {
            return r.json().then(function (j) { return {ok: r.ok, body: j}; });
        }).then(function (res) {
            F.msg = res.ok ? "" : (res.body.error || "Gagal");
            const state = res.ok ? (res.body.state || res.body) : res.body.state;
            if (state) { accept(state); }
            draw();
            return res;
        }).catch(function () { F.msg = "Server tidak terjangkau"; draw(); });
    }

    function report() {
        if (!isPresenter()) { return; }
        const path = window.location.pathname.replace(/\/+$/, "") || "/";
        const q = new URLSearchParams(window.location.search);
        if (MIRRORED.indexOf(path) < 0 || q.has("snapshot")) { return; }
        PRIVATE.forEach(function (k) { q.delete(k); });
        const s = q.toString();
        const slide = window.deskLayar && window.deskLayar.current();
        const body = {path: path, search: s ? "?" + s : "", slide: path === "/layar" && slide !== null ? slide : null};
        const key = JSON.stringify(body);
        if (key === F.lastReported) { return; }
        F.lastReported = key;
        post("/api/v1/view", body);
    }

    function afterMove(byUser) {
        if (byUser && isFollowing()) { setOut(true); }
        report();
        draw();
    }

    const push = window.history.pushState;
    window.history.pushState = function () {
        const r = push.apply(this, arguments);
        afterMove(!F.navigating);
        return r;
    };
    const replace = window.history.replaceState;
    window.history.replaceState = function () {
        const r = replace.apply(this, arguments);
        if (!F.navigating) { report(); }
        return r;
    };
    window.addEventListener("popstate", function () { afterMove(true); });

    // ------------------------------------------------------------------ drawing

    function el(tag, attrs, text) {
        const node = document.createElement(tag);
        Object.entries(attrs || {}).forEach(function (kv) { node.setAttribute(kv[0], kv[1]); });
        if (text !== undefined) { node.textContent = text; }
        return node;
    }

    function button(id, text, cls) { return el("button", {id: id, type: "button", class: "fb-btn " + (cls || "")}, text); }

    function draw() {
        const b = bar();
        if (!b) { return; }
        const p = presenter();
        const parts = [];
        parts.push(el("span", {id: "presenter-name", class: "fb-who"}, p ? "Presenter: " + p.name : "Belum ada presenter"));
        if (isFollowing()) {
            parts.push(el("span", {id: "follow-state", class: "fb-mode"}, "Mengikuti presenter"));
            if (me().role !== "display") { parts.push(button("follow-out", "Jelajah sendiri")); }
        } else if (!isPresenter() && !F.following && p) {
            parts.push(button("follow-start", "Ikuti presenter"));
        }
        if (isStaff()) {
            if (!p) { parts.push(button("presenter-take", "Jadi presenter", "fb-primary")); }
            if (p && !isPresenter() && me().role === "admin") { parts.push(button("presenter-takeover", "Ambil alih presenter")); }
            if (isPresenter()) {
                parts.push(button("presenter-release", "Lepas presenter"));
                parts.push(el("input", {id: "handover-to", class: "fb-time", placeholder: "nama pengguna",
                                        "aria-label": "Serahkan presenter kepada"}));
                parts.push(button("presenter-handover", "Serahkan"));
                if (frozen()) {
                    parts.push(button("freeze-live", "Kembali ke live", "fb-primary"));
                } else {
                    parts.push(button("freeze-now", "Bekukan sekarang", "fb-primary"));
                    parts.push(el("label", {for: "freeze-at", class: "fb-label"}, "atau per pukul"));
                    parts.push(el("input", {id: "freeze-at", type: "time", class: "fb-time"}));
                    parts.push(button("freeze-at-go", "Bekukan"));
                }
            }
        }
        if (F.msg) { parts.push(el("span", {id: "follow-msg", class: "fb-msg", role: "alert"}, F.msg)); }
        b.replaceChildren.apply(b, parts);
        b.classList.toggle("fb-presenting", isPresenter());

        const fz = frozen();
        const banner = document.getElementById("freeze-banner");
        if (banner) {
            const showFrozen = !!fz && (isFollowing() || isPresenter());
            banner.className = showFrozen ? "freeze-banner" : "freeze-banner hidden";
            if (showFrozen) {
                banner.replaceChildren(
                    el("strong", {id: "freeze-label"}, fz.label),
                    el("span", {}, " · angka dibekukan presenter, tidak berubah sampai kembali ke live · "),
                    el("a", {id: "freeze-link", href: "/layar?snapshot=" + fz.id}, "tautan cuplikan #" + fz.id),
                );
            } else {
                banner.replaceChildren();
            }
        }
        const fb = document.getElementById("follow-banner");
        if (fb) {
            const outNow = F.following && F.out && !isPresenter();
            fb.className = outNow ? "follow-banner" : "follow-banner hidden";
            if (outNow) {
                fb.replaceChildren(
                    el("span", {id: "stepped-out"}, "Anda menjelajah sendiri — layar ini TIDAK mengikuti presenter."),
                    button("follow-return", "Kembali ikuti presenter", "fb-primary"),
                );
            } else {
                fb.replaceChildren();
            }
        }
    }

    function todayWib() {
        return new Intl.DateTimeFormat("en-CA", {timeZone: "Asia/Jakarta", year: "numeric", month: "2-digit", day: "2-digit"})
            .format(new Date());
    }

    document.addEventListener("click", function (ev) {
        const t = ev.target && ev.target.closest && ev.target.closest("button");
        if (!t) { return; }
        switch (t.id) {
        case "presenter-take": post("/api/v1/presenter", {action: "take"}).then(function () { F.lastReported = ""; report(); }); break;
        case "presenter-takeover": post("/api/v1/presenter", {action: "takeover"}).then(function () { F.lastReported = ""; report(); }); break;
        case "presenter-release": post("/api/v1/presenter", {action: "release"}); break;
        case "presenter-handover": {
            const to = ((document.getElementById("handover-to") || {}).value || "").trim();
            if (!to) { F.msg = "Tulis nama pengguna penerima"; draw(); break; }
            post("/api/v1/presenter", {action: "handover", to: to});
            break;
        }
        case "freeze-now": post("/api/v1/snapshots", {}).then(goToOwn); break;
        case "freeze-at-go": {
            const v = (document.getElementById("freeze-at") || {}).value;
            if (!v) { F.msg = "Pilih jam lebih dulu (WIB)"; draw(); break; }
            post("/api/v1/snapshots", {as_of: todayWib() + "T" + v + ":00+07:00"}).then(goToOwn);
            break;
        }
        case "freeze-live": post("/api/v1/view/live", {}).then(goToOwn); break;
        case "follow-out": setOut(true); draw(); break;
        case "follow-start": setFollowing(true); setOut(false); fetchState().then(goTo); break;
        case "follow-return": setOut(false); fetchState().then(function () { goTo(); draw(); }); break;
        default: return;
        }
    });

    function goToOwn(res) {  // the presenter sees what the followers see: the snapshot, or back to its live page
        if (res && res.ok && F.state) {
            const target = F.state.view.target;
            if (cleanHere() !== target) { navigate(target); }
        }
    }

    window.deskFollow = {
        isPresenter: isPresenter,
        isFollowing: isFollowing,
        report: report,
        stepOut: function () { if (isFollowing()) { setOut(true); draw(); } },
        wantedSlide: function () { return isFollowing() && F.state ? (F.state.view.slide || 0) : null; },
    };

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        follow: {
            view: function (msg, connected) {
                if (connected && F.wasConnected === false) { fetchState(); }  // reconnect: the current view at once
                F.wasConnected = !!connected;
                if (msg) { accept(msg); }
                return window.dash_clientside.no_update;
            },
        },
    });

    function start() {
        if (!bar()) { setTimeout(start, 100); return; }
        fetchState().then(function () { report(); draw(); });
    }
    start();
})();
