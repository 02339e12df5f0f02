/* Desk Pilkada · C1 form: sums and rule checks while the operator types, and the photo's first check.
 *
 * Runs in the browser (clientside callbacks registered in callbacks/c1_form.py): typing costs no request.
 * The checks and their words mirror dashboard/rules.py `check_result` (DESIGN §5); the server applies the
 * same rules again when the form is saved, and its verdict is the one that counts.
 */
(function () {
    "use strict";
    const RESERVE = 0.025;
    const JANGGAL_SHARE = 0.95;
    const JANGGAL_TURNOUT = 0.95;
    const MAX_PHOTO = 5 * 1024 * 1024;
    const PHOTO_TYPES = ["data:image/jpeg;", "data:image/png;"];

    function fmtInt(n) { return window.deskRecap.fmtInt(n); }
    function fmtPct(x) { return window.deskRecap.fmtPct(x); }

    function printed(dpt) { return Math.ceil(dpt * (1 + RESERVE) - 1e-9); }

    function isCount(v) { return typeof v === "number" && Number.isInteger(v) && v >= 0; }

    function item(text, kind) {
        return {type: "Li", namespace: "dash_html_components", props: {children: text, className: "c1-check-" + kind}};
    }

    /* Read the form: counts, what is missing, what is not a whole number. */
    function readForm(votes, sah, tidakSah, hadir, ids) {
        const form = {votes: [], missing: [], invalid: []};
        ids.forEach(function (id, i) {
            const v = votes[i];
            const name = "Paslon " + id.nomor;
            if (v === null || v === undefined || v === "") { form.missing.push(name); return; }
            if (!isCount(v)) { form.invalid.push(name); return; }
            form.votes.push([id.nomor, v]);
        });
        [["Suara sah", sah, "sah"], ["Suara tidak sah", tidakSah, "tidakSah"], ["Pemilih yang hadir", hadir, "hadir"]]
            .forEach(function (f) {
                const v = f[1];
                if (v === null || v === undefined || v === "") {
                    form[f[2]] = null;
                    if (f[2] === "tidakSah") { form.missing.push(f[0]); }
                } else if (!isCount(v)) {
                    form[f[2]] = null;
                    form.invalid.push(f[0]);
                } else {
                    form[f[2]] = v;
                }
            });
        form.totalSah = form.votes.reduce(function (a, kv) { return a + kv[1]; }, 0);
        form.ballots = form.totalSah + (form.tidakSah || 0);
        form.voters = form.hadir !== null ? form.hadir : form.ballots;
        return form;
    }

    /* DESIGN §5 as rules.py words it: reject (too many ballots), hold (numbers disagree), mark (janggal). */
    function verdict(form, dpt) {
        const out = {errors: [], holds: [], marks: []};
        const limit = printed(dpt);
        if (form.ballots > limit) {
            out.errors.push("surat suara terpakai (" + fmtInt(form.ballots) + " = sah " + fmtInt(form.totalSah) +
                " + tidak sah " + fmtInt(form.tidakSah || 0) + ") melebihi surat suara tercetak " + fmtInt(limit) +
                " (DPT " + fmtInt(dpt) + " + 2,5 %)");
            return out;
        }
        if (form.sah !== null && form.sah !== form.totalSah) {
            out.holds.push("Suara sah tertulis " + fmtInt(form.sah) + ", tetapi jumlah suara paslon " +
                fmtInt(form.totalSah) + ".");
        }
        if (form.hadir !== null && form.hadir !== form.ballots) {
            out.holds.push("Pemilih yang hadir " + fmtInt(form.hadir) + ", tetapi suara sah + tidak sah " +
                fmtInt(form.ballots) + ".");
        }
        if (dpt > 0 && form.voters > dpt) {
            out.holds.push("Partisipasi " + fmtPct(form.voters / dpt) + ": " + fmtInt(form.voters) +
                " pemilih hadir dari DPT " + fmtInt(dpt) + ".");
        }
        if (form.totalSah > 0 && dpt > 0 && form.voters / dpt >= JANGGAL_TURNOUT) {
            let top = form.votes[0];
            form.votes.forEach(function (kv) { if (kv[1] > top[1]) { top = kv; } });
            if (top[1] / form.totalSah >= JANGGAL_SHARE) {
                out.marks.push("Paslon " + top[0] + " meraih " + fmtPct(top[1] / form.totalSah) +
                    " suara sah pada partisipasi " + fmtPct(form.voters / dpt) + ".");
            }
        }
        return out;
    }

    function check(votes, sah, tidakSah, hadir, ids, meta) {
        ids = ids || [];
        votes = votes || [];
        const form = readForm(votes, sah, tidakSah, hadir, ids);
        const dpt = meta && typeof meta.dpt === "number" ? meta.dpt : null;
        const turnout = dpt ? fmtPct(form.voters / dpt) : "—";
        const ballots = fmtInt(form.ballots) + (dpt !== null ? " dari " + fmtInt(printed(dpt)) + " tercetak" : "");
        const sums = [fmtInt(form.totalSah), ballots, turnout];
        const items = form.invalid.map(function (n) { return item(n + ": harus bilangan bulat tidak negatif", "error"); });
        if (dpt === null) {
            return sums.concat(["Pilih TPS untuk memeriksa angka terhadap DPT-nya.", "muted", items]);
        }
        const v = verdict(form, dpt);
        v.errors.forEach(function (m) { items.push(item(m, "error")); });
        v.holds.forEach(function (m) { items.push(item(m, "hold")); });
        v.marks.forEach(function (m) { items.push(item(m, "mark")); });
        if (form.missing.length) { items.push(item("Belum diisi: " + form.missing.join(", ") + ".", "missing")); }
        let text, cls;
        if (form.invalid.length || v.errors.length) {
            text = "Akan ditolak: tidak disimpan sampai angkanya diperbaiki."; cls = "notice notice-error";
        } else if (form.missing.length) {
            text = "Belum lengkap."; cls = "muted";
        } else if (v.holds.length) {
            text = "Akan disimpan, tetapi perlu dicek: tidak masuk hitungan sampai dikonfirmasi."; cls = "notice notice-denied";
        } else {
            text = v.marks.length ? "Akan dihitung, ditandai janggal." : "Akan dihitung."; cls = "notice notice-ok";
        }
        return sums.concat([text, cls, items]);
    }

    function photo(contents, name) {
        if (!contents) { return [null, "Belum ada foto dipilih.", "muted"]; }
        const comma = contents.indexOf(",");
        const encoded = comma >= 0 ? contents.length - comma - 1 : 0;
        const size = Math.floor(encoded * 3 / 4);
        const mb = (size / (1024 * 1024)).toFixed(1).replace(".", ",") + " MB";
        if (!PHOTO_TYPES.some(function (p) { return contents.startsWith(p); })) {
            return [null, "Foto C1: harus gambar JPEG atau PNG.", "notice notice-error"];
        }
        if (size > MAX_PHOTO) {
            return [null, "Foto C1: paling besar 5 MB (berkas ini " + mb + ").", "notice notice-error"];
        }
        return [{contents: contents}, "Foto dipilih: " + String(name || "foto") + " (" + mb + ") — disimpan bersama hasil.",
            "muted"];
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {c1: {check: check, photo: photo}});
})();
