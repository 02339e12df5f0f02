/* Layar (big screen): playlist of views, WIB clock, pushed texts; all in the browser, no server call per tick. */
(function () {
    "use strict";
    const TICK_MS = 250;
    const clockFmt = new Intl.DateTimeFormat("id-ID", {
        timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
    });
    const P = {root: null, slides: [], i: 0, paused: false, intervalMs: 20000, next: 0, frozen: false};

    function follow() { return window.deskFollow || null; }

    function isScreenTab() {
        const bar = document.getElementById("follow-bar");
        return !!(bar && bar.dataset.role === "display");
    }

    function setText(id, text) {
        const node = document.getElementById(id);
        if (node && node.textContent !== text) { node.textContent = text; }
    }

    function render() {
        P.slides.forEach(function (s, k) { s.classList.toggle("ly-active", k === P.i); });
        const cur = P.slides[P.i];
        setText("ly-pos", cur ? (P.i + 1) + " / " + P.slides.length + " · " + cur.dataset.title : "");
        const f = follow();
        let play;
        if (f && f.isFollowing()) {
            play = "Mengikuti presenter";
        } else if (P.paused) {
            play = "Jeda (spasi untuk putar)";
        } else {
            play = "Putar · " + Math.round(P.intervalMs / 1000) + " detik";
        }
        setText("ly-play", play);
        const playNode = document.getElementById("ly-play");
        if (playNode) { playNode.classList.toggle("ly-paused", P.paused); }
    }

    function show(i, fromPresenter) {
        if (!P.slides.length) { return; }
        const n = P.slides.length;
        const next = ((i % n) + n) % n;
        const changed = next !== P.i;
        P.i = next;
        P.next = Date.now() + P.intervalMs;
        render();
        const f = follow();
        if (changed && !fromPresenter && f && f.isPresenter()) { f.report(); }
    }

    function attach(root) {
        P.root = root;
        P.slides = Array.prototype.slice.call(root.querySelectorAll(".ly-slide"));
        P.intervalMs = (parseInt(root.dataset.interval, 10) || 20) * 1000;
        P.frozen = !!root.dataset.frozen;
        P.next = Date.now() + P.intervalMs;
        const f = follow();
        const wanted = f ? f.wantedSlide() : null;
        P.i = wanted !== null && wanted < P.slides.length ? wanted : 0;
        render();
    }

    function tick() {
        const root = document.getElementById("page-layar");
        const screenTab = isScreenTab();
        document.body.classList.toggle("bigscreen", !!root);  // the dark theme: the big-screen views only
        document.body.classList.toggle("screen-tab", screenTab);
        setText("ly-clock", clockFmt.format(new Date()).replace(/:/g, ".") + " WIB");
        if (!root) { P.root = null; return; }
        if (root !== P.root) { attach(root); }
        const f = follow();
        if (!P.paused && !(f && f.isFollowing()) && Date.now() >= P.next) { show(P.i + 1); }
    }

    function onKey(ev) {
        if (!P.root || ev.ctrlKey || ev.altKey || ev.metaKey) { return; }
        const tag = (ev.target && ev.target.tagName) || "";
        if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || tag === "BUTTON") { return; }
        let step = 0;
        if (ev.key === " " || ev.key === "Spacebar") {
            ev.preventDefault();
            const f = follow();
            if (f && f.isFollowing()) { f.stepOut(); }
            P.paused = !P.paused;
            P.next = Date.now() + P.intervalMs;
            render();
            return;
        }
        if (ev.key === "ArrowRight") { step = 1; } else if (ev.key === "ArrowLeft") { step = -1; } else { return; }
        ev.preventDefault();
        const f = follow();
        if (f && f.isFollowing()) { f.stepOut(); }
        show(P.i + step);
    }

    function applyTexts(ev) {
        if (!P.root || P.frozen) { return; }
        const msg = ev.detail || {};
        const texts = msg.text || {};
        P.root.querySelectorAll("[data-k]").forEach(function (node) {
            const v = texts[node.dataset.k];
            if (typeof v === "string" && node.textContent !== v) { node.textContent = v; }
        });
        const shares = (msg.totals && msg.totals.shares) || null;
        if (shares && msg.contest) {
            for (const [nomor, share] of Object.entries(shares)) {
                const bar = P.root.querySelector('[data-bar="' + msg.contest + "-share-" + nomor + '"]');
                if (bar) { bar.style.width = (share * 100).toFixed(2) + "%"; }
            }
        }
    }

    window.deskLayar = {
        show: function (i) { show(i, true); },
        current: function () { return P.root ? P.i : null; },
        active: function () { return !!P.root; },
    };
    window.addEventListener("keydown", onKey);
    ["recap", "incident", "logistics"].forEach(function (e) { window.addEventListener("desk:" + e, applyTexts); });
    setInterval(tick, TICK_MS);
})();
