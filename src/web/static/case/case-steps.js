// @ts-check
/* global window, document */
// The case page's accountability parts: the history (who did each step, in words, with
// its note), a confirmation before a case is closed, the deadline pause, staff's own
// narasi beside the generated one, and the review of suggested person links.
import { api } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  notice,
  errorMessage,
  section,
  fmtDateTime,
  EVENT,
  STATUS,
  BIDANG,
  FINAL,
} from "../shared/ui.js";

/** @typedef {import("../shared/types.js").Case} Case */
/** @typedef {import("../shared/types.js").CaseEvent} CaseEvent */
/** @typedef {import("../shared/types.js").Finding} Finding */
/** @typedef {import("../shared/types.js").PartyLink} PartyLink */
/** @typedef {import("../shared/types.js").Can} Can */

/** @type {Record<string, string>} */
const DECISION = { audit: "diteruskan dengan audit", dihentikan: "penanganan dihentikan" };

/** What an event's data adds to its label: the new status, the bidang, the decision. */
/** @param {CaseEvent} e */
function detailOf(e) {
  /** @type {Record<string, any>} the event's data, a different shape per type */
  const d = e.data || {};
  const parts = [];
  const to = d.to || (e.type === "status.changed" ? d.status : null);
  if (to) parts.push(`menjadi ${STATUS[to] || to}`);
  if (d.bidang && to === "didisposisi") parts.push(`ke ${BIDANG[d.bidang] || d.bidang}`);
  const decision = d.decision || d.recommendation;
  if (decision) parts.push(`: ${DECISION[decision] || decision}`);
  if (d.kind === "upstream") parts.push("(mengikuti SP4N-LAPOR!)");
  return parts.join(" ");
}

/** The staff's own words on a step: closing reason, telaah note, pause reason. */
/** @param {CaseEvent} e @returns {string | null} */
function noteOf(e) {
  /** @type {Record<string, any>} the event's data, a different shape per type */
  const d = e.data || {};
  return [d.reason, d.note, d.closeReason].find((x) => typeof x === "string" && x.trim()) || null;
}

/** @param {Case} c */
export function timeline(c) {
  const events = [...c.events].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return section(
    "Riwayat",
    events.length
      ? el(
          "ol",
          { class: "timeline", id: "riwayat" },
          events.map((e) => {
            const note = noteOf(e);
            return el(
              "li",
              { "data-event": e.type },
              el("time", { datetime: e.at }, fmtDateTime(e.at)),
              el(
                "p",
                { class: "step" },
                el("strong", {}, EVENT[e.type] || "Langkah lain"),
                detailOf(e) ? ` ${detailOf(e)}` : "",
              ),
              el("p", { class: "actor" }, e.actorName ? `oleh ${e.actorName}` : "oleh sistem"),
              note ? el("blockquote", { class: "note" }, note) : null,
            );
          }),
        )
      : el("p", { class: "muted" }, "Belum ada riwayat."),
  );
}

/** A modal question; resolves true only on the confirming button. */
/** @param {string} title @param {string} text @param {string} yes @returns {Promise<boolean>} */
export function confirmDialog(title, text, yes) {
  return new Promise((resolve) => {
    const dlg = el(
      "dialog",
      { class: "confirm", "aria-labelledby": "konfirmasi-judul" },
      el("h2", { id: "konfirmasi-judul" }, title),
      el("p", {}, text),
    );
    /** @param {boolean} v */
    const done = (v) => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    add(
      dlg,
      el(
        "div",
        { class: "actions" },
        el("button", { type: "button", class: "primary", onclick: () => done(true) }, yes),
        el("button", { type: "button", onclick: () => done(false) }, "Batal"),
      ),
    );
    dlg.addEventListener("cancel", () => done(false));
    document.body.append(dlg);
    dlg.showModal();
  });
}

