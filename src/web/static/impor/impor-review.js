// @ts-check
/* global URLSearchParams */
// "Perlu diperiksa" of /impor: imported cases of the office with open review points or no
// recorded medium (GET /api/v1/imports/legacy/cases); selected ones are marked checked
// (PUT /api/v1/imports/legacy/review, with a note) or get their medium
// (PUT /api/v1/imports/legacy/media).
import { api, access } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  notice,
  errorMessage,
  section,
  setFieldError,
  CHANNEL,
  REVIEW_POINT,
  MONTHS,
  dataTable,
} from "../shared/ui.js";

/** @typedef {import("../shared/types.js").ImportedCase} ImportedCase */

/** @type {Record<string, string>} filter → query string */
const FILTERS = {
  periksa: "reviewOpen=true",
  media: "mediaUnrecorded=true",
  semua: "",
};
const FILTER_LABELS = {
  periksa: "Perlu diperiksa (ada tanda)",
  media: "Media tidak tercatat",
  semua: "Semua kasus hasil impor",
};

/** A page of GET /api/v1/imports/legacy/cases.
 * @typedef {{ data: ImportedCase[], total: number, nextCursor: string | null,
 *   periods: { period: string | null, count: number }[] }} ImportedPage */

/** Rows a page: one request, one table; "Muat berikutnya" appends the next. */
const PAGE = 200;

/** "2023-03" → "Maret 2023"; anything else as it is. @param {string | null | undefined} p */
export function periodLabel(p) {
  const m = /^(\d{4})-(\d{2})$/.exec(p || "");
  if (!m) return p || "–";
  return `${MONTHS[Number(m[2]) - 1] || m[2]} ${m[1]}`;
}

/** "2023-03" → "03/2023" beside the row number. @param {ImportedCase} c */
function placeOf(c) {
  const m = /^(\d{4})-(\d{2})$/.exec(c.legacyPeriod || "");
  const sheet = m ? `${m[2]}/${m[1]}` : c.legacyPeriod || "–";
  return c.rowNo === null ? sheet : `${sheet}, baris ${c.rowNo}`;
}

/**
 * @param {import("../shared/types.js").Spec} spec
 * @param {import("../shared/types.js").User} user
 * @returns {Promise<{ box: HTMLElement, reload: () => Promise<void> }>}
 */
