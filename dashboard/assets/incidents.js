/* Desk Pilkada · incidents and logistics in the browser: the high-severity banner on every screen, and the live
 * Kejadian, Logistik and Ringkasan pages.
 *
 * live.js dispatches every `incident` / `logistics` message (pushed, or fetched again after a gap with
 * `resync: true`) as a `desk:incident` / `desk:logistics` window event. Here:
 * - the banner (shell) announces incidents of severity tinggi or kritis: those created after this screen started
 *   listening, until "Mengerti" is pressed on this screen (acknowledged ids kept in sessionStorage), and those
 *   still unverified when it started (listed with the page), until verified, rejected or acknowledged;
 * - each page's store (`kj-msg`, `lg-msg`, `rs-inc-msg`, `rs-log-msg`) gets the message, and the clientside
 *   callbacks of callbacks/kejadian.py, logistik.py and ringkasan.py patch figures, rows and texts. Geometry never
 *   travels: maps get new values only. A message saying `more` (too many changes) or `resync` makes the page
 *   fetch the current state over HTTP (`/api/v1/incidents`, `/api/v1/logistics`).
 * Texts and encodings mirror dashboard/incident_maps.py, layouts/kejadian.py, layouts/logistik.py and
 * layouts/ringkasan.py; numbers use the formatter of recap.js (window.deskRecap).
 */
