// @ts-check
/* global document */
// The case's parties as the API masks them for the caller's role, the note saying what is
// shown, and the reveal forms (a stated purpose, audited by the API).
import { api, access } from "../shared/api.js";
import { add, el, clear, field, options, notice, errorMessage } from "../shared/ui.js";

/** @typedef {import("../shared/types.js").Case} Case */
/** @typedef {import("../shared/types.js").Party} Party */
/** @typedef {import("../shared/types.js").Spec} Spec */
/** @typedef {import("../shared/types.js").User} User */
/** @typedef {import("../shared/types.js").Can} Can */

// issue 15: the note says what this page shows, read from the parties as the API sent them
// (the API decides the masking per role and flag), never a fixed sentence.
/** @param {Case} c @param {boolean} canReveal */
export function maskingNote(c, canReveal) {
  const parts = [];
  const hidden = c.parties.filter((p) => p.identityHidden);
  if (hidden.length)
    parts.push(
      c.rahasia
        ? "Identitas pelapor dirahasiakan: nama, telepon, surel, NIK, dan alamat tidak ditampilkan."
        : "Pelapor anonim: nama, telepon, surel, NIK, dan alamat tidak ditampilkan.",
    );
  const shown = c.parties.filter((p) => !p.identityHidden);
  if (shown.some((p) => p.nikMasked)) parts.push("NIK ditampilkan tersamar.");
  const phones = shown.filter((p) => p.phone);
  if (phones.some((p) => p.phone?.includes("*"))) parts.push("Nomor telepon tersamar.");
  else if (phones.length) parts.push("Nomor telepon ditampilkan lengkap untuk peran Anda.");
  if (canReveal && shown.some((p) => p.nikMasked || (p.phone && p.phone.includes("*"))))
    parts.push("Membuka nilai lengkap wajib menyebut keperluan dan dicatat.");
  return parts.join(" ") || "Tidak ada data pribadi pihak yang ditampilkan.";
}

export const REVEAL = "/api/v1/cases/{id}/parties/{partyId}/reveal";
const REVEAL_IDENTITY = "/api/v1/cases/{id}/reveal-identity";

/** @param {Case} c @param {Party} p @param {Spec} spec @param {User} user @returns {HTMLLIElement} */
export function partyItem(c, p, spec, user) {
  if (p.identityHidden) {
    return el(
      "li",
      { "data-identity-hidden": "" },
      el("strong", {}, "Pelapor: "),
      el("em", { class: "muted" }, p.name || "Anonim"),
      p.identityRevealable && access(spec, user, "POST", REVEAL_IDENTITY) === "yes"
        ? identityRevealControls(c, spec, user)
        : null,
    );
  }
  return el(
    "li",
    {},
    el("strong", {}, p.role === "pelapor" ? "Pelapor: " : "Atas nama: "),
    p.name || "(tanpa nama)",
    el(
      "span",
      { class: "muted" },
      [
        p.nikMasked ? ` · NIK ${p.nikMasked}` : "",
        p.phone ? ` · ${p.phone}` : "",
        // A WhatsApp sender known by a username only (issue 19): no phone number to show.
        !p.phone && p.bsuid ? " · WhatsApp (nama pengguna)" : "",
        p.email ? ` · ${p.email}` : "",
        p.alamat ? ` · ${p.alamat}` : "",
        p.desa || p.kecamatan ? ` · ${[p.desa, p.kecamatan].filter(Boolean).join(", ")}` : "",
      ].join(""),
    ),
    revealControls(c, p, spec, user),
  );
}

// A rahasia pelapor is masked for everyone; koordinator and kadis open it with a stated
// purpose, and the API records every opening.
/** @param {Case} c @param {Spec} spec @param {User} user */
function identityRevealControls(c, spec, user) {
  const purpose = el("input", { maxlength: 300, autocomplete: "off" });
  const out = el("span", { "aria-live": "polite" });
  const form = el(
    "form",
    { class: "inline reveal", novalidate: true },
    field(`rv-identity-${c.id}`, "Keperluan membuka identitas", purpose),
    el(
      "div",
      { class: "actions" },
      el("button", { type: "submit", class: "small" }, "Tampilkan identitas"),
    ),
    out,
  );
  const box = el("details", {}, el("summary", {}, "Tampilkan identitas"), form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(out);
    if (purpose.value.trim().length < 5) {
      add(out, notice("error", "Tulis keperluannya (minimal 5 huruf)."));
      purpose.focus();
      return;
    }
    try {
      const r = await api("POST", `/api/v1/cases/${c.id}/reveal-identity`, {
        purpose: purpose.value.trim(),
      });
      const li = box.closest("li");
      const list = li && li.parentElement;
      if (list) {
        list.querySelectorAll("li[data-identity-hidden]").forEach((x) => x.remove());
        list.prepend(...r.parties.map((/** @type {Party} */ p) => partyItem(c, p, spec, user)));
      }
      const kep = document.getElementById("keperluan");
      if (kep) kep.textContent = r.keperluan;
    } catch (e) {
      add(out, notice("error", errorMessage(e)));
    }
  });
  return box;
}

// Full NIK/phone only on request, with a stated purpose; the API audits every reveal.
/** @param {Case} c @param {Party} p @param {Spec} spec @param {User} user */
function revealControls(c, p, spec, user) {
  if (access(spec, user, "POST", REVEAL) !== "yes" || (!p.nikMasked && !p.phone)) return null;
  const purpose = el("input", { maxlength: 300, autocomplete: "off" });
  const fieldSel = el(
    "select",
    {},
    options(
      Object.fromEntries(
        /** @type {[string, string][]} */ (
          [p.nikMasked ? ["nik", "NIK"] : null, p.phone ? ["phone", "Telepon"] : null].filter(
            Boolean,
          )
        ),
      ),
    ),
  );
  const out = el("span", { "aria-live": "polite" });
  const form = el(
    "form",
    { class: "inline reveal", novalidate: true },
    field(`rv-field-${p.id}`, "Buka", fieldSel),
    field(`rv-purpose-${p.id}`, "Keperluan membuka data", purpose),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "small" }, "Tampilkan")),
    out,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(out);
    if (purpose.value.trim().length < 5) {
      add(out, notice("error", "Tulis keperluannya (minimal 5 huruf)."));
      purpose.focus();
      return;
    }
    try {
      const r = await api("POST", `/api/v1/cases/${c.id}/parties/${p.id}/reveal`, {
        field: fieldSel.value,
        purpose: purpose.value.trim(),
      });
      add(out, el("strong", { class: "revealed" }, r.value));
    } catch (e) {
      add(out, notice("error", errorMessage(e)));
    }
  });
  return el("details", {}, el("summary", {}, "Buka data lengkap"), form);
}