export async function reviewSection(spec, user) {
  const box = section("Perlu diperiksa");
  const canReview = access(spec, user, "PUT", "/api/v1/imports/legacy/review") === "yes";
  const canMedia = access(spec, user, "PUT", "/api/v1/imports/legacy/media") === "yes";
  /** The Media enum of the hub's own spec; labels are the channels'. @type {string[]} */
  const media = spec.components?.schemas?.Media?.enum || [];

  const filter = el(
    "select",
    {},
    Object.entries(FILTER_LABELS).map(([v, l]) => el("option", { value: v }, l)),
  );
  // The sheet picker: "Semua lembar", then each sheet holding cases of the chosen filter.
  const sheet = el("select", {}, el("option", { value: "" }, "Semua lembar"));
  const summary = el("p", { class: "muted", "aria-live": "polite", id: "impor-jumlah" });
  const list = el("div", { id: "impor-daftar" });
  const more = el(
    "button",
    { type: "button", id: "impor-berikutnya", hidden: true },
    "Muat berikutnya",
  );
  const msg = el("div", { "aria-live": "polite", id: "impor-tindakan-pesan" });
  const all = el("input", { type: "checkbox", id: "impor-pilih-semua" });
  /** @type {HTMLInputElement[]} */
  let boxes = [];
  /** @type {ImportedCase[]} */
  let shown = [];
  /** @type {string | null} */
  let next = null;

  const selected = () => boxes.filter((b) => b.checked).map((b) => b.value);
  all.addEventListener("change", () => {
    for (const b of boxes) b.checked = all.checked;
  });

  /** @param {{ period: string | null, count: number }[]} periods */
  const fillSheets = (periods) => {
    const keep = sheet.value;
    const options = periods
      .filter((p) => p.period)
      .map((p) => el("option", { value: p.period || "" }, `${periodLabel(p.period)} (${p.count})`));
    add(clear(sheet), el("option", { value: "" }, "Semua lembar"), options);
    // A sheet emptied by the last action falls back to all sheets.
    sheet.value = periods.some((p) => p.period === keep) ? keep : "";
  };

  /** The first page (append = false) or the next one after `next`. @param {boolean} append */
  const load = async (append) => {
    list.setAttribute("aria-busy", "true");
    // A second click while a page loads would append the same page twice.
    more.disabled = true;
    try {
      const qs = new URLSearchParams(FILTERS[filter.value] || "");
      if (sheet.value) qs.set("period", sheet.value);
      qs.set("limit", String(PAGE));
      if (append && next) qs.set("cursor", next);
      /** @type {ImportedPage} */
      let page = await api("GET", `/api/v1/imports/legacy/cases?${qs}`);
      if (!append) {
        fillSheets(page.periods);
        // The chosen sheet no longer has a case of this filter: ask again for all sheets.
        if (qs.get("period") && qs.get("period") !== sheet.value) {
          qs.delete("period");
          page = await api("GET", `/api/v1/imports/legacy/cases?${qs}`);
        }
        all.checked = false;
        boxes = [];
        shown = [];
      }
      shown = shown.concat(page.data);
      next = page.nextCursor;
      more.hidden = !next;
      summary.textContent =
        page.total === 0
          ? "Tidak ada kasus."
          : `${page.total} kasus${page.total > shown.length ? `, ${shown.length} pertama ditampilkan` : ""}.`;
      // Rows already shown keep their ticks when the next page is appended.
      const ticked = new Set(append ? selected() : []);
      all.checked = false; // the appended rows are not ticked
      boxes = [];
      add(clear(list), shown.length ? table(shown) : null);
      for (const b of boxes) b.checked = ticked.has(b.value);
    } catch (e) {
      add(clear(list), notice("error", errorMessage(e)));
    } finally {
      more.disabled = false;
      list.removeAttribute("aria-busy");
    }
  };
  const reload = () => load(false);
  more.addEventListener("click", () => void load(true));

  /** @param {ImportedCase[]} cases */
  const table = (cases) =>
    el(
      "div",
      { class: "table-wrap" },
      dataTable(
        { class: "small-table", id: "impor-kasus" },
        ["Pilih", "Kasus", "Lembar", "Tanggal tertulis", "Keperluan", "Media", "Tanda"],
        cases.map((c) => {
          const check = el("input", {
            type: "checkbox",
            value: c.id,
            "aria-label": `Pilih ${c.number}`,
          });
          boxes.push(check);
          return el(
            "tr",
            { "data-case": c.number, "data-id": c.id },
            el("td", {}, check),
            el("td", {}, el("a", { href: `/kasus/${c.id}` }, c.number)),
            el("td", {}, placeOf(c)),
            el("td", {}, c.tanggal || "–"),
            el("td", {}, c.keperluan),
            el(
              "td",
              { "data-media": c.media || "" },
              c.media ? CHANNEL[c.media] || c.media : "Tidak tercatat",
            ),
            el(
              "td",
              { "data-marks": c.openReview.map((p) => p.code).join(" ") },
              c.openReview.length
                ? el(
                    "ul",
                    { class: "marks" },
                    c.openReview.map((p) =>
                      el(
                        "li",
                        { "data-mark": p.code },
                        el("strong", {}, REVIEW_POINT[p.code] || "Perlu diperiksa"),
                        p.text ? ` (${p.text})` : null,
                      ),
                    ),
                  )
                : "–",
            ),
          );
        }),
      ),
    );

  /** @param {string} what @param {() => Promise<{ updated: number, unchanged: number }>} call */
  const act = async (what, call) => {
    clear(msg);
    if (!selected().length) {
      add(msg, notice("error", "Pilih kasus terlebih dahulu (centang di kolom Pilih)."));
      return false;
    }
    try {
      const r = await call();
      add(
        msg,
        notice(
          "ok",
          `${r.updated} kasus ${what}${r.unchanged ? `; ${r.unchanged} tidak berubah` : ""}.`,
        ),
      );
      await reload();
      return true;
    } catch (e) {
      add(msg, notice("error", errorMessage(e)));
      return false;
    }
  };

  const forms = [];
  if (canReview) {
    const note = el("textarea", { rows: 2, maxlength: 500, required: true });
    const codes = Object.entries(REVIEW_POINT).map(([code, label]) =>
      el("label", { class: "check" }, el("input", { type: "checkbox", value: code }), " ", label),
    );
    const form = el(
      "form",
      { novalidate: true, id: "impor-periksa" },
      el("h3", {}, "Tandai sudah diperiksa"),
      field(
        "impor-catatan",
        "Catatan pemeriksaan (wajib)",
        note,
        "Misalnya: dicocokkan dengan buku register, tanggal benar 13 Maret.",
      ),
      el(
        "fieldset",
        { class: "codes" },
        el("legend", {}, "Poin yang sudah diperiksa (kosongkan untuk semua poin)"),
        codes,
      ),
      el("div", { class: "actions" }, el("button", { type: "submit" }, "Tandai sudah diperiksa")),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const text = note.value.trim();
      setFieldError("impor-catatan", text ? null : "Catatan pemeriksaan wajib diisi.");
      if (!text) {
        clear(msg);
        return;
      }
      const picked = codes
        .map((l) => /** @type {HTMLInputElement} */ (l.querySelector("input")))
        .filter((i) => i.checked)
        .map((i) => i.value);
      const ok = await act("ditandai sudah diperiksa", () =>
        api("PUT", "/api/v1/imports/legacy/review", {
          caseIds: selected(),
          note: text,
          ...(picked.length ? { codes: picked } : {}),
        }),
      );
      if (ok) form.reset();
    });
    forms.push(form);
  }
  if (canMedia && media.length) {
    const choice = el(
      "select",
      { required: true },
      el("option", { value: "" }, "Pilih media"),
      media.map((m) => el("option", { value: m }, CHANNEL[m] || m)),
    );
    const form = el(
      "form",
      { novalidate: true, id: "impor-media" },
      el("h3", {}, "Atur media"),
      field("impor-media-pilih", "Media pengaduan", choice),
      el("div", { class: "actions" }, el("button", { type: "submit" }, "Atur media")),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      setFieldError("impor-media-pilih", choice.value ? null : "Pilih media terlebih dahulu.");
      if (!choice.value) return;
      await act(`dicatat dengan media ${CHANNEL[choice.value] || choice.value}`, () =>
        api("PUT", "/api/v1/imports/legacy/media", { caseIds: selected(), media: choice.value }),
      );
    });
    forms.push(form);
  }

  for (const picker of [filter, sheet])
    picker.addEventListener("change", () => {
      clear(msg);
      void reload();
    });
  add(
    box,
    el(
      "p",
      { class: "muted" },
      "Baris hasil impor yang bertanda perlu dicocokkan dengan log kertas; media pengaduan tidak ada di log lama dan dicatat di sini.",
    ),
    el(
      "div",
      { class: "filters" },
      field("impor-saring", "Tampilkan", filter),
      field("impor-lembar", "Lembar", sheet),
    ),
    summary,
    el("label", { class: "check", for: "impor-pilih-semua" }, all, " Pilih semua yang tampil"),
    list,
    more,
    msg,
    el("div", { class: "import-actions" }, forms),
  );
  await reload();
  return { box, reload };
}
