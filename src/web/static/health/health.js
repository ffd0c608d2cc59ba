// @ts-check
import { api, access, operation } from "../shared/api.js";
import {
  add,
  el,
  clear,
  notice,
  errorMessage,
  unavailable,
  section,
  fmtDateTime,
  CHANNEL,
  dataTable,
} from "../shared/ui.js";

/** @typedef {import("../shared/types.js").ChannelHealth} ChannelHealth */

/** @param {number | string | null | undefined} sec seconds */
function lagText(sec) {
  if (sec === null || sec === undefined) return "–";
  const s = Number(sec);
  if (s < 120) return `${Math.round(s)} detik`;
  if (s < 7200) return `${Math.round(s / 60)} menit`;
  return `${Math.round(s / 3600)} jam`;
}

/**
 * What a row's "Masalah" cell says. Not configured: plainly, and to the admin which
 * environment variables would configure it.
 */
/** @param {ChannelHealth} c @param {import("../shared/types.js").User} user */
function problemCell(c, user) {
  if (!c.configured) {
    const vars = c.missingConfig || [];
    return el(
      "span",
      { class: "problem", "data-not-configured": "" },
      `${c.label || c.stream} belum dikonfigurasi.`,
      user.role === "admin" && vars.length
        ? el(
            "span",
            { class: "config-vars" },
            " Atur variabel lingkungan ",
            vars.map((v, i) => [i ? ", " : "", el("code", {}, v)]).flat(),
            " di server, lalu jalankan ulang hub.",
          )
        : null,
    );
  }
  // lastError is already plain Bahasa Indonesia (e.g. "Token LAPOR! ditolak (401)…").
  if (!c.healthy) return el("span", { class: "problem" }, c.lastError || "Tidak sehat.");
  return c.openAlerts ? `Baik (${c.openAlerts} peringatan terbuka)` : "Baik";
}

/**
 * @param {ChannelHealth[]} items
 * @param {import("../shared/types.js").User} user
 * @param {string} first the first column's heading
 */
function healthTable(items, user, first) {
  return el(
    "div",
    { class: "table-wrap" },
    dataTable(
      { class: "small-table" },
      [
        first,
        "Sinkron terakhir berhasil",
        "Keterlambatan",
        "Gagal (sinkron terakhir)",
        "Surat mati",
        "Masalah",
      ],
      items.map((c) =>
        el(
          "tr",
          { "data-channel": c.stream },
          el("td", {}, c.label || CHANNEL[c.stream] || c.stream),
          el("td", {}, fmtDateTime(c.lastSuccessAt)),
          el("td", {}, lagText(c.lagSeconds)),
          el("td", { class: "num" }, String((c.lastRun && c.lastRun.failed) ?? 0)),
          el("td", { class: "num" }, String(c.openDeadLetters ?? 0)),
          el("td", {}, problemCell(c, user)),
        ),
      ),
    ),
  );
}

/** @param {HTMLElement} main @param {import("../shared/types.js").PageContext} ctx */
export async function render(main, { user, spec }) {
  const hPath = "/api/v1/channels/health";
  const box = section("Status kanal");
  const checks = section("Pemeriksaan lain");
  const a = access(spec, user, "GET", hPath);
  if (a === "missing") add(box, unavailable("Kesehatan kanal"));
  else if (a === "no")
    add(box, el("p", { class: "muted" }, "Peran Anda tidak dapat melihat kesehatan kanal."));
  else {
    try {
      const r = await api("GET", hPath);
      /** @type {ChannelHealth[]} */
      const items = r.data || [];
      // Channels are how complaints arrive; the audit seal and outgoing mail are checks.
      add(
        box,
        healthTable(
          items.filter((c) => c.kind !== "check"),
          user,
          "Kanal",
        ),
      );
      const other = items.filter((c) => c.kind === "check");
      if (other.length) add(checks, healthTable(other, user, "Pemeriksaan"));
      else add(checks, el("p", { class: "muted" }, "Tidak ada pemeriksaan lain."));
    } catch (e) {
      add(box, notice("error", errorMessage(e)));
    }
  }

  const dl = section("Surat mati (pesan gagal diproses)");
  const dPath = "/api/v1/dead-letters";
  const replayPath = Object.keys(spec.paths || {}).find(
    (p) => p.startsWith("/api/v1/dead-letters/{") && p.endsWith("/replay"),
  );
  const d = access(spec, user, "GET", dPath);
  if (d === "missing") add(dl, unavailable("Daftar surat mati"));
  else if (d === "no")
    add(dl, el("p", { class: "muted" }, "Peran Anda tidak dapat melihat surat mati."));
  else {
    const msg = el("div", { "aria-live": "polite" });
    try {
      const r = await api("GET", dPath);
      const items = Array.isArray(r) ? r : r.data || [];
      const canReplay = replayPath && access(spec, user, "POST", replayPath) === "yes";
      add(
        dl,
        items.length
          ? dataTable(
              { class: "small-table" },
              ["Waktu", "Kanal/sumber", "Alasan", "Percobaan", ""],
              items.map((/** @type {import("../shared/types.js").DeadLetter} */ x) =>
                el(
                  "tr",
                  {},
                  el("td", {}, fmtDateTime(x.createdAt)),
                  el("td", {}, x.source || "–"),
                  el("td", {}, x.error || "–"),
                  el("td", { class: "num" }, String(x.attempts ?? "–")),
                  el(
                    "td",
                    {},
                    canReplay && x.status === "open"
                      ? el(
                          "button",
                          {
                            type: "button",
                            onclick: async (ev) => {
                              clear(msg);
                              ev.target.disabled = true;
                              try {
                                await api(
                                  "POST",
                                  replayPath.replace(/\{[^}]+\}/, encodeURIComponent(x.id)),
                                  operation(spec, "POST", replayPath).requestBody ? {} : undefined,
                                );
                                ev.target.textContent = "Diproses ulang";
                                add(msg, notice("ok", "Pesan dikirim ulang ke antrean."));
                              } catch (e) {
                                ev.target.disabled = false;
                                add(msg, notice("error", errorMessage(e)));
                              }
                            },
                          },
                          "Proses ulang",
                        )
                      : x.status === "replayed"
                        ? `Diproses ulang ${fmtDateTime(x.resolvedAt)}`
                        : "",
                  ),
                ),
              ),
            )
          : el("p", { class: "muted" }, "Tidak ada surat mati."),
        msg,
      );
    } catch (e) {
      add(dl, notice("error", errorMessage(e)));
    }
  }
  add(main, box, checks, dl);
}
