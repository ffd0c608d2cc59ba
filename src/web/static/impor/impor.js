// @ts-check
/* global window */
// /impor ("Impor log lama"): the office's old monthly logs uploaded to
// POST /api/v1/imports/legacy, the import report shown as a table, and below it the imported
// cases still to be checked (impor-review.js).
import { access, ApiError, csrfToken } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  notice,
  errorMessage,
  unavailable,
  section,
  IMPORT_FIELD,
  dataTable,
} from "../shared/ui.js";
import { bahasa, CODE_MESSAGES } from "../shared/messages.js";
import { reviewSection, periodLabel } from "./impor-review.js";

/** @typedef {import("../shared/types.js").ImportRun} ImportRun */
/** @typedef {import("../shared/types.js").ImportAnomaly} ImportAnomaly */

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** The content type the API takes for a file, from its name; null = not an import file. */
/** @param {File} file @returns {string | null} */
export function importType(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith(".xlsx")) return XLSX;
  if (name.endsWith(".tsv")) return "text/tab-separated-values";
  if (name.endsWith(".txt")) return "text/plain";
  return null;
}

/** @param {HTMLElement} main @param {import("../shared/types.js").PageContext} ctx */
export async function render(main, { user, spec }) {
  const canImport = access(spec, user, "POST", "/api/v1/imports/legacy");
  if (canImport === "missing") {
    add(main, unavailable("Impor log lama"));
    return;
  }
  const canList = access(spec, user, "GET", "/api/v1/imports/legacy/cases") === "yes";
  if (canImport !== "yes" && !canList) {
    add(main, notice("error", "Halaman ini hanya untuk admin dan koordinator."));
    return;
  }
  const review = canList ? await reviewSection(spec, user) : null;
  if (canImport === "yes")
    add(
      main,
      uploadSection(() => review?.reload()),
    );
  if (review) add(main, review.box);
}

/** @param {() => unknown} afterImport */
function uploadSection(afterImport) {
  const box = section("Unggah log bulanan");
  const input = el("input", {
    type: "file",
    name: "berkas",
    required: true,
    accept: `.txt,.tsv,.xlsx,text/plain,text/tab-separated-values,${XLSX}`,
  });
  const msg = el("div", { "aria-live": "polite", id: "impor-pesan" });
  const result = el("div", { id: "impor-hasil" });
  const send = el("button", { type: "submit", class: "primary" }, "Impor berkas");
  const form = el(
    "form",
    { novalidate: true },
    field(
      "impor-berkas",
      "Berkas log lama",
      input,
      "Teks (.txt), tabel bertab (.tsv) atau Excel (.xlsx) dari log bulanan kantor. Baris yang sudah pernah diimpor tidak dibuat lagi.",
    ),
    el("div", { class: "actions" }, send),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(msg);
    const file = input.files && input.files[0];
    if (!file) {
      add(msg, notice("error", "Pilih berkas log lama terlebih dahulu."));
      return;
    }
    const type = importType(file);
    if (!type) {
      add(
        msg,
        notice("error", `Jenis berkas tidak diterima: "${file.name}" bukan .txt, .tsv atau .xlsx.`),
      );
      return;
    }
    send.disabled = true;
    add(msg, notice("info", `Mengimpor ${file.name}…`));
    try {
      const run = await upload(file, type);
      clear(msg);
      add(clear(result), report(run));
      afterImport();
    } catch (e) {
      clear(msg);
      add(msg, notice("error", `Impor gagal: ${importError(e, file)}`));
    } finally {
      send.disabled = false;
    }
  });
  add(box, form, msg, result);
  return box;
}

/** @param {File} file @param {string} type @returns {Promise<ImportRun>} */
async function upload(file, type) {
  let res;
  try {
    res = await window.fetch("/api/v1/imports/legacy", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Content-Type": type,
        "X-File-Name": encodeURIComponent(file.name),
        "X-CSRF-Token": csrfToken(),
      },
      body: file,
    });
  } catch {
    throw new ApiError(0, { code: "OFFLINE", message: "Tidak tersambung ke server" });
  }
  if (res.status === 401) {
    window.location.assign("/masuk");
    throw new ApiError(401, { code: "UNAUTHENTICATED", message: "Silakan masuk kembali" });
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** What went wrong, in words naming the file's problem. @param {any} e @param {File} file */
function importError(e, file) {
  if (e && e.status === 415)
    return `jenis berkas "${file.name}" tidak diterima; pilih berkas .txt, .tsv atau .xlsx.`;
  // The import limits and readers (413/422 IMPORT_*): the server's own words when they are
  // Bahasa (the size limit, what could not be read), else the code's sentence; and the file.
  const code = e && typeof e.code === "string" ? e.code : "";
  if (code.startsWith("IMPORT_")) {
    const base = CODE_MESSAGES[code] || "Berkas impor ditolak.";
    const own = bahasa(e.message || "").replace(/\.$/, "");
    const said = own && own !== "isian tidak valid" ? `${own}.` : base;
    return `${said} Berkas: ${file.name}.`;
  }
  return errorMessage(e);
}

/** @param {ImportRun} run */
function report(run) {
  const counts = el(
    "dl",
    { class: "import-counts", "data-import-counts": "" },
    ...[
      ["Berkas", run.fileName],
      ["Baris dibaca", run.rows],
      ["Kasus baru", run.created],
      ["Sudah ada (dilewati)", run.unchanged],
      ["Gagal", run.failed],
      ["Catatan impor", run.anomalies.length],
    ].map(([k, v]) =>
      el("div", { "data-count": String(k) }, el("dt", {}, String(k)), el("dd", {}, String(v))),
    ),
  );
  const status =
    run.status === "succeeded"
      ? notice("ok", `Impor selesai: ${run.created} kasus baru dari ${run.rows} baris.`)
      : notice("error", `Impor gagal${run.error ? ": " + run.error : ""}.`);
  if (!run.anomalies.length)
    return el("div", {}, status, counts, el("p", { class: "muted" }, "Tidak ada catatan."));
  const table = dataTable(
    { class: "small-table", id: "impor-laporan" },
    ["Lembar", "Baris", "Kolom", "Masalah", "Tindakan"],
    run.anomalies.map((a) =>
      el(
        "tr",
        { "data-row": a.row === null ? "" : String(a.row) },
        el("td", {}, periodLabel(a.sheet)),
        el("td", {}, a.row === null ? "–" : String(a.row)),
        el("td", {}, IMPORT_FIELD[a.field] || a.field),
        el("td", {}, a.problem),
        el("td", {}, a.action),
      ),
    ),
    el("caption", {}, "Catatan impor: baris yang perlu diperhatikan dan apa yang dilakukan hub"),
  );
  return el("div", {}, status, counts, el("div", { class: "table-wrap" }, table));
}
