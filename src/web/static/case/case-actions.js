// @ts-check
/* global window */
// The status transitions the caller may take (verify, dispose, close…) and the telaah with
// the kadis' audit decision.
import { api, operation } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  options,
  notice,
  errorMessage,
  unavailable,
  section,
  STATUS,
  BIDANG,
  FINAL,
} from "../shared/ui.js";
import { confirmTransition } from "./case-steps.js";

/** @typedef {import("../shared/types.js").Case} Case */
/** @typedef {import("../shared/types.js").Party} Party */
/** @typedef {import("../shared/types.js").Spec} Spec */
/** @typedef {import("../shared/types.js").User} User */
/** @typedef {import("../shared/types.js").Can} Can */
/**
 * A transition as this page reads it: the spec's `{ to, requiresReason… }`, or a bare status.
 * @typedef {{ to: string, requiresReason?: boolean }} Allowed
 */

/** Property names of an operation's JSON request body (one level of $ref resolved). */
/** @param {Spec} spec @param {string} method @param {string} path @returns {Set<string>} */
export function bodyProps(spec, method, path) {
  const op = operation(spec, method, path);
  let s =
    op && op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
  s = s && s.schema;
  /** @param {any} x a schema object of the spec (JSON) */
  const resolve = (x) => {
    if (x && x.$ref) return spec.components.schemas[x.$ref.split("/").pop()];
    return x;
  };
  s = resolve(s);
  const props = new Set();
  /** @param {any} x a schema object of the spec (JSON) */
  const walk = (x) => {
    x = resolve(x);
    if (!x) return;
    Object.keys(x.properties || {}).forEach((k) => props.add(k));
    (x.allOf || []).forEach(walk);
  };
  walk(s);
  return props;
}
/** @param {Set<string>} props @param {string[]} names */
export const pick = (props, names) => names.find((n) => props.has(n));

/** @param {Case} c @param {string} base @param {Spec} spec @param {Can} can */
export async function actionsSection(c, base, spec, can) {
  const box = section("Tindakan");
  const tPath = "/api/v1/cases/{id}/transitions";
  if (can("POST", tPath) === "missing") {
    add(box, unavailable("Verifikasi, disposisi dan penutupan kasus"));
    return box;
  }
  if (can("POST", tPath) === "no") {
    add(box, el("p", { class: "muted" }, "Peran Anda tidak dapat mengubah status kasus."));
    return box;
  }
  /** @type {Allowed[]} */
  let allowed = [];
  /** @type {string | null} */
  let suggested = null;
  if (operation(spec, "GET", tPath)) {
    try {
      const r = await api("GET", `${base}/transitions`);
      const arr = Array.isArray(r) ? r : r.transitions || r.data || r.allowed || [];
      if (r && r.suggestedBidang) suggested = r.suggestedBidang;
      // Any shape a hub answered with (a bare list, `to`/`status`/`toStatus`); the spec's is
      // AllowedTransitions, so `any` for the older ones.
      allowed = arr.map((/** @type {string | Record<string, any>} */ x) =>
        typeof x === "string" ? { to: x } : { ...x, to: x.to || x.status || x.toStatus },
      );
    } catch (e) {
      add(box, notice("error", errorMessage(e)));
      return box;
    }
  }
  if (!allowed.length) {
    add(
      box,
      el(
        "p",
        { class: "muted" },
        "Tidak ada tindakan status yang dapat Anda lakukan pada kasus ini.",
      ),
    );
    return box;
  }
  const props = bodyProps(spec, "POST", tPath);
  const msg = el("div", { "aria-live": "polite" });
  /** @type {Record<string, string>} */
  const LABEL = {
    diverifikasi: "Verifikasi",
    didisposisi: c.status === "didisposisi" ? "Disposisi ulang" : "Disposisi ke bidang",
    ditindaklanjuti: "Tandai ditindaklanjuti",
    selesai: "Tutup: selesai",
    tidak_dapat_ditindaklanjuti: "Tutup: tidak dapat ditindaklanjuti",
  };
  const bidang = el("select", {}, options(BIDANG, { empty: "Pilih bidang" }));
  if (suggested) bidang.value = suggested;
  const reason = el("input", { maxlength: 2000 });
  const needsBidang = allowed.some((a) => a.to === "didisposisi");
  const needsReason = allowed.some(
    (a) => a.requiresReason || a.to === "tidak_dapat_ditindaklanjuti" || FINAL.includes(c.status),
  );
  const buttons = el(
    "div",
    { class: "actions wrap" },
    allowed.map((a) =>
      el(
        "button",
        {
          type: "button",
          class: a.to === "selesai" || a.to === "diverifikasi" ? "primary" : "",
          "data-transition": a.to,
          onclick: async (ev) => {
            clear(msg);
            /** @type {Record<string, string | number>} */
            const body = {};
            body[pick(props, ["to", "status", "toStatus"]) || "to"] = a.to;
            if (a.to === "didisposisi") {
              if (!bidang.value) {
                add(msg, notice("error", "Pilih bidang tujuan disposisi."));
                bidang.focus();
                return;
              }
              body[pick(props, ["bidang"]) || "bidang"] = bidang.value;
            }
            const reasonKey = pick(props, ["reason", "alasan", "note"]);
            if (reason.value.trim() && reasonKey) body[reasonKey] = reason.value.trim();
            const versionKey = pick(props, ["version", "expectedVersion"]);
            if (versionKey) body[versionKey] = c.version;
            if (!(await confirmTransition(c, a.to, reason.value.trim()))) return;
            ev.target.disabled = true;
            try {
              await api("POST", `${base}/transitions`, body);
              window.location.reload();
            } catch (e) {
              add(msg, notice("error", errorMessage(e)));
              ev.target.disabled = false;
            }
          },
        },
        LABEL[a.to] || STATUS[a.to] || a.to,
      ),
    ),
  );
  add(
    box,
    needsBidang
      ? field(
          "t-bidang",
          "Bidang tujuan disposisi",
          bidang,
          suggested ? `Saran sistem: ${suggested}` : null,
        )
      : null,
    needsReason
      ? field("t-alasan", "Alasan (wajib untuk menolak atau membuka ulang)", reason)
      : null,
    buttons,
    msg,
  );
  return box;
}

