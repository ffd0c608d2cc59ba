// @ts-check
/* global HTMLInputElement, Event */
// A date field that reads dd/mm/yyyy whatever the browser's locale (an en-US Chromium shows
// a native date input as mm/dd/yyyy). The control is a text input whose `value` is still
// yyyy-mm-dd for the code that reads and writes it (the typed text stays dd/mm/yyyy);
// a "Kalender" button opens the browser's own calendar through a hidden native input.
import { el, field } from "./ui.js";

const NATIVE = /** @type {PropertyDescriptor} */ (
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")
);

/** "05/12/2026", "5-12-2026", "05122026" → "2026-12-05"; anything else → "". @param {string} text */
export function parseDmy(text) {
  const t = String(text || "").trim();
  const m =
    t.match(/^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/) || t.match(/^(\d{2})(\d{2})(\d{4})$/);
  if (!m) return "";
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return "";
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** "2026-12-05" → "05/12/2026"; anything else → "". @param {string} ymd */
export function formatDmy(ymd) {
  const m = String(ymd || "").match(/^(\d{4})-(\d{2})-(\d{2})$/);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}

/**
 * A dd/mm/yyyy text input whose `value` reads and takes yyyy-mm-dd.
 * @param {Record<string, unknown>} attrs e.g. { name: "dari", required: true }
 * @returns {HTMLInputElement}
 */
export function dateInput(attrs = {}) {
  const input = /** @type {HTMLInputElement} */ (
    el("input", {
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      placeholder: "hh/bb/tttt",
      maxlength: 10,
      size: 10,
      "data-date": "dmy",
      ...attrs,
    })
  );
  Object.defineProperty(input, "value", {
    configurable: true,
    get() {
      return parseDmy(NATIVE.get?.call(this));
    },
    set(v) {
      NATIVE.set?.call(this, formatDmy(v));
    },
  });
  // Typed text that is not a date is refused by the form, in Bahasa.
  input.addEventListener("input", () => {
    const raw = String(NATIVE.get?.call(input) || "");
    input.setCustomValidity(
      raw && !parseDmy(raw) ? "Tulis tanggal sebagai hh/bb/tttt, mis. 05/12/2026" : "",
    );
  });
  return input;
}

/** The text the field shows (not its yyyy-mm-dd value). @param {HTMLInputElement} input */
export function shownText(input) {
  return String(NATIVE.get?.call(input) || "");
}

/**
 * "05/12/2026 14.30", "5/12/2026 14:30" or "2026-12-05T14:30" → "2026-12-05T14:30";
 * anything else → "".
 * @param {string} text
 */
export function parseDmyTime(text) {
  const t = String(text || "").trim();
  const iso = t.match(/^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/);
  const dmy = t.match(/^(\S+)[ ,]+(\d{1,2})[.:](\d{2})$/);
  const [date, hh, mm] = iso
    ? [parseDmy(iso[1].split("-").reverse().join("/")), iso[2], iso[3]]
    : dmy
      ? [parseDmy(dmy[1]), dmy[2], dmy[3]]
      : ["", "", ""];
  if (!date || Number(hh) > 23 || Number(mm) > 59) return "";
  return `${date}T${String(hh).padStart(2, "0")}:${mm}`;
}

/**
 * A "dd/mm/yyyy jj.mm" text input whose `value` reads and takes "yyyy-mm-ddThh:mm" (the
 * datetime-local format), whatever the browser's locale.
 * @param {Record<string, unknown>} attrs
 * @returns {HTMLInputElement}
 */
export function dateTimeInput(attrs = {}) {
  const input = /** @type {HTMLInputElement} */ (
    el("input", {
      type: "text",
      autocomplete: "off",
      placeholder: "hh/bb/tttt jj.mm",
      title: "Tanggal dan jam sebagai hh/bb/tttt jj.mm, mis. 05/12/2026 14.30",
      maxlength: 20,
      "data-date": "dmy-time",
      ...attrs,
    })
  );
  Object.defineProperty(input, "value", {
    configurable: true,
    get() {
      return parseDmyTime(NATIVE.get?.call(this));
    },
    set(v) {
      const m = String(v || "").match(/^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/);
      NATIVE.set?.call(this, m ? `${formatDmy(m[1])} ${m[2]}.${m[3]}` : "");
    },
  });
  return input;
}

/**
 * field() for a dateInput, with a button that opens the browser's calendar.
 * @param {string} id @param {string} label @param {HTMLInputElement} input @param {string} [hint]
 */
export function dateField(id, label, input, hint) {
  const wrap = field(id, label, input, hint);
  input.title = "Tanggal sebagai hh/bb/tttt (hari/bulan/tahun)";
  const native = /** @type {HTMLInputElement} */ (
    el("input", { type: "date", tabindex: "-1", "aria-hidden": "true", class: "date-native" })
  );
  native.addEventListener("change", () => {
    input.value = native.value;
    input.setCustomValidity("");
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  const open = el(
    "button",
    {
      type: "button",
      class: "date-open",
      "aria-label": `Pilih ${label.toLowerCase()} dari kalender`,
      title: "Kalender",
      onclick: () => {
        native.value = input.value;
        try {
          native.showPicker();
        } catch {
          native.focus();
        }
      },
    },
    "📅",
  );
  const row = el("div", { class: "date-row" });
  input.replaceWith(row);
  row.append(input, open, native);
  return wrap;
}
