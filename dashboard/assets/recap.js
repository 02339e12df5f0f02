/* Desk Pilkada · Rekapitulasi: apply pushed `recap` messages to the page in the browser.
 *
 * live.js dispatches every recap message (pushed, or fetched again after a gap) as a `desk:recap` window
 * event. Here each one is handed to the page's store {type: "rk-msg", c: contest}; the clientside callbacks
 * registered in callbacks/rekapitulasi.py then derive the numbers of the region on screen (`ingest`) and patch
 * the bar chart, progress bar, time series, table and map. Geometry never travels: the map gets new values.
 * Encodings mirror dashboard/maps.py and dashboard/fmt.py.
 */
(function () {
    "use strict";
    const WIB_MS = 7 * 3600 * 1000;
    const last = {};  // contest → latest recap message seen, for a page rendered while it travelled

    // ------------------------------------------------------------ Indonesian formatting (dashboard/fmt.py)

    function fmtInt(n) {
        if (n === null || n === undefined || Number.isNaN(n)) { return "—"; }
        const sign = n < 0 ? "-" : "";
        return sign + String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    }

    function fmtPct(x, digits) {
        if (x === null || x === undefined || Number.isNaN(x)) { return "—"; }
        return (x * 100).toFixed(digits === undefined ? 2 : digits).replace(".", ",") + " %";
    }

    function wibStamp(iso) {
        const t = Date.parse(iso);
        const d = new Date((Number.isNaN(t) ? Date.now() : t) + WIB_MS);
        return d.toISOString().slice(0, 19).replace("T", " ");
    }

    // ------------------------------------------------------------ totals in one shape

    function fromMessageRow(row, n) {
        // [code, tps_reported, held, janggal, voters, suara_sah, suara_tidak_sah, *votes] (dashboard/messages.py)
        return {
            code: row[0], tps_reported: row[1], held: row[2], janggal: row[3], voters: row[4],
            suara_sah: row[5], suara_tidak_sah: row[6], votes: row.slice(7, 7 + n),
        };
    }

    function fromDict(d, nomor) {
        const votes = d.votes || {};
        return {
            code: d.code, tps_total: d.tps_total, tps_reported: d.tps_reported, held: d.held, janggal: d.janggal,
            dpt_reported: d.dpt_reported, voters: d.voters, suara_sah: d.suara_sah,
            suara_tidak_sah: d.suara_tidak_sah, votes: nomor.map(function (k) { return votes[String(k)] || 0; }),
        };
    }

    function leaderIndex(votes) {
        // 0 before any vote, else 1 + position of the first paslon with the most votes (RegionTotals.leader)
        let best = -1;
        let top = 0;
        votes.forEach(function (v, i) { if (v > top) { top = v; best = i; } });
        return best + 1;
    }

    function shares(t) {
        return t.votes.map(function (v) { return t.suara_sah ? v / t.suara_sah : 0; });
    }

    function depth(code) { return code.split(".").length; }

    function needsRefresh(changed, view) {
        // the region on screen (for a TPS: its desa) changed; when the message names only coarser regions
        // (many changes at once), its ancestor at the deepest level named
        const target = view.level === "tps" ? view.region.slice(0, view.region.lastIndexOf(".")) : view.region;
        if (changed.indexOf(target) >= 0) { return true; }
        const deepest = changed.reduce(function (m, c) { return Math.max(m, depth(c)); }, 0);
        if (!deepest || deepest >= depth(target)) { return false; }
        return changed.indexOf(target.split(".").slice(0, deepest).join(".")) >= 0;
    }

    // ------------------------------------------------------------ page texts and styles

    function setText(id, text) {
        if (document.getElementById(id)) { window.dash_clientside.set_props(id, {children: text}); }
    }

    function plotText(text) {
        // plotly's labels read a little HTML: names always show as written (maps.plot_text)
        return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    }

    function barHover(p, votes, share) {
        return "<b>" + plotText(p.label) + "</b><br>" + fmtInt(votes) + " suara · " + fmtPct(share);
    }

    function regionHover(view, row) {
        // row: the map's customdata [code, name, tps_total, tps_reported, held, janggal, suara_sah, votes…]
        const lines = ["<b>" + plotText(row[1]) + "</b>",
            "TPS masuk " + fmtInt(row[3]) + " / " + fmtInt(row[2])];
        if (row[4] || row[5]) { lines.push("Perlu dicek " + fmtInt(row[4]) + " · Janggal " + fmtInt(row[5])); }
        if (!row[6]) { lines.push("Belum ada suara sah"); }
        view.paslon.forEach(function (p, i) {
            const v = row[7 + i];
            const share = row[6] ? v / row[6] : 0;
            lines.push(plotText(p.short) + ": " + fmtInt(v) + " (" + fmtPct(share) + ")");
        });
        return lines.join("<br>");
    }

    function progressStyle(progress) {
        const p = (progress * 100).toFixed(2) + "%";
        return {background: "linear-gradient(90deg, #d6e6f5 " + p + ", transparent " + p + ")"};
    }

    function leaderStyle(view, votes) {
        const i = leaderIndex(votes);
        return {borderLeft: "6px solid " + (i ? view.paslon[i - 1].color : view.no_votes)};
    }

    function leaderLabel(view, votes) {
        const i = leaderIndex(votes);
        return i ? view.paslon[i - 1].short : "—";
    }

    function headlineTexts(view, t, progress) {
        // the `rk-` ids of a region below the main one (the shell updates the main region's own ids)
        const c = "rk-" + view.contest + "-";
        const s = shares(t);
        setText(c + "reported", fmtInt(t.tps_reported) + " / " + fmtInt(view.tps_total) + " TPS");
        setText(c + "progress", fmtPct(progress));
        setText(c + "held", fmtInt(t.held));
        setText(c + "janggal", fmtInt(t.janggal));
        setText(c + "sah", fmtInt(t.suara_sah));
        setText(c + "tidak-sah", fmtInt(t.suara_tidak_sah));
        setText(c + "turnout", fmtPct(t.dpt_reported ? t.voters / t.dpt_reported : 0));
        view.paslon.forEach(function (p, i) {
            setText(c + "votes-" + p.nomor, fmtInt(t.votes[i]));
            setText(c + "share-" + p.nomor, fmtPct(s[i]));
        });
    }

    // ------------------------------------------------------------ flagged list and TPS versions (panels)

    const panelsSeen = {};  // page view → what its flagged list and TPS versions were last fetched for

    function flagKey(t) { return t.held + "/" + t.janggal; }

    function tpsKey(t) {
        return [t.tps_reported, t.held, t.janggal, t.voters, t.suara_sah, t.suara_tidak_sah].concat(t.votes).join(",");
    }

    function mapColors(view, custom, mode) {
        const nomor = view.paslon.map(function (p) { return p.nomor; });
        const k = nomor.indexOf(parseInt(mode, 10));
        if (mode === "leader" || k < 0) {
            return {
                z: custom.map(function (row) { return leaderIndex(row.slice(7)); }),
                colorscale: view.leader_scale, zmin: -0.5, zmax: nomor.length + 0.5, showscale: false,
            };
        }
        const z = custom.map(function (row) { return row[6] ? Math.round(row[7 + k] / row[6] * 10000) / 100 : 0; });
        return {
            z: z, colorscale: [[0, view.share_low], [1, view.paslon[k].color]],
            zmin: 0, zmax: Math.max.apply(null, [1].concat(z)), showscale: true,
        };
    }

    // ------------------------------------------------------------ the window event → the page's store

    window.addEventListener("desk:recap", function (event) {
        const msg = event.detail;
        if (!msg || !msg.contest) { return; }
        last[msg.contest] = msg;
        const page = document.getElementById("page-rekapitulasi");
        const shown = page ? (page.getAttribute("data-contests") || "").split(" ") : [];
        if (shown.indexOf(msg.contest) >= 0) {
            window.dash_clientside.set_props({type: "rk-msg", c: msg.contest}, {data: msg});
        }
    });

    // ------------------------------------------------------------ clientside callbacks

    const nu = function () { return window.dash_clientside.no_update; };

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        rekap: {
            // message (or, at first render, the latest one seen) → the numbers of the shown region
            ingest: function (msg, view) {
                if (!view) { return nu(); }
                if (!msg) {
                    msg = last[view.contest];
                    if (!msg || Date.parse(msg.as_of) <= Date.parse(view.rendered_at)) { return nu(); }
                }
                if (msg.contest !== view.contest) { return nu(); }
                const nomor = view.paslon.map(function (p) { return p.nomor; });
                const kec = (msg.children || []).map(function (r) { return fromMessageRow(r, nomor.length); });
                const base = {seq: msg.seq, as_of: msg.as_of, kec: kec};
                if (view.region === view.main) {
                    return Object.assign(base, {region: fromDict(msg.totals, nomor), rows: kec});
                }
                // a resync message (after a gap) does not name what changed meanwhile: always refresh
                const resynced = msg.resync === true;
                if (!resynced && !needsRefresh(msg.changed || [], view)) { return base; }
                const url = "/api/v1/recap/" + encodeURIComponent(view.contest) +
                    "?region=" + encodeURIComponent(view.region);
                return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
                    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
                    .then(function (body) {
                        return Object.assign(base, {
                            region: fromDict(body.region, nomor),
                            rows: (body.children || []).map(function (d) { return fromDict(d, nomor); }),
                            fetched: true,  // the shown region (for a TPS: its desa) changed
                        });
                    })
                    .catch(function () { return base; });  // the next message tries again
            },

            // bar chart and progress bar (and, below the main region, the headline texts)
            headline: function (data, view) {
                if (!data || !data.region || !view) { return [nu(), nu()]; }
                const t = data.region;
                const s = shares(t);
                const progress = view.tps_total ? t.tps_reported / view.tps_total : 0;
                const bars = new window.dash_clientside.Patch()
                    .assign(["data", 0, "y"], t.votes)
                    .assign(["data", 0, "text"], t.votes.map(fmtInt))
                    .assign(["data", 0, "hovertext"], view.paslon.map(function (p, i) {
                        return barHover(p, t.votes[i], s[i]);
                    }))
                    .build();
                if (!view.shell) { headlineTexts(view, t, progress); }
                return [bars, {width: (progress * 100).toFixed(2) + "%"}];
            },

            // each paslon's cumulative share: one more point per message
            series: function (data, view) {
                if (!data || !data.region || !view || !view.series || !data.region.suara_sah) { return nu(); }
                const t = data.region;
                const x = wibStamp(data.as_of);
                const patch = new window.dash_clientside.Patch();
                view.paslon.forEach(function (_p, i) {
                    patch.extend(["data", i, "x"], [x]);
                    patch.extend(["data", i, "y"], [Math.round(t.votes[i] / t.suara_sah * 10000) / 100]);
                });
                patch.assign(["layout", "annotations"], []);
                return patch.build();
            },

            // the drill-down rows, cell by cell (the name cell with its link stays)
            table: function (data, view) {
                if (!data || !data.rows || !view || !view.rows.length) { return nu(); }
                const n = view.paslon.length;
                const patch = new window.dash_clientside.Patch();
                let touched = false;
                data.rows.forEach(function (row) {
                    const i = view.rows.indexOf(row.code);
                    if (i < 0) { return; }
                    const total = row.tps_total !== undefined ? row.tps_total : view.totals[i];
                    const progress = total ? row.tps_reported / total : 0;
                    const cells = [fmtInt(row.tps_reported) + " / " + fmtInt(total), fmtPct(progress)]
                        .concat(row.votes.map(fmtInt))
                        .concat([leaderLabel(view, row.votes), fmtInt(row.held), fmtInt(row.janggal)]);
                    const at = [i, "props", "children"];
                    cells.forEach(function (text, k) { patch.assign(at.concat([k + 1, "props", "children"]), text); });
                    patch.assign(at.concat([2, "props", "style"]), progressStyle(progress));
                    patch.assign(at.concat([3 + n, "props", "style"]), leaderStyle(view, row.votes));
                    touched = true;
                });
                return touched ? patch.build() : nu();
            },

            // the kecamatan map: new values (and colours for the chosen mode), never new geometry
            map: function (data, mode, view, figure) {
                const trace = figure && figure.data && figure.data[0];
                if (!trace || !view) { return nu(); }
                let custom = trace.customdata || [];
                if (data && data.kec && data.kec.length) {
                    const byCode = {};
                    data.kec.forEach(function (r) { byCode[r.code] = r; });
                    custom = custom.map(function (row) {
                        const r = byCode[row[0]];
                        return r ? [row[0], row[1], row[2], r.tps_reported, r.held, r.janggal, r.suara_sah]
                            .concat(r.votes) : row;
                    });
                }
                const colors = mapColors(view, custom, mode);
                const patch = new window.dash_clientside.Patch()
                    .assign(["data", 0, "customdata"], custom)
                    .assign(["data", 0, "text"], custom.map(function (row) { return regionHover(view, row); }));
                if (trace.type === "choropleth") {
                    patch.assign(["data", 0, "z"], colors.z)
                        .assign(["data", 0, "colorscale"], colors.colorscale)
                        .assign(["data", 0, "zmin"], colors.zmin)
                        .assign(["data", 0, "zmax"], colors.zmax)
                        .assign(["data", 0, "showscale"], colors.showscale);
                } else {
                    patch.assign(["data", 0, "marker", "color"], colors.z)
                        .assign(["data", 0, "marker", "colorscale"], colors.colorscale)
                        .assign(["data", 0, "marker", "cmin"], colors.zmin)
                        .assign(["data", 0, "marker", "cmax"], colors.zmax)
                        .assign(["data", 0, "marker", "showscale"], colors.showscale);
                }
                return patch.build();
            },

            // the flagged list again when the shown region's counts changed; a TPS's versions (and list) when
            // its desa changed (a held result corrected into another held one changes no count)
            panels: function (data, view) {
                if (!data || !data.region || !view || !document.getElementById("rk-held-body")) { return nu(); }
                const nomor = view.paslon.map(function (p) { return p.nomor; });
                const key = view.contest + "|" + view.region + "|" + view.rendered_at;
                if (!panelsSeen[key]) {
                    const first = fromDict(view.initial || {}, nomor);
                    panelsSeen[key] = {flags: flagKey(first), tps: tpsKey(first), asked: 0};
                }
                const seen = panelsSeen[key];
                const t = data.region;
                const flags = flagKey(t);
                const tps = view.level === "tps" ? tpsKey(t) : seen.tps;
                const tpsTouched = view.level === "tps" && data.fetched === true;
                if (flags === seen.flags && tps === seen.tps && !tpsTouched) { return nu(); }
                const was = {flags: seen.flags, tps: seen.tps};
                Object.assign(seen, {flags: flags, tps: tps, asked: seen.asked + 1});
                const asked = seen.asked;
                const url = "/rekapitulasi/_panels?contest=" + encodeURIComponent(view.contest) +
                    "&region=" + encodeURIComponent(view.region);
                return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
                    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
                    .then(function (body) {
                        if (asked !== seen.asked) { return nu(); }  // a newer fetch is on its way
                        window.dash_clientside.set_props("rk-held-body", {children: body.held});
                        if (body.tps && document.getElementById("rk-tps-body")) {
                            window.dash_clientside.set_props("rk-tps-body", {children: body.tps});
                        }
                        return {seq: data.seq, flags: flags, tps: tps};
                    })
                    .catch(function () {  // the next message tries again
                        if (asked === seen.asked) { Object.assign(seen, was); }
                        return nu();
                    });
            },

            // a click on a kecamatan opens it (the page's own router renders the new address)
            mapClick: function (click, view) {
                const point = click && click.points && click.points[0];
                if (!point || !view) { return nu(); }
                const code = (point.customdata && point.customdata[0]) || point.location;
                if (!code) { return nu(); }
                return "/rekapitulasi?contest=" + encodeURIComponent(view.contest) +
                    "&region=" + encodeURIComponent(code);
            },
        },
    });

    window.deskRecap = {last: last, fmtInt: fmtInt, fmtPct: fmtPct, wibStamp: wibStamp, needsRefresh: needsRefresh};
})();