/** @type {Record<string, string>} */
const TELAAH = { audit: "Diteruskan dengan audit", dihentikan: "Dihentikan" };
const REC_PATH = "/api/v1/cases/{id}/recommendation";
const DECIDE_PATH = "/api/v1/cases/{id}/audit-decision";

// Decree 21/2023: the bidang reports its telaah with a recommendation (audit or
// dihentikan) and the kadis decides on the audit, once, after the telaah.
/** @param {Case} c @param {string} base @param {Spec} spec @param {Can} can */
export function telaahSection(c, base, spec, can) {
  const t = c.telaah || { recommendation: null, decision: null };
  const box = section(
    "Telaah dan keputusan audit",
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, "Rekomendasi telaah"),
      el(
        "dd",
        { id: "telaah-rekomendasi" },
        t.recommendation ? TELAAH[t.recommendation] : "Belum ada",
      ),
      el("dt", {}, "Keputusan Kepala Dinas"),
      el("dd", { id: "telaah-keputusan" }, t.decision ? TELAAH[t.decision] : "Belum diputuskan"),
    ),
  );
  if (t.decision) return box;
  /**
   * @param {string} idPrefix @param {string} key @param {string} label @param {string} noteLabel
   * @param {string} path @param {string} button
   */
  const form = (idPrefix, key, label, noteLabel, path, button) => {
    const choice = el("select", {}, options(TELAAH, { empty: "Pilih" }));
    const note = el("textarea", { rows: 3, maxlength: 2000 });
    const msg = el("div", { "aria-live": "polite" });
    const submit = el(
      "button",
      {
        type: "button",
        onclick: async (ev) => {
          clear(msg);
          if (!choice.value) {
            add(msg, notice("error", `Pilih ${label.toLowerCase()}.`));
            choice.focus();
            return;
          }
          if (!note.value.trim()) {
            add(msg, notice("error", `${noteLabel} wajib diisi.`));
            note.focus();
            return;
          }
          ev.target.disabled = true;
          try {
            await api("POST", `${base}/${path}`, {
              [key]: choice.value,
              note: note.value.trim(),
              version: c.version,
            });
            window.location.reload();
          } catch (e) {
            add(msg, notice("error", errorMessage(e)));
            ev.target.disabled = false;
          }
        },
      },
      button,
    );
    return el(
      "div",
      {},
      field(`${idPrefix}-pilihan`, label, choice),
      field(`${idPrefix}-catatan`, noteLabel, note),
      el("div", { class: "actions" }, submit),
      msg,
    );
  };
  const withBidang = ["didisposisi", "ditindaklanjuti"].includes(c.status);
  if (can("POST", REC_PATH) === "yes" && withBidang) {
    add(
      box,
      form(
        "telaah",
        "recommendation",
        "Rekomendasi",
        "Hasil telaah",
        "recommendation",
        "Laporkan hasil telaah",
      ),
    );
  }
  if (can("POST", DECIDE_PATH) === "yes") {
    add(
      box,
      t.recommendation
        ? form(
            "keputusan",
            "decision",
            "Keputusan",
            "Pertimbangan",
            "audit-decision",
            "Simpan keputusan",
          )
        : el(
            "p",
            { class: "muted" },
            "Keputusan audit diambil setelah Tim Penelaah melaporkan hasil telaah.",
          ),
    );
  }
  return box;
}