(function () {
    "use strict";
    const WIB_MS = 7 * 3600 * 1000;
    const GOLDEN_ANGLE = 2.399963229728653;
    const BUFFER = 300;
    const ALERTS_KEY = "desk-alerts";
    const MAX_ALERTS = 4;
    const MAX_ALERTS_BIG = 2;  // on the big screen (body.bigscreen, assets/layar.css): the views must still fit
    const UNVERIFIED = "baru";  // an incident nobody has verified yet (dashboard/catalog.py INCIDENT_STATUSES)
    const MAX_ACKED = 1000;
    const HOVER_CHARS = 120;
    const RESYNC_LIMIT = 500;
    const LATEST_FETCH = 20;
    const recent = {incident: [], logistics: []};  // items seen lately, for a page rendered while they travelled
    let counter = 0;

    const nu = function () { return window.dash_clientside.no_update; };
    const nus = function (n) { return Array.from({length: n}, nu); };

    // ------------------------------------------------------------ formatting (dashboard/fmt.py)

    function fmtInt(n) { return window.deskRecap.fmtInt(n); }
    function fmtPct(x) { return window.deskRecap.fmtPct(x); }

    function fmtWib(iso, withDate) {
        const t = Date.parse(iso);
        if (Number.isNaN(t)) { return "—"; }
        const s = new Date(t + WIB_MS).toISOString();
        const time = s.slice(11, 13) + "." + s.slice(14, 16) + " WIB";
        return withDate ? s.slice(8, 10) + "-" + s.slice(5, 7) + "-" + s.slice(0, 4) + " " + time : time;
    }

    function plotText(text) {
        // plotly's labels read a little HTML: field text always shows as written (maps.plot_text)
        return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    }

    function shorten(text, limit) {
        text = String(text || "");
        return text.length <= limit ? text : text.slice(0, limit - 1).trimEnd() + "…";
    }

    // ------------------------------------------------------------ what pages show, as Dash components or DOM
    //
    // Small, rarely changed parts (the banner, Ringkasan's lists) are set as Dash components. Long lists that
    // change with every message (Kejadian's list, Logistik's board) are drawn as plain DOM in containers Dash
    // renders empty: in Dash 4.4.1 setting component children costs time in proportion to the whole page's
    // layout (a few hundred ms to seconds for a few hundred rows), while DOM updates cost next to nothing. The
    // server renders the first rows as components (the first paint); the page's callback then empties those
    // and takes over. Text always goes in as text (textContent / string children), never as HTML.

    function h(type, props, children) {
        const p = Object.assign({}, props || {});
        if (children !== undefined) { p.children = children; }
        return {type: type, namespace: "dash_html_components", props: p};
    }

    function node(tag, attrs, children) {
        return {tag: tag, attrs: attrs || {}, children: children};
    }

    const DASH_TYPES = {div: "Div", span: "Span", tr: "Tr", td: "Td", ul: "Ul", li: "Li"};

    function toDash(n) {
        if (n === null || n === undefined || typeof n !== "object") { return n; }
        if (Array.isArray(n)) { return n.map(toDash); }
        const props = {};
        Object.keys(n.attrs).forEach(function (k) { props[k === "class" ? "className" : k] = n.attrs[k]; });
        if (n.children !== undefined) { props.children = toDash(n.children); }
        if (n.tag === "a") {
            return {type: "Link", namespace: "dash_core_components", props: props};
        }
        return {type: DASH_TYPES[n.tag], namespace: "dash_html_components", props: props};
    }

    function toDom(n) {
        if (n === null || n === undefined) { return document.createTextNode(""); }
        if (typeof n !== "object") { return document.createTextNode(String(n)); }
        const e = document.createElement(n.tag);
        Object.keys(n.attrs).forEach(function (k) {
            const v = n.attrs[k];
            if (k === "class") { e.className = v; } else if (k === "style") { Object.assign(e.style, v); } else { e.setAttribute(k, v); }
        });
        if (n.tag === "a") { e.setAttribute("data-spa", "1"); }
        [].concat(n.children === undefined ? [] : n.children).forEach(function (c) { e.appendChild(toDom(c)); });
        return e;
    }

    function fill(container, nodes) {
        container.replaceChildren.apply(container, nodes.map(toDom));
    }

    // links drawn as DOM open their page the way dcc.Link does: inside the app, without a reload
    document.addEventListener("click", function (event) {
        const a = event.target && event.target.closest ? event.target.closest("a[data-spa]") : null;
        if (!a || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
        event.preventDefault();
        window.history.pushState({}, "", a.getAttribute("href"));
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        window.scrollTo(0, 0);
    });

    // ------------------------------------------------------------ the reference clock (incident_maps.clock_view)

    const loadedAt = {};

    function clockNow(view) {
        const c = view && view.clock;
        if (!c) { return Date.now(); }
        const key = view.rendered_at || "";
        if (loadedAt[key] === undefined) { loadedAt[key] = Date.now(); }
        let now = Date.parse(c.at) + (Date.now() - loadedAt[key]) * (c.rate || 1);
        if (c.until) { now = Math.min(now, Date.parse(c.until)); }
        return now;
    }

    // ------------------------------------------------------------ incidents: texts (incident_maps.py)

    function isOpen(incident, view) {
        const open = (view && view.open_statuses) || ["baru", "diverifikasi", "ditangani"];
        return open.indexOf(incident.status) >= 0;
    }

    function label(labels, group, key) {
        return (labels && labels[group] && labels[group][key]) || key;
    }

    function placeText(incident) {
        const name = incident.kecamatan_name || incident.kecamatan || "—";
        return incident.tps ? name + " · TPS " + incident.tps.split(".").pop() : name;
    }

    function historyLine(step, labels) {
        const before = step.from ? label(labels, "statuses", step.from) : "—";
        let text = fmtWib(step.at) + " · " + step.actor + ": " + before + " → " + label(labels, "statuses", step.to);
        if (step.note) { text += " — " + step.note; }
        return text;
    }

    function incidentHover(incident, labels) {
        return [
            "<b>#" + incident.id + " · " + plotText(label(labels, "severities", incident.severity)) + " · " +
                plotText(label(labels, "categories", incident.category)) + "</b>",
            plotText(placeText(incident)),
            fmtWib(incident.occurred_at, true) + " · " + plotText(label(labels, "statuses", incident.status)),
            plotText(shorten(incident.description, HOVER_CHARS)),
        ].join("<br>");
    }

    function regionHover(name, count) {
        return "<b>" + plotText(name) + "</b><br>Kejadian terbuka: " + fmtInt(count);
    }

    function jitter(id) {
        const angle = id * GOLDEN_ANGLE;
        const radius = 0.03 * Math.sqrt(((id * 7) % 10 + 1) / 10);
        return [radius * Math.sin(angle), radius * Math.cos(angle)];
    }

    function position(incident, centres) {
        if (incident.latitude !== null && incident.latitude !== undefined &&
            incident.longitude !== null && incident.longitude !== undefined) {
            return [incident.latitude, incident.longitude];
        }
        const centre = centres[incident.kecamatan];
        if (!centre) { return null; }
        const d = jitter(incident.id);
        return [centre[0] + d[0], centre[1] + d[1]];
    }

    function bubbleSize(value, biggest) {
        return biggest > 0 ? 14 + 26 * Math.sqrt(value / biggest) : 14;
    }

    function hourBucket(iso) {
        return new Date(Date.parse(iso) + WIB_MS).toISOString().slice(0, 13).replace("T", " ") + ":00:00";
    }

    function timelineData(records, categories) {
        const per = {};
        const hours = new Set();
        records.forEach(function (r) {
            const hour = hourBucket(r.occurred_at);
            hours.add(hour);
            per[hour + "|" + r.category] = (per[hour + "|" + r.category] || 0) + 1;
        });
        const sorted = Array.from(hours).sort();
        const x = [];
        if (sorted.length) {
            const first = Date.parse(sorted[0].replace(" ", "T") + "Z");
            const last = Date.parse(sorted[sorted.length - 1].replace(" ", "T") + "Z");
            for (let t = first; t <= last; t += 3600 * 1000) {
                x.push(new Date(t).toISOString().slice(0, 19).replace("T", " "));
            }
        }
        const y = {};
        categories.forEach(function (c) { y[c] = x.map(function (hour) { return per[hour + "|" + c] || 0; }); });
        return {x: x, y: y};
    }

    // ------------------------------------------------------------ buffering and dispatch

    function remember(kind, items) {
        const list = recent[kind];
        (items || []).forEach(function (item) { list.push(item); });
        if (list.length > BUFFER) { list.splice(0, list.length - BUFFER); }
    }

    function since(kind, renderedAt) {
        // items changed after a page was rendered that reached the browser before the page did
        const t = Date.parse(renderedAt);
        return recent[kind].filter(function (item) { return Date.parse(item.updated_at) > t; });
    }

    function fetchJson(url) {
        return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); });
    }

    // Each page keeps a queue of entries ({items: [...]} or {reset: [...]}) for its clientside callback. The
    // store only wakes the callback (Dash may fold several wakes into one run); the callback takes the whole
    // queue, so nothing is lost or applied twice, and it never waits for the network: fetches after a gap are
    // made here and queued when they answer.
    const queues = {kejadian: [], logistik: [], rsInc: [], rsLog: []};
    const stores = {
        kejadian: ["page-kejadian", "kj-msg"], logistik: ["page-logistik", "lg-msg"],
        rsInc: ["page-ringkasan", "rs-inc-msg"], rsLog: ["page-ringkasan", "rs-log-msg"],
    };

    function onScreen(name) {
        // a dcc.Store has no element of its own: the page's container says whether it is on screen
        return !!document.getElementById(stores[name][0]);
    }

    function wake(name, entry) {
        if (!onScreen(name)) { queues[name] = []; return; }
        queues[name].push(entry);
        window.dash_clientside.set_props(stores[name][1], {data: ++counter});
    }

    function take(name) {
        const out = queues[name];
        queues[name] = [];
        return out;
    }

    function resyncIncidents() {
        if (onScreen("kejadian") && kj) {
            const view = kj.view;
            const url = "/api/v1/incidents?updated_since=" + encodeURIComponent(view.rendered_at) +
                "&limit=" + RESYNC_LIMIT;
            fetchJson(url).then(function (body) {
                const list = body.incidents || [];
                if (list.length < RESYNC_LIMIT) {
                    if (list.length) { wake("kejadian", {items: list.reverse()}); }
                    return null;
                }
                return fetchJson(kejadianQuery(view)).then(function (all) {
                    wake("kejadian", {reset: all.incidents || []});
                });
            }).catch(function () { /* the next message or heartbeat tries again */ });
        }
        if (onScreen("rsInc")) {
            fetchJson("/api/v1/incidents?limit=" + LATEST_FETCH).then(function (body) {
                wake("rsInc", {items: (body.incidents || []).reverse()});
            }).catch(function () {});
        }
    }

    function resyncLogistics() {
        if (!onScreen("logistik") && !onScreen("rsLog")) { return; }
        fetchJson("/api/v1/logistics").then(function (body) {
            wake("logistik", {items: body.lines || []});
            wake("rsLog", {items: body.lines || []});
        }).catch(function () {});
    }

    window.addEventListener("desk:incident", function (event) {
        const msg = event.detail || {};
        const items = msg.items || [];
        remember("incident", items);
        if (items.length) {
            wake("kejadian", {items: items});
            wake("rsInc", {items: items});
        }
        if (msg.resync || msg.more) { resyncIncidents(); }
        alerts.receive(msg);
    });

    window.addEventListener("desk:logistics", function (event) {
        const msg = event.detail || {};
        const items = msg.items || [];
        remember("logistics", items);
        if (items.length) {
            wake("logistik", {items: items});
            wake("rsLog", {items: items});
        }
        if (msg.resync || msg.more) { resyncLogistics(); }
    });

    window.addEventListener("desk:recap", function (event) {
        const msg = event.detail;
        if (!msg || !msg.contest || !msg.totals) { return; }
        const id = "rs-fill-" + msg.contest;
        if (document.getElementById(id)) {
            const progress = msg.totals.progress || 0;
            window.dash_clientside.set_props(id, {style: {width: (progress * 100).toFixed(2) + "%"}});
        }
    });

    // ------------------------------------------------------------ the banner (layouts/shell.alert_banner)

    const alerts = (function () {
        // The banner lists, newest first, the severe incidents still unverified ("baru") that this screen has not
        // acknowledged: "early" ones (stored before the screen opened) and new ones (stored since). Each leaves
        // the banner on "Mengerti" on that screen, or on every screen once it is verified or rejected (someone
        // took it up; an unattended big screen would otherwise pile up alerts nobody acknowledges there).
        // State per screen in sessionStorage: {since, pending: [summary + early], acked: [ids]}.
        let meta = null;

        function load() {
            try {
                const s = JSON.parse(window.sessionStorage.getItem(ALERTS_KEY));
                if (s && Array.isArray(s.pending) && Array.isArray(s.acked)) { return s; }
            } catch (e) { /* unreadable: start again */ }
            return {since: null, pending: [], acked: []};
        }

        function save(s) {
            if (s.acked.length > MAX_ACKED) { s.acked = s.acked.slice(-MAX_ACKED); }
            try { window.sessionStorage.setItem(ALERTS_KEY, JSON.stringify(s)); } catch (e) { /* full: keep in memory */ }
        }

        function whenText(iso) {
            // the time alone on the day it happened, with its date before that day (WIB)
            const day = function (t) { return new Date(t + WIB_MS).toISOString().slice(0, 10); };
            const t = Date.parse(iso);
            return fmtWib(iso, !Number.isNaN(t) && day(t) !== day(Date.now()));
        }

        function item(a) {
            const labels = meta.labels;
            const state = a.early ? "Belum diverifikasi" : label(labels, "statuses", a.status);
            return h("Div", {className: "alert-item alert-" + a.severity + (a.early ? " alert-early" : ""),
                             id: "alert-item-" + a.id}, [
                h("Span", {className: "alert-sev"}, label(labels, "severities", a.severity).toUpperCase()),
                h("Span", {className: "alert-place"}, placeText(a)),
                h("Span", {className: "alert-cat"}, label(labels, "categories", a.category)),
                h("Span", {className: "alert-time"}, whenText(a.occurred_at) + " · " + state),
                h("Span", {className: "alert-desc"}, a.description),
                h("Button", {id: "alert-ack-" + a.id, className: "alert-ack", n_clicks: 0, title: "Tandai sudah dibaca di layar ini"},
                    "Mengerti"),
            ]);
        }

        function title(pending) {
            const n = pending.length;
            const early = pending.filter(function (a) { return a.early; }).length;
            if (!early) {
                return n === 1 ? "Kejadian baru tingkat tinggi/kritis" : fmtInt(n) + " kejadian baru tingkat tinggi/kritis";
            }
            if (early === n) {
                return n === 1 ? "Kejadian tingkat tinggi/kritis belum diverifikasi" :
                    fmtInt(n) + " kejadian tingkat tinggi/kritis belum diverifikasi";
            }
            return fmtInt(n) + " kejadian tingkat tinggi/kritis: " + fmtInt(n - early) + " baru, " + fmtInt(early) +
                " belum diverifikasi";
        }

        function newestFirst(a, b) {
            return (Date.parse(b.created_at) || 0) - (Date.parse(a.created_at) || 0) || b.id - a.id;
        }

        function view(s) {
            const pending = s.pending;
            if (!meta || !pending.length) { return [[], "alert-banner hidden"]; }
            const shown = pending.slice().sort(newestFirst).slice(0, MAX_ALERTS);
            const children = [h("Div", {className: "alert-title"}, title(pending))].concat(shown.map(item));
            // the big screen shows fewer: the rest are marked, and each screen says how many it leaves out
            shown.forEach(function (a, k) { if (k >= MAX_ALERTS_BIG) { children[k + 1].props.className += " alert-extra"; } });
            if (pending.length > MAX_ALERTS) {
                children.push(h("Div", {className: "alert-more alert-more-desk"},
                    "dan " + fmtInt(pending.length - MAX_ALERTS) + " lainnya"));
            }
            if (pending.length > MAX_ALERTS_BIG) {
                children.push(h("Div", {className: "alert-more alert-more-big"},
                    "dan " + fmtInt(pending.length - MAX_ALERTS_BIG) + " lainnya"));
            }
            if (pending.length > 1) {
                children.push(h("Button", {id: "alert-ack-all", className: "alert-ack alert-ack-all", n_clicks: 0},
                    "Mengerti semua"));
            }
            const worst = pending.some(function (a) { return a.severity === "kritis"; }) ? "kritis" : "tinggi";
            return [children, "alert-banner alert-banner-" + worst];
        }

        function show(s) {
            const v = view(s);
            window.dash_clientside.set_props("alert-banner", {children: v[0], className: v[1]});
        }

        function summary(i, early) {
            return {
                id: i.id, severity: i.severity, category: i.category, status: i.status, kecamatan: i.kecamatan,
                kecamatan_name: i.kecamatan_name, tps: i.tps, occurred_at: i.occurred_at, created_at: i.created_at,
                updated_at: i.updated_at, description: i.description, early: early,
            };
        }

        function merge(s, items) {
            // take incidents (pushed, fetched or listed with the page) into the state; true when it changed
            const start = Date.parse(s.since || meta.since);
            let changed = false;
            (items || []).forEach(function (i) {
                if (!i || meta.severe.indexOf(i.severity) < 0 || s.acked.indexOf(i.id) >= 0) { return; }
                const at = s.pending.findIndex(function (p) { return p.id === i.id; });
                if (at >= 0) {
                    const known = s.pending[at];
                    if (Date.parse(i.updated_at) < Date.parse(known.updated_at)) { return; }  // an older state
                    if (i.updated_at === known.updated_at && i.status === known.status) { return; }  // the same again
                    if (i.status !== UNVERIFIED) {
                        s.pending.splice(at, 1);  // taken up (or rejected): no longer waiting for anyone
                        s.acked.push(i.id);  // and never back: no status returns to baru
                    } else {
                        s.pending[at] = summary(i, known.early);
                    }
                    changed = true;
                } else if (i.status === UNVERIFIED) {
                    s.pending.push(summary(i, Date.parse(i.created_at) < start));
                    changed = true;
                }
            });
            return changed;
        }

        function consider(items) {
            if (!meta || !items || !items.length) { return; }
            const s = load();
            if (merge(s, items)) { save(s); show(s); }
        }

        function acknowledge(id) {
            const s = load();
            const ids = id === "all" ? s.pending.map(function (p) { return p.id; }) : [id];
            s.pending = s.pending.filter(function (p) { return ids.indexOf(p.id) < 0; });
            ids.forEach(function (i) { if (s.acked.indexOf(i) < 0) { s.acked.push(i); } });
            save(s);
            show(s);
        }

        document.addEventListener("click", function (event) {
            const button = event.target && event.target.closest ? event.target.closest(".alert-ack") : null;
            if (!button || !button.id) { return; }
            const rest = button.id.replace("alert-ack-", "");
            acknowledge(rest === "all" ? "all" : parseInt(rest, 10));
        });

        return {
            restore: function (data) {
                if (!data) { return nus(2); }
                meta = data;
                const s = load();
                if (!s.since) { s.since = data.since; }
                // the page came with every severe incident still unverified: an earlier one missing from it was
                // verified or rejected meanwhile (while this screen reloaded)
                const listed = (data.unhandled || []).map(function (i) { return i.id; });
                s.pending = s.pending.filter(function (p) { return !p.early || listed.indexOf(p.id) >= 0; });
                merge(s, data.unhandled);
                save(s);
                return view(s);
            },
            receive: function (msg) {
                if (!meta) { return; }
                if (msg.resync || msg.more) {
                    const s = load();
                    const url = "/api/v1/incidents?severity=" + encodeURIComponent(meta.severe.join(",")) +
                        "&updated_since=" + encodeURIComponent(s.since || meta.since) + "&limit=100";
                    fetchJson(url).then(function (body) { consider(body.incidents); }).catch(function () {});
                }
                consider(msg.items);
            },
            state: load,
        };
    })();

    // ------------------------------------------------------------ Kejadian (layouts/kejadian.py)

    let kj = null;  // {key, view, byId: id → compact incident (all matching), order: ids listed, fresh}

    function compact(i) {
        return {
            id: i.id, occurred_at: i.occurred_at, created_at: i.created_at, kecamatan: i.kecamatan,
            kecamatan_name: i.kecamatan_name, tps: i.tps, latitude: i.latitude, longitude: i.longitude,
            stage: i.stage, category: i.category, severity: i.severity, status: i.status, description: i.description,
        };
    }

    function matches(i, f) {
        const keys = ["category", "severity", "status", "stage", "kecamatan"];
        for (const k of keys) {
            if (f[k] && f[k].length && f[k].indexOf(i[k]) < 0) { return false; }
        }
        return !f.since || Date.parse(i.occurred_at) >= Date.parse(f.since);
    }

    function kejadianRow(i, view) {
        // layouts/kejadian.incident_row
        const labels = view.labels;
        const open = isOpen(i, view);
        const last = [
            node("div", {class: "desc"}, i.description),
            node("ul", {class: "history"}, (i.history || []).map(function (step) { return node("li", {}, historyLine(step, labels)); })),
        ];
        if (view.can_edit && open) { last.push(node("a", {href: "/input?incident=" + i.id, class: "kj-edit"}, "Ubah status")); }
        return node("tr", {id: "kj-row-" + i.id, class: "kj-row kj-" + i.severity + (open ? "" : " kj-closed")}, [
            node("td", {}, [node("div", {class: "kj-id"}, "#" + i.id), node("div", {class: "kj-when"}, fmtWib(i.occurred_at, true))]),
            node("td", {}, placeText(i)),
            node("td", {}, label(labels, "categories", i.category)),
            node("td", {}, node("span", {class: "sev sev-" + i.severity}, label(labels, "severities", i.severity))),
            node("td", {}, node("span", {class: "kj-status kj-status-" + i.status}, label(labels, "statuses", i.status))),
            node("td", {}, label(labels, "stages", i.stage)),
            node("td", {}, last),
        ]);
    }

    function kejadianState(view) {
        if (!kj || kj.key !== view.rendered_at) {
            const byId = new Map();
            view.incidents.forEach(function (i) { byId.set(i.id, i); });
            kj = {key: view.rendered_at, byId: byId, order: view.listed.map(function (i) { return i.id; }), fresh: true};
        }
        kj.view = view;
        return kj;
    }

    function newer(a, b) {
        // list order: arrival (created_at) then id, newest first
        const ta = Date.parse(a.created_at), tb = Date.parse(b.created_at);
        return ta !== tb ? ta > tb : a.id > b.id;
    }

    function kejadianFigures(st, view) {
        const records = Array.from(st.byId.values()).sort(function (a, b) { return a.id - b.id; });
        const counts = {};
        records.forEach(function (r) { if (isOpen(r, view)) { counts[r.kecamatan] = (counts[r.kecamatan] || 0) + 1; } });
        const values = view.regions.map(function (c) { return counts[c] || 0; });
        const biggest = Math.max.apply(null, [1].concat(values));
        const map = new window.dash_clientside.Patch();
        if (view.polygons) {
            map.assign(["data", 0, "z"], values).assign(["data", 0, "zmax"], biggest);
        } else {
            map.assign(["data", 0, "marker", "color"], values)
                .assign(["data", 0, "marker", "cmax"], biggest)
                .assign(["data", 0, "marker", "size"], values.map(function (v) { return bubbleSize(v, biggest); }));
        }
        map.assign(["data", 0, "text"], view.regions.map(function (c) { return regionHover(view.names[c] || c, counts[c] || 0); }));
        const placed = [];
        records.forEach(function (r) {
            const p = position(r, view.centres);
            if (p) { placed.push([r, p]); }
        });
        map.assign(["data", 1, "lat"], placed.map(function (x) { return x[1][0]; }))
            .assign(["data", 1, "lon"], placed.map(function (x) { return x[1][1]; }))
            .assign(["data", 1, "marker", "color"], placed.map(function (x) {
                return view.severity_colors[x[0].severity] || "#607d8b";
            }))
            .assign(["data", 1, "marker", "symbol"], placed.map(function (x) {
                return isOpen(x[0], view) ? "circle" : "circle-open";
            }))
            .assign(["data", 1, "customdata"], placed.map(function (x) { return [x[0].id]; }))
            .assign(["data", 1, "text"], placed.map(function (x) { return incidentHover(x[0], view.labels); }));

        const categories = Object.keys(view.labels.categories);
        const t = timelineData(records, categories);
        const timeline = new window.dash_clientside.Patch();
        categories.forEach(function (c, k) {
            timeline.assign(["data", k, "x"], t.x).assign(["data", k, "y"], t.y[c])
                .assign(["data", k, "showlegend"], t.y[c].some(function (v) { return v > 0; }));
        });
        if (t.x.length) { timeline.assign(["layout", "annotations"], []); }
        return [map.build(), timeline.build(), fmtInt(records.length), records.length ? "muted hidden" : "muted"];
    }

    function kejadianItems(st, view, items, body) {
        // fold incidents into the state and the list's rows (`body`, the DOM tbody, in step with st.order)
        items.forEach(function (item) {
            if (!item || item.id === undefined) { return; }
            const had = st.byId.has(item.id);
            const ok = matches(item, view.filters);
            if (ok) { st.byId.set(item.id, compact(item)); } else { st.byId.delete(item.id); }
            const at = st.order.indexOf(item.id);
            if (at >= 0) {
                if (ok) {
                    body.replaceChild(toDom(kejadianRow(item, view)), body.children[at]);
                } else {
                    body.removeChild(body.children[at]);
                    st.order.splice(at, 1);
                }
            } else if (ok && !had) {
                let k = 0;
                while (k < st.order.length && !newer(item, st.byId.get(st.order[k]) || item)) { k += 1; }
                if (k < view.list_limit) {
                    body.insertBefore(toDom(kejadianRow(item, view)), body.children[k] || null);
                    st.order.splice(k, 0, item.id);
                    if (st.order.length > view.list_limit) {
                        body.removeChild(body.children[st.order.length - 1]);
                        st.order.pop();
                    }
                }
            }
        });
    }

    function kejadianReset(st, view, list, body) {
        // everything again (after a long gap)
        st.byId = new Map();
        list.forEach(function (i) { st.byId.set(i.id, compact(i)); });
        const shown = list.slice(0, view.list_limit);
        st.order = shown.map(function (i) { return i.id; });
        fill(body, shown.map(function (i) { return kejadianRow(i, view); }));
    }

    function kejadianQuery(view) {
        const f = view.filters;
        const params = new URLSearchParams();
        ["category", "severity", "status", "stage", "kecamatan"].forEach(function (k) {
            if (f[k] && f[k].length) { params.set(k, f[k].join(",")); }
        });
        if (f.since) { params.set("since", f.since); }
        params.set("limit", String(view.state_limit));
        return "/api/v1/incidents?" + params.toString();
    }

    function pageHref(path, params) {
        const q = new URLSearchParams();
        Object.keys(params).forEach(function (k) {
            const v = params[k];
            const text = Array.isArray(v) ? v.join(",") : (v === null || v === undefined ? "" : String(v));
            if (text) { q.set(k, text); }
        });
        const s = q.toString();
        return s ? path + "?" + s : path;
    }

    function retry(name) {
        // the page's containers are not drawn yet: wake its callback again in a moment
        window.setTimeout(function () {
            if (onScreen(name)) { window.dash_clientside.set_props(stores[name][1], {data: ++counter}); }
        }, 50);
    }

    // ------------------------------------------------------------ Logistik (layouts/logistik.py)

    const states = {complete: "lengkap", short: "kurang", late: "terlambat", waiting: "menunggu"};

    function lineState(l, now, cutoff) {
        if (l.status === "kurang" || l.status === "rusak" || (l.status === "diterima" && l.received < l.needed)) {
            return states.short;
        }
        if (l.status === "diterima") { return states.complete; }
        if (cutoff !== null && now >= cutoff) { return states.late; }
        return states.waiting;
    }

    function readiness(lines) {
        let need = 0, got = 0;
        lines.forEach(function (l) {
            need += l.needed;
            if (l.status !== "rusak") { got += Math.min(l.received, l.needed); }
        });
        return need ? got / need : 0;
    }

    function fromRow(r) {
        // [kecamatan, item, needed, received, status, updated_at, updated_by] (logistik.line_data) or a line dict
        if (Array.isArray(r)) {
            return {kecamatan_code: r[0], item: r[1], needed: r[2], received: r[3], status: r[4], updated_at: r[5], updated_by: r[6]};
        }
        return {kecamatan_code: r.kecamatan_code, item: r.item, needed: r.needed, received: r.received,
            status: r.status, updated_at: r.updated_at, updated_by: r.updated_by};
    }

    function linesState(holder, view) {
        if (!holder.st || holder.st.key !== view.rendered_at) {
            const lines = new Map();
            view.lines.forEach(function (r) { const l = fromRow(r); lines.set(l.kecamatan_code + "/" + l.item, l); });
            const cutoff = view.cutoff ? Date.parse(view.cutoff) : null;
            holder.st = {key: view.rendered_at, lines: lines, cutoff: cutoff, past: null, fresh: true};
            holder.st.past = cutoff !== null && clockNow(view) >= cutoff;
        }
        return holder.st;
    }

    function takeLines(st, view, name) {
        // fold the queued lines (and, at first render, those that changed meanwhile) into the state; the
        // kecamatan changed, all of them when the cut-off has just passed, null when nothing did
        const entries = take(name);
        if (st.fresh) {
            st.fresh = false;
            entries.unshift({items: since("logistics", view.rendered_at)});
        }
        const past = st.cutoff !== null && clockNow(view) >= st.cutoff;
        const crossed = past !== st.past;
        st.past = past;
        const changed = new Set();
        entries.forEach(function (e) { applyLines(st, e.items || []).forEach(function (c) { changed.add(c); }); });
        if (crossed) { return new Set(view.kecamatan); }
        return changed.size ? changed : null;
    }

    function applyLines(st, items) {
        const changed = new Set();
        items.forEach(function (item) {
            const l = fromRow(item);
            const key = l.kecamatan_code + "/" + l.item;
            const was = st.lines.get(key);
            if (!was) { return; }
            if (was.received !== l.received || was.status !== l.status || was.updated_at !== l.updated_at) {
                st.lines.set(key, l);
                changed.add(l.kecamatan_code);
            }
        });
        return changed;
    }

    function lineSummary(st, now) {
        const out = {lines: 0, lengkap: 0, kurang: 0, terlambat: 0, menunggu: 0};
        st.lines.forEach(function (l) { out.lines += 1; out[lineState(l, now, st.cutoff)] += 1; });
        out.readiness = readiness(Array.from(st.lines.values()));
        return out;
    }

    function summaryTexts(s) {
        return {
            done: fmtInt(s.lengkap) + " / " + fmtInt(s.lines), late: fmtInt(s.terlambat),
            short: fmtInt(s.kurang), waiting: fmtInt(s.menunggu),
        };
    }

    function bar(fraction) {
        return node("div", {class: "lg-bar"}, node("div", {class: "lg-fill", style: {width: (fraction * 100).toFixed(2) + "%"}}));
    }

    function readyCell(fraction) {
        return node("td", {class: "lg-ready"}, [node("div", {class: "lg-pct"}, fmtPct(fraction)), bar(fraction)]);
    }

    function lineCell(l, state, view) {
        // layouts/logistik.line_cell
        if (!l) { return node("td", {class: "lg-cell lg-none"}, "—"); }
        const title = "Pembaruan " + fmtWib(l.updated_at, true) + " oleh " + l.updated_by;
        return node("td", {class: "lg-cell lg-" + state, title: title}, [
            node("div", {class: "lg-num"}, fmtInt(l.received) + " / " + fmtInt(l.needed)),
            node("div", {class: "lg-st"}, view.status_labels[l.status] || l.status),
            node("div", {class: "lg-time"}, fmtWib(l.updated_at)),
        ]);
    }

    function kecamatanLines(st, code) {
        const out = [];
        st.lines.forEach(function (l) { if (l.kecamatan_code === code) { out.push(l); } });
        return out;
    }

    function logistikRow(st, view, code, now) {
        // layouts/logistik.kecamatan_row
        const lines = {};
        kecamatanLines(st, code).forEach(function (l) { lines[l.item] = l; });
        const cells = view.items.map(function (item) {
            const l = lines[item];
            return lineCell(l, l ? lineState(l, now, st.cutoff) : null, view);
        });
        return node("tr", {id: "lg-row-" + code, class: "lg-row"},
            [node("td", {class: "lg-name"}, view.names[code] || code), readyCell(readiness(Object.values(lines)))].concat(cells));
    }

    function itemRows(st, view) {
        // layouts/logistik.item_rows
        const all = Array.from(st.lines.values());
        return view.items.map(function (item) {
            const group = all.filter(function (l) { return l.item === item; });
            let received = 0, needed = 0;
            group.forEach(function (l) {
                needed += l.needed;
                if (l.status !== "rusak") { received += Math.min(l.received, l.needed); }
            });
            const fraction = readiness(group);
            return node("div", {class: "lg-item-row"}, [
                node("span", {class: "lg-item-name"}, view.item_labels[item] || item),
                bar(fraction),
                node("span", {class: "lg-item-num"}, fmtInt(received) + " / " + fmtInt(needed)),
                node("span", {class: "lg-item-pct"}, fmtPct(fraction)),
            ]);
        });
    }

    function attentionRows(st, view, now) {
        // layouts/logistik.attention_rows
        const flagged = [];
        st.lines.forEach(function (l) {
            const s = lineState(l, now, st.cutoff);
            if (s === states.short || s === states.late) { flagged.push([s, l]); }
        });
        flagged.sort(function (a, b) {
            const ra = a[0] === states.short ? 0 : 1, rb = b[0] === states.short ? 0 : 1;
            if (ra !== rb) { return ra - rb; }
            if (a[1].kecamatan_code !== b[1].kecamatan_code) { return a[1].kecamatan_code < b[1].kecamatan_code ? -1 : 1; }
            return a[1].item < b[1].item ? -1 : (a[1].item > b[1].item ? 1 : 0);
        });
        const rows = flagged.slice(0, view.attention_limit).map(function (x) {
            const s = x[0], l = x[1];
            return node("tr", {class: "lg-attn lg-" + s}, [
                node("td", {}, view.names[l.kecamatan_code] || l.kecamatan_code),
                node("td", {}, view.item_labels[l.item] || l.item),
                node("td", {class: "num"}, fmtInt(l.received) + " / " + fmtInt(l.needed)),
                node("td", {}, node("span", {class: "lg-flag lg-flag-" + s}, view.state_labels[s] || s)),
                node("td", {}, view.status_labels[l.status] || l.status),
                node("td", {}, fmtWib(l.updated_at)),
            ]);
        });
        if (flagged.length > view.attention_limit) {
            rows.push(node("tr", {}, node("td", {colspan: 6}, "dan " + fmtInt(flagged.length - view.attention_limit) + " baris lainnya")));
        }
        return rows;
    }

    function readinessHover(name, fraction) {
        return "<b>" + plotText(name) + "</b><br>Kesiapan logistik: " + fmtPct(fraction);
    }

    const lg = {st: null};
    const LG_LIVE = ["lg-live-rows", "lg-items-live", "lg-attn-live"];

    function logistikDraw(st, view, changed) {
        // the board's rows (all, or those of `changed` kecamatan), the items, the list, texts and the map
        const now = clockNow(view);
        const body = document.getElementById("lg-live-rows");
        view.kecamatan.forEach(function (code, i) {
            if (changed === null || changed.has(code) || !body.children[i]) {
                const row = toDom(logistikRow(st, view, code, now));
                if (body.children[i]) { body.replaceChild(row, body.children[i]); } else { body.appendChild(row); }
            }
        });
        fill(document.getElementById("lg-items-live"), itemRows(st, view));
        const attention = attentionRows(st, view, now);
        fill(document.getElementById("lg-attn-live"), attention);
        const texts = summaryTexts(lineSummary(st, now));
        [["lg-done", texts.done], ["lg-late", texts.late], ["lg-short", texts.short], ["lg-waiting", texts.waiting]]
            .forEach(function (pair) { window.dash_clientside.set_props(pair[0], {children: pair[1]}); });
        const fractions = {};
        view.regions.forEach(function (code) { fractions[code] = readiness(kecamatanLines(st, code)); });
        const values = view.regions.map(function (c) { return Math.round(fractions[c] * 10000) / 100; });
        const map = new window.dash_clientside.Patch();
        map.assign(view.polygons ? ["data", 0, "z"] : ["data", 0, "marker", "color"], values)
            .assign(["data", 0, "text"], view.regions.map(function (c) { return readinessHover(view.names[c] || c, fractions[c]); }));
        return [map.build(), attention.length ? "muted hidden" : "muted"];
    }

    // ------------------------------------------------------------ Ringkasan (layouts/ringkasan.py)

    const rs = {st: null, latest: null};

    function latestItem(i, labels) {
        // layouts/ringkasan.latest_item
        return node("li", {class: "rs-latest-item kj-" + i.severity}, [
            node("span", {class: "rs-sev sev sev-" + i.severity}, label(labels, "severities", i.severity)),
            node("span", {class: "rs-when"}, fmtWib(i.occurred_at, true)),
            node("span", {class: "rs-place"}, placeText(i)),
            node("span", {class: "rs-desc"}, i.description),
        ]);
    }

    function ringkasanLogistics(st, view) {
        const s = lineSummary(st, clockNow(view));
        const t = summaryTexts(s);
        return [{width: (s.readiness * 100).toFixed(2) + "%"}, t.done, t.late, t.short, t.waiting, toDash(itemRows(st, view))];
    }

    // ------------------------------------------------------------ clientside callbacks

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        alerts: {restore: alerts.restore},

        kejadian: {
            // also at first render: take over the list from the server's rows, with what changed meanwhile
            apply: function (_wake, view) {
                if (!view) { return nus(5); }
                const body = document.getElementById("kj-live-rows");
                if (!body) { retry("kejadian"); return nus(5); }
                const st = kejadianState(view);
                const entries = take("kejadian");
                let first = nu();
                if (st.fresh) {
                    st.fresh = false;
                    fill(body, view.listed.map(function (i) { return kejadianRow(i, view); }));
                    first = [];  // the server's rows make way for the browser's
                    entries.unshift({items: since("incident", view.rendered_at)});
                }
                let any = false;
                entries.forEach(function (e) {
                    if (e.reset) { kejadianReset(st, view, e.reset, body); any = true; }
                    if (e.items && e.items.length) { kejadianItems(st, view, e.items, body); any = true; }
                });
                if (!any) { return [nu(), nu(), first, nu(), nu()]; }
                const f = kejadianFigures(st, view);
                return [f[0], f[1], first, f[2], f[3]];
            },

            filter: function (category, severity, status, stage, kecamatan, hours) {
                return pageHref("/kejadian", {
                    category: category, severity: severity, status: status, stage: stage, kecamatan: kecamatan,
                    hours: hours,
                });
            },

            click: function (click, view) {
                const point = click && click.points && click.points[0];
                if (!point || !view) { return nu(); }
                if (point.curveNumber === 1 && point.customdata) {
                    const row = document.getElementById("kj-row-" + point.customdata[0]);
                    if (row) {
                        row.scrollIntoView({block: "center", behavior: "smooth"});
                        row.classList.add("kj-picked");
                        window.setTimeout(function () { row.classList.remove("kj-picked"); }, 2500);
                    }
                    return nu();
                }
                const code = point.customdata && point.customdata[0];
                if (!code) { return nu(); }
                const f = Object.assign({}, view.filters, {kecamatan: [code]});
                delete f.since;
                return pageHref("/kejadian", f);
            },
        },

        logistik: {
            // also at first render: take over the board, the items and the list from the server's components
            apply: function (_wake, _tick, view) {
                if (!view) { return nus(5); }
                if (LG_LIVE.some(function (id) { return !document.getElementById(id); })) { retry("logistik"); return nus(5); }
                const st = linesState(lg, view);
                const fresh = st.fresh;
                const changed = takeLines(st, view, "logistik");
                if (fresh) {
                    const drawn = logistikDraw(st, view, null);
                    return [drawn[0], [], [], [], drawn[1]];
                }
                if (changed === null) { return nus(5); }
                const drawn = logistikDraw(st, view, changed);
                return [drawn[0], nu(), nu(), nu(), drawn[1]];
            },
        },

        ringkasan: {
            incidents: function (_wake, view) {
                if (!view) { return nus(2); }
                if (!rs.latest || rs.latest.key !== view.rendered_at) {
                    rs.latest = {key: view.rendered_at, items: (view.latest_items || []).slice(), fresh: true};
                }
                const st = rs.latest;
                const entries = take("rsInc");
                if (st.fresh) {
                    st.fresh = false;
                    entries.unshift({items: since("incident", view.rendered_at)});
                }
                const items = [].concat.apply([], entries.map(function (e) { return e.items || []; }));
                if (!items.length) { return nus(2); }
                items.forEach(function (i) {
                    const at = st.items.findIndex(function (x) { return x.id === i.id; });
                    if (at >= 0) { st.items[at] = compact(i); } else { st.items.push(compact(i)); }
                });
                st.items.sort(function (a, b) { return newer(a, b) ? -1 : 1; });
                st.items = st.items.slice(0, view.latest);
                return [toDash(st.items.map(function (i) { return latestItem(i, view.labels); })),
                    st.items.length ? "muted hidden" : "muted"];
            },

            logistics: function (_wake, _tick, view) {
                if (!view) { return nus(6); }
                const st = linesState(rs, view);
                const changed = takeLines(st, view, "rsLog");
                return changed === null ? nus(6) : ringkasanLogistics(st, view);
            },
        },
    });

    window.deskIncidents = {
        fmtWib: fmtWib, jitter: jitter, position: position, hourBucket: hourBucket, timelineData: timelineData,
        lineState: lineState, readiness: readiness, matches: matches, pageHref: pageHref, placeText: placeText,
        historyLine: historyLine, incidentHover: incidentHover, alerts: alerts,
    };
})();
