// @ts-check
/* global window */
// The case's jenis, the server's suggestion and the staff's decision on it.
import { api } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  options,
  notice,
  errorMessage,
  section,
  JENIS,
} from "../shared/ui.js";

/** @typedef {import("../shared/types.js").Case} Case */
/** @typedef {import("../shared/types.js").Party} Party */
/** @typedef {import("../shared/types.js").Spec} Spec */
/** @typedef {import("../shared/types.js").User} User */
/** @typedef {import("../shared/types.js").Can} Can */

/** @param {string | null | undefined} code */
export const jenisText = (code) => (code ? JENIS[code] || code : "Belum ditentukan");

/** @type {Record<string, string>} */
const JENIS_DECISION = {
  suggested: "Saran sistem, belum diperiksa petugas",
  accepted: "Saran sistem diterima petugas",
  overridden: "Diubah petugas",
};

/**
 * The jenis, the server's suggestion (case.jenisSuggested) and the decision on it; staff
 * who may edit the case set or correct the jenis through PATCH /cases/{id}, which records
 * whether they accepted the suggestion or overrode it.
 */
/** @param {Case} c @param {string} base @param {Can} can */
export function jenisSection(c, base, can) {
  const box = section(
    "Jenis aduan",
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, "Jenis"),
      el("dd", {}, jenisText(c.jenis)),
      el("dt", {}, "Saran sistem"),
      el("dd", { id: "jenis-saran-sistem" }, c.jenisSuggested ? jenisText(c.jenisSuggested) : "–"),
      el("dt", {}, "Keputusan"),
      el(
        "dd",
        { id: "jenis-keputusan", "data-decision": c.jenisDecision || "" },
        (c.jenisDecision && JENIS_DECISION[c.jenisDecision]) || "–",
      ),
    ),
  );
  if (can("PATCH", "/api/v1/cases/{id}") !== "yes") return box;
  const known = { ...JENIS };
  // A code retired from the catalogue still shows as the case's current value.
  for (const code of [c.jenis, c.jenisSuggested]) if (code && !known[code]) known[code] = code;
  const select = el("select", { name: "jenis" }, options(known, { empty: "Pilih jenis" }));
  select.value = c.jenis || c.jenisSuggested || "";
  const msg = el("div", { "aria-live": "polite" });
  /** @param {string | null | undefined} jenis @param {HTMLButtonElement} button */
  const save = async (jenis, button) => {
    clear(msg);
    if (!jenis) {
      add(msg, notice("error", "Pilih jenis aduan."));
      select.focus();
      return;
    }
    button.disabled = true;
    try {
      await api("PATCH", base, { version: c.version, jenis });
      window.location.reload();
    } catch (e) {
      add(msg, notice("error", errorMessage(e)));
      button.disabled = false;
    }
  };
  const acceptable =
    c.jenisSuggested && (c.jenis !== c.jenisSuggested || c.jenisDecision === "suggested");
  add(
    box,
    field("jenis-pilih", "Ubah jenis", select, "Pilih dari katalog jenis bila saran keliru"),
    el(
      "div",
      { class: "actions wrap" },
      el(
        "button",
        {
          type: "button",
          class: "primary",
          "data-action": "simpan-jenis",
          onclick: (ev) => save(select.value, ev.target),
        },
        "Simpan jenis",
      ),
      acceptable
        ? el(
            "button",
            {
              type: "button",
              "data-action": "terima-saran-jenis",
              onclick: (ev) => save(c.jenisSuggested, ev.target),
            },
            "Terima saran sistem",
          )
        : null,
    ),
    msg,
  );
  return box;
}
