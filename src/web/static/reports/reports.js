// @ts-check
/* global URLSearchParams */
import { api, access, operation } from "../shared/api.js";
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
  fmtDateTime,
  dataTable,
} from "../shared/ui.js";
import { download } from "../shared/download.js";

/** @type {Record<string, string>} */
const RECAP_STATUS = {
  accepted: "Diterima",
  replayed: "Diterima (kiriman ulang)",
  rejected: "Ditolak",
  unauthorized: "Kredensial ditolak",
};
const DATA_CHANGED =
  "Data berubah sejak laporan terakhir untuk periode ini: isi laporan ini berbeda dari yang diterbitkan sebelumnya.";
/** @type {Record<string, string>} */
const FORMATS = { xlsx: "Excel (XLSX)", pdf: "PDF", csv: "CSV" };

/** @param {import("../shared/types.js").Spec} spec @param {string} path */
function paramNames(spec, path) {
  const op = operation(spec, "GET", path);
  return new Set(((op && op.parameters) || []).map((/** @type {{ name: string }} */ p) => p.name));
}
/** @param {import("../shared/types.js").Spec} spec @param {string} path @returns {string[] | null} */
function formatEnum(spec, path) {
  const op = operation(spec, "GET", path);
  const p = ((op && op.parameters) || []).find(
    (/** @type {{ name: string }} */ x) => x.name === "format",
  );
  return p && p.schema && p.schema.enum ? p.schema.enum : null;
}

