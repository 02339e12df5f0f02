/* Desk Pilkada · incidents and logistics in the browser: the high-severity banner on every screen, and the live
 * Kejadian, Logistik and Ringkasan pages.
 *
 * live.js dispatches every `incident` / `logistics` message (pushed, or fetched again after a gap with
 * `resync: true`) as a `desk:incident` / `desk:logistics` window event. Here:
 * - the banner (shell) announces incidents of severity tinggi or kritis created after this screen started
 *   listening, until "Mengerti" is pressed on this screen (acknowledged ids kept in sessionStorage);
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

    // ------------------------------------------------------------ Dash components as data (text is never HTML)

    function h(type, props, children) {
        const p = Object.assign({}, props || {});
        if (children !== undefined) { p.children = children; }
        return {type: type, namespace: "dash_html_components", props: p};
    }

    function link(href, text, className) {
        return {type: "Link", namespace: "dash_core_components", props: {href: href, children: text, className: className}};
    }

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

        function item(a) {
            const labels = meta.labels;
            return h("Div", {className: "alert-item alert-" + a.severity, id: "alert-item-" + a.id}, [
                h("Span", {className: "alert-sev"}, label(labels, "severities", a.severity).toUpperCase()),
                h("Span", {className: "alert-place"}, placeText(a)),
                h("Span", {className: "alert-cat"}, label(labels, "categories", a.category)),
                h("Span", {className: "alert-time"}, fmtWib(a.occurred_at) + " · " +
                    label(labels, "statuses", a.status)),
                h("Span", {className: "alert-desc"}, a.description),
                h("Button", {id: "alert-ack-" + a.id, className: "alert-ack", n_clicks: 0, title: "Tandai sudah dibaca di layar ini"},
                    "Mengerti"),
            ]);
        }

        function view(s) {
            const pending = s.pending;
            if (!meta || !pending.length) { return [[], "alert-banner hidden"]; }
            const shown = pending.slice(-MAX_ALERTS).reverse();  // newest first
            const title = pending.length === 1 ? "Kejadian baru tingkat tinggi/kritis" :
                fmtInt(pending.length) + " kejadian baru tingkat tinggi/kritis";
            const children = [h("Div", {className: "alert-title"}, title)].concat(shown.map(item));
            if (pending.length > MAX_ALERTS) {
                children.push(h("Div", {className: "alert-more"},
                    "dan " + fmtInt(pending.length - MAX_ALERTS) + " lainnya"));
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

        function summary(i) {
            return {
                id: i.id, severity: i.severity, category: i.category, status: i.status, kecamatan: i.kecamatan,
                kecamatan_name: i.kecamatan_name, tps: i.tps, occurred_at: i.occurred_at, description: i.description,
            };
        }

        function consider(items) {
            if (!meta || !items || !items.length) { return; }
            const s = load();
            const start = Date.parse(s.since || meta.since);
            let changed = false;
            items.forEach(function (i) {
                if (!i || meta.severe.indexOf(i.severity) < 0 || s.acked.indexOf(i.id) >= 0) { return; }
                const at = s.pending.findIndex(function (p) { return p.id === i.id; });
                if (at >= 0) {
                    s.pending[at] = summary(i);
                    changed = true;
                } else if (Date.parse(i.created_at) >= start) {
                    s.pending.push(summary(i));
                    changed = true;
                }
            });
            if (changed) { save(s); show(s); }
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
                if (!s.since) { s.since = data.since; save(s); }
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

    let kj = null;  // {key, byId, order}

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
        const labels = view.labels;
        const history = (i.history || []).map(function (step) { return h("Li", {}, historyLine(step, labels)); });
        const last = [h("Div", {className: "desc"}, i.description), h("Ul", {className: "history"}, history)];
        if (view.can_edit && isOpen(i, view)) {
            last.push(link("/input?incident=" + i.id, "Ubah status", "kj-edit"));
        }
        return h("Tr", {id: "kj-row-" + i.id, className: "kj-row kj-" + i.severity + (isOpen(i, view) ? "" : " kj-closed")}, [
            h("Td", {}, [h("Div", {className: "kj-id"}, "#" + i.id), h("Div", {className: "kj-when"}, fmtWib(i.occurred_at, true))]),
            h("Td", {}, placeText(i)),
            h("Td", {}, label(labels, "categories", i.category)),
            h("Td", {}, h("Span", {className: "sev sev-" + i.severity}, label(labels, "severities", i.severity))),
            h("Td", {}, h("Span", {className: "kj-status kj-status-" + i.status}, label(labels, "statuses", i.status))),
            h("Td", {}, label(labels, "stages", i.stage)),
            h("Td", {}, last),
        ]);
    }

    function kejadianState(view) {
        if (!kj || kj.key !== view.rendered_at) {
            const byId = new Map();
            view.incidents.forEach(function (i) { byId.set(i.id, i); });
            kj = {key: view.rendered_at, byId: byId, order: view.order.slice(), fresh: true};
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

    function kejadianItems(st, view, items, rows, full) {
        // fold incidents into the state; `rows` (a Patch of the list) records the row changes when given
        items.forEach(function (item) {
            if (!item || item.id === undefined) { return; }
            if (full) { full.set(item.id, item); }
            const had = st.byId.has(item.id);
            const ok = matches(item, view.filters);
            if (ok) { st.byId.set(item.id, compact(item)); } else { st.byId.delete(item.id); }
            const at = st.order.indexOf(item.id);
            if (at >= 0) {
                if (ok) {
                    if (rows) { rows.assign([at], kejadianRow(item, view)); }
                } else {
                    if (rows) { rows.delete([at]); }
                    st.order.splice(at, 1);
                }
            } else if (ok && !had) {
                let k = 0;
                while (k < st.order.length && !newer(item, st.byId.get(st.order[k]) || item)) { k += 1; }
                if (k < view.list_limit) {
                    if (rows) { rows.insert([], k, kejadianRow(item, view)); }
                    st.order.splice(k, 0, item.id);
                    if (st.order.length > view.list_limit) {
                        if (rows) { rows.delete([st.order.length - 1]); }
                        st.order.pop();
                    }
                }
            }
        });
    }

    function kejadianApply(st, view, entries) {
        let last = -1;
        entries.forEach(function (e, k) { if (e.reset) { last = k; } });
        if (last < 0) {
            const items = [].concat.apply([], entries.map(function (e) { return e.items || []; }));
            if (!items.length) { return nus(5); }
            const rows = new window.dash_clientside.Patch();
            kejadianItems(st, view, items, rows, null);
            const figures = kejadianFigures(st, view);
            const skip = window.__kjSkip || {};
            return [skip.map ? nu() : figures[0], skip.timeline ? nu() : figures[1], skip.rows ? nu() : rows.build(), figures[2], figures[3]];
        }
        // everything again (after a long gap): the list is rebuilt from what was fetched and what came after it
        const list = entries[last].reset;
        const full = new Map();
        st.byId = new Map();
        list.forEach(function (i) { st.byId.set(i.id, compact(i)); full.set(i.id, i); });
        st.order = list.slice(0, view.list_limit).map(function (i) { return i.id; });
        entries.slice(last + 1).forEach(function (e) { kejadianItems(st, view, e.items || [], null, full); });
        const figures = kejadianFigures(st, view);
        const rows = st.order.filter(function (id) { return full.has(id); })
            .map(function (id) { return kejadianRow(full.get(id), view); });
        return [figures[0], figures[1], rows, figures[2], figures[3]];
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
        // kecamatan changed, all of them (null set) when the cut-off has just passed, null when nothing did
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

    function readyCell(fraction) {
        return h("Td", {className: "lg-ready"}, [
            h("Div", {className: "lg-pct"}, fmtPct(fraction)),
            h("Div", {className: "lg-bar"}, h("Div", {className: "lg-fill", style: {width: (fraction * 100).toFixed(2) + "%"}})),
        ]);
    }

    function lineCell(l, state, view) {
        if (!l) { return h("Td", {className: "lg-cell lg-none"}, "—"); }
        const title = "Pembaruan " + fmtWib(l.updated_at, true) + " oleh " + l.updated_by;
        return h("Td", {className: "lg-cell lg-" + state, title: title}, [
            h("Div", {className: "lg-num"}, fmtInt(l.received) + " / " + fmtInt(l.needed)),
            h("Div", {className: "lg-st"}, view.status_labels[l.status] || l.status),
            h("Div", {className: "lg-time"}, fmtWib(l.updated_at)),
        ]);
    }

    function kecamatanLines(st, code) {
        const out = [];
        st.lines.forEach(function (l) { if (l.kecamatan_code === code) { out.push(l); } });
        return out;
    }

    function logistikRow(st, view, code, now) {
        const lines = {};
        kecamatanLines(st, code).forEach(function (l) { lines[l.item] = l; });
        const cells = view.items.map(function (item) {
            const l = lines[item];
            return lineCell(l, l ? lineState(l, now, st.cutoff) : null, view);
        });
        return h("Tr", {id: "lg-row-" + code, className: "lg-row"},
            [h("Td", {className: "lg-name"}, view.names[code] || code), readyCell(readiness(Object.values(lines)))].concat(cells));
    }

    function itemRows(st, view) {
        const all = Array.from(st.lines.values());
        return view.items.map(function (item) {
            const group = all.filter(function (l) { return l.item === item; });
            let received = 0, needed = 0;
            group.forEach(function (l) {
                needed += l.needed;
                if (l.status !== "rusak") { received += Math.min(l.received, l.needed); }
            });
            const fraction = readiness(group);
            return h("Div", {className: "lg-item-row"}, [
                h("Span", {className: "lg-item-name"}, view.item_labels[item] || item),
                h("Div", {className: "lg-bar"}, h("Div", {className: "lg-fill", style: {width: (fraction * 100).toFixed(2) + "%"}})),
                h("Span", {className: "lg-item-num"}, fmtInt(received) + " / " + fmtInt(needed)),
                h("Span", {className: "lg-item-pct"}, fmtPct(fraction)),
            ]);
        });
    }

    function attentionRows(st, view, now) {
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
            return h("Tr", {className: "lg-attn lg-" + s}, [
                h("Td", {}, view.names[l.kecamatan_code] || l.kecamatan_code),
                h("Td", {}, view.item_labels[l.item] || l.item),
                h("Td", {className: "num"}, fmtInt(l.received) + " / " + fmtInt(l.needed)),
                h("Td", {}, h("Span", {className: "lg-flag lg-flag-" + s}, view.state_labels[s] || s)),
                h("Td", {}, view.status_labels[l.status] || l.status),
                h("Td", {}, fmtWib(l.updated_at)),
            ]);
        });
        if (flagged.length > view.attention_limit) {
            rows.push(h("Tr", {}, h("Td", {colSpan: 6}, "dan " + fmtInt(flagged.length - view.attention_limit) + " baris lainnya")));
        }
        return rows;
    }

    function readinessHover(name, fraction) {
        return "<b>" + plotText(name) + "</b><br>Kesiapan logistik: " + fmtPct(fraction);
    }

    const lg = {st: null};

    function logistikOutputs(st, view, changed) {
        const now = clockNow(view);
        const rows = new window.dash_clientside.Patch();
        view.kecamatan.forEach(function (code, i) {
            if (changed === null || changed.has(code)) { rows.assign([i], logistikRow(st, view, code, now)); }
        });
        const fractions = {};
        view.regions.forEach(function (code) { fractions[code] = readiness(kecamatanLines(st, code)); });
        const values = view.regions.map(function (c) { return Math.round(fractions[c] * 10000) / 100; });
        const map = new window.dash_clientside.Patch();
        map.assign(view.polygons ? ["data", 0, "z"] : ["data", 0, "marker", "color"], values)
            .assign(["data", 0, "text"], view.regions.map(function (c) { return readinessHover(view.names[c] || c, fractions[c]); }));
        const texts = summaryTexts(lineSummary(st, now));
        [["lg-done", texts.done], ["lg-late", texts.late], ["lg-short", texts.short], ["lg-waiting", texts.waiting]]
            .forEach(function (pair) {
                if (document.getElementById(pair[0])) { window.dash_clientside.set_props(pair[0], {children: pair[1]}); }
            });
        const attention = attentionRows(st, view, now);
        return [map.build(), rows.build(), itemRows(st, view), attention, attention.length ? "muted hidden" : "muted"];
    }

    // ------------------------------------------------------------ Ringkasan (layouts/ringkasan.py)

    const rs = {st: null, latest: null};

    function latestItem(i, labels) {
        return h("Li", {className: "rs-latest-item kj-" + i.severity}, [
            h("Span", {className: "rs-sev sev sev-" + i.severity}, label(labels, "severities", i.severity)),
            h("Span", {className: "rs-when"}, fmtWib(i.occurred_at, true)),
            h("Span", {className: "rs-place"}, placeText(i)),
            h("Span", {className: "rs-desc"}, i.description),
        ]);
    }

    // ------------------------------------------------------------ clientside callbacks

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        alerts: {restore: alerts.restore},

        kejadian: {
            // also at first render: incidents that changed while the page was on its way
            apply: function (_wake, view) {
                if (!view) { return nus(5); }
                const st = kejadianState(view);
                const entries = take("kejadian");
                if (st.fresh) {
                    st.fresh = false;
                    entries.unshift({items: since("incident", view.rendered_at)});
                }
                return kejadianApply(st, view, entries);
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
            apply: function (_wake, _tick, view) {
                if (!view) { return nus(5); }
                const st = linesState(lg, view);
                const changed = takeLines(st, view, "logistik");
                if (changed === null) { return nus(5); }
                return logistikOutputs(st, view, changed);
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
                return [st.items.map(function (i) { return latestItem(i, view.labels); }),
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

    function ringkasanLogistics(st, view) {
        const s = lineSummary(st, clockNow(view));
        const t = summaryTexts(s);
        return [{width: (s.readiness * 100).toFixed(2) + "%"}, t.done, t.late, t.short, t.waiting, itemRows(st, view)];
    }

    window.deskIncidents = {
        fmtWib: fmtWib, jitter: jitter, position: position, hourBucket: hourBucket, timelineData: timelineData,
        lineState: lineState, readiness: readiness, matches: matches, pageHref: pageHref, placeText: placeText,
        historyLine: historyLine, incidentHover: incidentHover, alerts: alerts,
    };
})();