/** Closing or refusing a case is asked once more, with the reason shown. */
/** @param {Case} c @param {string} to @param {string} reason */
export function confirmTransition(c, to, reason) {
  if (!FINAL.includes(to)) return Promise.resolve(true);
  const what = STATUS[to] || to;
  return confirmDialog(
    `Tutup kasus ${c.number}?`,
    `Status akan menjadi "${what}".${reason ? ` Alasan: ${reason}` : ""} Pelapor diberi tahu sesuai kanalnya.`,
    "Ya, tutup kasus",
  );
}

const PAUSE = "/api/v1/cases/{id}/pause";

/** Deadline pause (waiting for the citizen's documents) and resume. */
/** @param {Case} c @param {string} base the case's API path @param {Can} can */
export function clockSection(c, base, can) {
  if (FINAL.includes(c.status) || can("POST", PAUSE) !== "yes") return null;
  const box = section("Tenggat");
  const msg = el("div", { "aria-live": "polite" });
  /** @param {string} path @param {Record<string, string>} body @param {HTMLButtonElement} button */
  const send = async (path, body, button) => {
    clear(msg);
    button.disabled = true;
    try {
      await api("POST", `${base}/${path}`, { ...body, version: c.version });
      window.location.reload();
    } catch (e) {
      add(msg, notice("error", errorMessage(e)));
      button.disabled = false;
    }
  };
  if (c.pausedSince) {
    const note = el("input", { maxlength: 500 });
    /** @type {HTMLButtonElement} */
    const go = el(
      "button",
      {
        type: "button",
        class: "primary",
        "data-clock": "resume",
        onclick: () => send("resume", note.value.trim() ? { note: note.value.trim() } : {}, go),
      },
      "Lanjutkan tenggat",
    );
    add(
      box,
      el(
        "p",
        { id: "tenggat-berhenti" },
        `Tenggat dihentikan sejak ${fmtDateTime(c.pausedSince)}. Batas waktu bergeser sebanyak hari kerja yang terlewati.`,
      ),
      field("tenggat-catatan", "Catatan (opsional, mis. dokumen sudah diterima)", note),
      el("div", { class: "actions" }, go),
      msg,
    );
    return box;
  }
  const reason = el("input", { maxlength: 500, required: true });
  /** @type {HTMLButtonElement} */
  const go = el(
    "button",
    {
      type: "button",
      "data-clock": "pause",
      onclick: () => {
        if (!reason.value.trim()) {
          add(clear(msg), notice("error", "Tuliskan alasan penghentian tenggat."));
          reason.focus();
          return;
        }
        return send("pause", { reason: reason.value.trim() }, go);
      },
    },
    "Hentikan tenggat sementara",
  );
  add(
    box,
    el("p", { class: "hint" }, "Selama menunggu dokumen dari pelapor, tenggat SOP tidak berjalan."),
    field("tenggat-alasan", "Alasan (mis. menunggu fotokopi KK dari pelapor)", reason),
    el("div", { class: "actions" }, go),
    msg,
  );
  return box;
}

const NARASI = "/api/v1/cases/{id}/findings/{findingId}";

