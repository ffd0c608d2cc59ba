// @ts-check
/* global document */
// The intake form's person fieldset (pelapor, atas nama), the value it sends, and the notice
// of a saved intake.
import { el, field, options, setFieldError, JENIS } from "../shared/ui.js";
import { receiptConfirmation } from "../case/receipt.js";
import { checkNik, checkPhone } from "../shared/validate.js";

/** @typedef {import("../shared/types.js").PersonInput} PersonInput */
/** @typedef {import("../shared/types.js").CaseCreated} CaseCreated */

/**
 * A person's name, NIK, phone and sex with live checks and hints.
 * @param {string} prefix the fields' id prefix ("pelapor", "atasnama")
 * @param {string} legend
 * @param {{ required: boolean }} opts
 */
export function personFields(prefix, legend, { required }) {
  const name = el("input", {
    name: `${prefix}-name`,
    maxlength: 120,
    required,
    autocomplete: "off",
  });
  const nik = el("input", {
    name: `${prefix}-nik`,
    inputmode: "numeric",
    maxlength: 24,
    autocomplete: "off",
  });
  const phone = el("input", {
    name: `${prefix}-phone`,
    type: "tel",
    maxlength: 40,
    autocomplete: "off",
  });
  const sex = el(
    "select",
    { name: `${prefix}-sex` },
    options({ L: "Laki-laki", P: "Perempuan" }, { empty: "–" }),
  );
  const box = el(
    "fieldset",
    { class: "person" },
    el("legend", {}, legend),
    field(`${prefix}-name`, required ? "Nama (wajib)" : "Nama", name),
    field(`${prefix}-nik`, "NIK", nik, "16 digit sesuai KTP/KK"),
    field(`${prefix}-phone`, "Nomor telepon/WA", phone, "Contoh 0812 3456 7890"),
    field(`${prefix}-sex`, "Jenis kelamin", sex),
  );
  nik.addEventListener("input", () => {
    const r = checkNik(nik.value);
    setFieldError(`${prefix}-nik`, r.ok || r.partial ? "" : r.message);
    const hint = /** @type {HTMLElement} */ (document.getElementById(`${prefix}-nik-hint`));
    hint.textContent = r.partial
      ? r.message
      : r.ok && !r.empty
        ? "NIK sesuai format ✓"
        : "16 digit sesuai KTP/KK";
    if (r.ok && r.sex && !sex.value) sex.value = r.sex;
  });
  nik.addEventListener("blur", () => {
    const r = checkNik(nik.value);
    setFieldError(`${prefix}-nik`, r.ok ? "" : r.partial ? "NIK harus 16 digit" : r.message);
  });
  phone.addEventListener("input", () => {
    const r = checkPhone(phone.value);
    setFieldError(`${prefix}-phone`, r.ok || r.partial ? "" : r.message);
    /** @type {HTMLElement} */ (document.getElementById(`${prefix}-phone-hint`)).textContent =
      r.ok && !r.empty ? `Tersimpan sebagai ${r.e164} ✓` : "Contoh 0812 3456 7890";
  });
  phone.addEventListener("blur", () => {
    const r = checkPhone(phone.value);
    setFieldError(`${prefix}-phone`, r.ok ? "" : r.message);
  });
  return { box, name, nik, phone, sex };
}

/** @typedef {ReturnType<typeof personFields>} PersonFields */

/** @param {PersonFields} p @returns {PersonInput} */
export function personValue(p) {
  /** @type {PersonInput} */
  const out = { name: p.name.value.trim() };
  if (p.nik.value.trim()) out.nik = p.nik.value.replace(/[\s.-]/g, "");
  if (p.phone.value.trim()) out.phone = p.phone.value.trim();
  if (p.sex.value) out.sex = /** @type {"L" | "P"} */ (p.sex.value);
  return out;
}

/**
 * The number, the jenis and the tanda terima of a saved intake.
 * @param {CaseCreated} data
 * @param {boolean} replayed sent from the offline queue
 */
export function savedNotice(data, replayed) {
  return el(
    "div",
    { class: "notice ok", role: "status", "data-case-number": data.number },
    el(
      "p",
      {},
      el("strong", {}, "Aduan tersimpan. Nomor kasus: "),
      el("span", { class: "case-number" }, data.number),
    ),
    el(
      "p",
      {},
      `Jenis: ${data.jenis ? JENIS[data.jenis] || data.jenis : "belum ditentukan"}`,
      data.jenisSuggested && data.jenisSuggested !== data.jenis
        ? ` (saran sistem: ${JENIS[data.jenisSuggested] || data.jenisSuggested})`
        : data.jenisSuggested
          ? " (sesuai saran sistem)"
          : "",
      replayed ? " · terkirim dari antrean" : "",
    ),
    receiptConfirmation(data),
    el("p", {}, el("a", { href: `/kasus/${data.id}` }, "Buka halaman kasus")),
  );
}