/** @param {HTMLElement} main @param {import("../shared/types.js").PageContext} ctx */
export async function render(main, { user, spec }) {
  const now = new Date();
  const lastMonth = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  const ym = `${lastMonth.getFullYear()}-${String(lastMonth.getMonth() + 1).padStart(2, "0")}`;

  // Monthly
  const monthly = section("Laporan bulanan");
  const mPath = "/api/v1/reports/monthly";
  const mAccess = access(spec, user, "GET", mPath);
  if (mAccess === "missing") add(monthly, unavailable("Laporan bulanan"));
  else if (mAccess === "no")
    add(monthly, el("p", { class: "muted" }, "Peran Anda tidak dapat mengunduh laporan bulanan."));
  else {
    const allowed = formatEnum(spec, mPath) || Object.keys(FORMATS);
    const month = el("input", { type: "month", value: ym, required: true });
    const format = el(
      "select",
      {},
      options(Object.fromEntries(allowed.map((f) => [f, FORMATS[f] || f]))),
    );
    const msg = el("div", { "aria-live": "polite" });
    const form = el(
      "form",
      { class: "inline", novalidate: true },
      field("m-bulan", "Bulan", month),
      field("m-format", "Format", format),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Unduh")),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(msg);
      if (!/^\d{4}-\d{2}$/.test(month.value)) {
        add(msg, notice("error", "Pilih bulan."));
        return;
      }
      try {
        const out = await download(
          `${mPath}?${new URLSearchParams({ month: month.value, format: format.value })}`,
          `laporan-${month.value}.${format.value}`,
        );
        add(msg, notice("ok", `Terunduh: ${out.name} (${Math.ceil(out.size / 1024)} KB)`));
        if (out.dataChanged) add(msg, notice("warn", DATA_CHANGED));
      } catch (e) {
        add(msg, notice("error", errorMessage(e)));
      }
    });
    add(monthly, form, msg);
  }

  // Annual
  const annual = section("Laporan tahunan");
  const aPath = "/api/v1/reports/annual";
  const aAccess = access(spec, user, "GET", aPath);
  if (aAccess === "missing") add(annual, unavailable("Laporan tahunan"));
  else if (aAccess === "no")
    add(annual, el("p", { class: "muted" }, "Peran Anda tidak dapat melihat laporan tahunan."));
  else {
    const year = el("input", {
      type: "number",
      min: 2000,
      max: 2100,
      value: String(now.getFullYear()),
      required: true,
    });
    const fileFormats = paramNames(spec, aPath).has("format")
      ? (formatEnum(spec, aPath) || ["xlsx", "pdf"]).filter((f) => f !== "json")
      : [];
    const out = el("div", { "aria-live": "polite" });
    const show = async () => {
      clear(out);
      try {
        const r = await api("GET", `${aPath}?year=${encodeURIComponent(year.value)}`);
        add(
          out,
          el(
            "p",
            {},
            `Total aduan ${r.year}: `,
            el("strong", {}, String(r.total)),
            ` · selesai ${r.perStatus.selesai} · dalam proses ${r.perStatus.dalamProses} · tidak dapat ditindaklanjuti ${r.perStatus.tidakDapatDitindaklanjuti}`,
          ),
          el(
            "table",
            { class: "small-table" },
            el("caption", {}, "Menurut jenis"),
            el(
              "thead",
              {},
              el(
                "tr",
                {},
                el("th", { scope: "col" }, "Jenis"),
                el("th", { scope: "col" }, "Jumlah"),
              ),
            ),
            el(
              "tbody",
              {},
              r.perJenis.map(
                (/** @type {import("../shared/types.js").AnnualCounts["perJenis"][number]} */ j) =>
                  el("tr", {}, el("td", {}, j.nama), el("td", { class: "num" }, String(j.jumlah))),
              ),
            ),
          ),
        );
      } catch (e) {
        add(out, notice("error", errorMessage(e)));
      }
    };
    const buttons = fileFormats.map((f) =>
      el(
        "button",
        {
          type: "button",
          onclick: async () => {
            try {
              const got = await download(
                `${aPath}?${new URLSearchParams({ year: year.value, format: f })}`,
                `laporan-tahunan-${year.value}.${f}`,
              );
              if (got.dataChanged) add(out, notice("warn", DATA_CHANGED));
            } catch (e) {
              add(out, notice("error", errorMessage(e)));
            }
          },
        },
        `Unduh ${FORMATS[f] || f}`,
      ),
    );
    const form = el(
      "form",
      { class: "inline", novalidate: true },
      field("a-tahun", "Tahun", year),
      el(
        "div",
        { class: "actions" },
        el("button", { type: "submit", class: "primary" }, "Tampilkan"),
        buttons,
      ),
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      show();
    });
    add(
      annual,
      form,
      fileFormats.length ? null : unavailable("Unduhan XLSX/PDF laporan tahunan"),
      out,
    );
  }

  // Recap receipts
  const recap = section("Tanda terima kiriman rekap");
  const rPath = "/api/v1/recap/receipts";
  const rAccess = access(spec, user, "GET", rPath);
  if (rAccess === "missing") add(recap, unavailable("Daftar tanda terima rekap"));
  else if (rAccess === "no")
    add(recap, el("p", { class: "muted" }, "Peran Anda tidak dapat melihat tanda terima rekap."));
  else {
    try {
      const r = await api("GET", rPath);
      const items = Array.isArray(r) ? r : r.items || r.data || [];
      add(
        recap,
        items.length
          ? dataTable(
              { class: "small-table" },
              ["Waktu", "Periode", "Tujuan", "Revisi", "Status", "Tanda terima"],
              items.map((/** @type {import("../shared/types.js").RecapReceipt} */ x) =>
                el(
                  "tr",
                  {},
                  el("td", {}, fmtDateTime(x.createdAt)),
                  el("td", {}, x.periode || "–"),
                  el("td", {}, x.target || "–"),
                  el("td", { class: "num" }, String(x.revision ?? "–")),
                  el("td", {}, RECAP_STATUS[x.status] || x.status || "–"),
                  el("td", {}, x.receiptId || "–"),
                ),
              ),
            )
          : el("p", { class: "muted" }, "Belum ada kiriman rekap."),
      );
    } catch (e) {
      add(recap, notice("error", errorMessage(e)));
    }
  }
  // Push on demand (the monthly job pushes the previous month on the 1st at 02:00).
  const pushPath = "/api/v1/recap/push";
  if (access(spec, user, "POST", pushPath) === "yes") {
    const periode = el("input", {
      type: "month",
      value: ym,
      required: true,
      pattern: "[0-9]{4}-[0-9]{2}",
    });
    const msg = el("div", { "aria-live": "polite", id: "rekap-pesan" });
    const form = el(
      "form",
      { class: "inline-form" },
      field(
        "r-periode",
        "Periode rekap",
        periode,
        "Hanya jumlah yang dikirim, tanpa data pribadi.",
      ),
      el("div", { class: "actions" }, el("button", { type: "submit" }, "Kirim rekap")),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(msg);
      const button = /** @type {HTMLButtonElement} */ (form.querySelector("button"));
      button.disabled = true;
      try {
        const r = await api("POST", pushPath, { periode: periode.value });
        const n = (r.items || []).length;
        add(
          msg,
          notice(
            "ok",
            `Rekap ${periode.value} diantrekan untuk ${n} tujuan; dikirim oleh antrean keluar dalam ±1 menit. Muat ulang halaman untuk melihat tanda terimanya.`,
          ),
        );
      } catch (e) {
        add(msg, notice("error", errorMessage(e)));
      } finally {
        button.disabled = false;
      }
    });
    add(recap, form, msg);
  }
  add(main, monthly, annual, recap);
}