/** Staff's own narasi kept beside the generated text; removing it restores the generated one. */
/** @param {Finding} f @param {string} base @param {Can} can @param {() => Promise<void>} redraw */
export function narasiEditor(f, base, can, redraw) {
  if (can("PATCH", NARASI) !== "yes") return null;
  const wrap = el("div", { class: "narasi-edit" });
  /** @param {string | null} value @param {HTMLButtonElement} button @param {HTMLElement} msg */
  const save = async (value, button, msg) => {
    button.disabled = true;
    try {
      await api("PATCH", `${base}/findings/${f.id}`, { narasiEdited: value });
      await redraw();
    } catch (e) {
      add(clear(msg), notice("error", errorMessage(e)));
      button.disabled = false;
    }
  };
  const open = () => {
    const text = el("textarea", { rows: 4, maxlength: 10000 }, f.narasi);
    const msg = el("div", { "aria-live": "polite" });
    /** @type {HTMLButtonElement} */
    const ok = el(
      "button",
      {
        type: "button",
        class: "primary",
        onclick: () => {
          if (!text.value.trim()) {
            add(clear(msg), notice("error", "Narasi tidak boleh kosong."));
            return;
          }
          return save(text.value.trim(), ok, msg);
        },
      },
      "Simpan narasi",
    );
    add(
      clear(wrap),
      field(`narasi-${f.id}`, "Narasi yang dipakai di laporan", text),
      el(
        "div",
        { class: "actions" },
        ok,
        el("button", { type: "button", onclick: close }, "Batal"),
      ),
      msg,
    );
    text.focus();
  };
  const close = () => {
    const msg = el("div", { "aria-live": "polite" });
    const reset = f.narasiEdited
      ? el(
          "button",
          { type: "button", class: "link", onclick: (ev) => save(null, ev.target, msg) },
          "Kembalikan ke teks otomatis",
        )
      : null;
    add(
      clear(wrap),
      f.narasiEdited
        ? el("p", { class: "muted generated" }, `Teks otomatis: ${f.narasiGenerated}`)
        : null,
      el(
        "div",
        { class: "actions" },
        el("button", { type: "button", class: "link", onclick: open }, "Ubah narasi"),
        reset,
      ),
      msg,
    );
  };
  close();
  return wrap;
}

const LINKS = "/api/v1/cases/{id}/party-links";
/** @type {Record<string, string>} */
const BASIS = {
  phone: "nomor telepon sama",
  wa_id: "nomor WhatsApp sama",
  bsuid: "akun WhatsApp sama",
  email: "alamat e-mail sama",
  nik: "NIK sama",
};
/** @type {Record<string, string>} */
const LINK_STATUS = {
  suggested: "Perlu ditinjau",
  confirmed: "Orang yang sama",
  rejected: "Bukan orang yang sama",
};

/** Suggested person links to other cases: staff confirm or reject; nothing is merged. */
/** @param {Case} c @param {string} base @param {Can} can */
export async function linksSection(c, base, can) {
  if (can("GET", LINKS) !== "yes") return null;
  /** @type {PartyLink[]} */
  let items;
  try {
    items = (await api("GET", `${base}/party-links`)).items;
  } catch (e) {
    return section("Kemungkinan orang yang sama", notice("error", errorMessage(e)));
  }
  if (!items.length) return null;
  const decide = can("POST", "/api/v1/party-links/{id}/confirm") === "yes";
  const box = section("Kemungkinan orang yang sama");
  const msg = el("div", { "aria-live": "polite" });
  /** @param {PartyLink} link @param {"confirm" | "reject"} what @param {HTMLButtonElement} button */
  const act = async (link, what, button) => {
    button.disabled = true;
    try {
      await api("POST", `/api/v1/party-links/${link.id}/${what}`);
      window.location.reload();
    } catch (e) {
      add(clear(msg), notice("error", errorMessage(e)));
      button.disabled = false;
    }
  };
  add(
    box,
    el(
      "p",
      { class: "hint" },
      "Pihak kasus ini mirip dengan pihak di kasus lain. Menandai sebagai orang yang sama tidak menggabungkan data.",
    ),
    el(
      "ul",
      { class: "links", id: "tautan-pihak" },
      items.map((/** @type {PartyLink} */ l) =>
        el(
          "li",
          { "data-link": l.id, "data-link-status": l.status },
          el("a", { href: `/kasus/${l.otherCase.id}` }, l.otherCase.number),
          ` · ${l.otherPartyName || "tanpa nama"} · ${BASIS[l.basis] || l.basis} · `,
          el("span", { class: `badge link-${l.status}` }, LINK_STATUS[l.status] || l.status),
          l.status === "suggested" && decide
            ? el(
                "span",
                { class: "actions" },
                el(
                  "button",
                  { type: "button", onclick: (ev) => act(l, "confirm", ev.target) },
                  "Orang yang sama",
                ),
                el(
                  "button",
                  { type: "button", onclick: (ev) => act(l, "reject", ev.target) },
                  "Bukan",
                ),
              )
            : null,
        ),
      ),
    ),
    msg,
  );
  return box;
}
