/* Desk Pilkada live updates: apply pushed messages, detect gaps and silence, resync over HTTP. */
(function () {
    "use strict";
    const STALE_MS = 6000;
    const state = {seq: null, lastSeen: Date.now(), resyncing: false, wasConnected: false};
    window.deskLive = state;

    function applyTexts(msg) {
        const texts = (msg && msg.text) || {};
        for (const [id, value] of Object.entries(texts)) {
            if (document.getElementById(id)) {
                window.dash_clientside.set_props(id, {children: value});
            }
        }
        if (msg && msg.sent_at) {
            window.dash_clientside.set_props("last-update", {children: msg.sent_at});
        }
    }

    function resync() {
        if (state.resyncing) { return; }
        state.resyncing = true;
        fetch("/api/v1/live", {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
            .then(function (body) {
                for (const m of body.messages) {
                    applyTexts(m.data);
                    window.dispatchEvent(new CustomEvent("desk:" + m.event, {detail: m.data}));
                }
                state.seq = body.seq;
                state.lastSeen = Date.now();
            })
            .catch(function () { /* the next heartbeat or message retries */ })
            .finally(function () { state.resyncing = false; });
    }

    function receive(msg, eventName) {
        if (!msg) { return window.dash_clientside.no_update; }
        state.lastSeen = Date.now();
        if (state.seq !== null && msg.seq > state.seq + 1) {
            state.seq = msg.seq;
            resync();  // we missed messages: take the whole current state
        } else if (state.seq === null || msg.seq > state.seq) {
            state.seq = msg.seq;
        }
        applyTexts(msg);
        window.dispatchEvent(new CustomEvent("desk:" + eventName, {detail: msg}));
        return Date.now();
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        live: {
            recap: function (msg) { return receive(msg, "recap"); },
            incident: function (msg) { return receive(msg, "incident"); },
            logistics: function (msg) { return receive(msg, "logistics"); },
            heartbeat: function (msg) {
                if (!msg) { return window.dash_clientside.no_update; }
                state.lastSeen = Date.now();
                if (state.seq === null || msg.seq > state.seq) { resync(); }
                return window.dash_clientside.no_update;
            },
            connection: function (connected, _tick) {
                const silent = Date.now() - state.lastSeen;
                if (connected && !state.wasConnected && state.seq !== null) { resync(); }
                state.wasConnected = !!connected;
                if (connected && silent <= STALE_MS) {
                    return ["Terhubung (langsung)", "conn-dot conn-ok", "stale-banner hidden", ""];
                }
                if (connected) {
                    return ["Terhubung, tanpa kabar", "conn-dot conn-wait", "stale-banner",
                            "Tidak ada kabar dari server selama " + Math.round(silent / 1000) +
                            " detik — angka di layar mungkin tidak terbaru."];
                }
                if (connected === false) {
                    return ["Terputus", "conn-dot conn-bad", "stale-banner",
                            "Koneksi ke server terputus — angka di layar mungkin tidak terbaru."];
                }
                return ["Menghubungkan…", "conn-dot conn-wait", "stale-banner hidden", ""];
            },
        },
    });
})();
