// @ts-check
/* global window, setTimeout, clearTimeout */
// Hasil SIKS-NG: the findings recorded on the case and the form that records one (programme,
// status seen, reason code, a narasi preview, an optional screenshot).
import { api, csrfToken } from "../shared/api.js";
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
  PROGRAMME,
  STATUS_SEEN,
} from "../shared/ui.js";
import { narasiEditor } from "./case-steps.js";

/** @typedef {import("../shared/types.js").Case} Case */
/** @typedef {import("../shared/types.js").Party} Party */
/** @typedef {import("../shared/types.js").Spec} Spec */
/** @typedef {import("../shared/types.js").User} User */
/** @typedef {import("../shared/types.js").Can} Can */
/** @typedef {import("../shared/types.js").Finding} Finding */
/** @typedef {import("../shared/types.js").FindingInput} FindingInput */
/** @typedef {import("../shared/types.js").ReasonCode} ReasonCode */

/** @param {Case} c @param {string} base @param {Spec} spec @param {Can} can */
export async function findingsSection(c, base, spec, can) {
  const box = section("Hasil SIKS-NG");
  const fPath = "/api/v1/cases/{id}/findings";
  if (can("GET", fPath) === "missing") {
    add(box, unavailable("Pencatatan hasil SIKS-NG"));
    return box;
  }
  const list = el("div", { id: "temuan" });
  add(box, list);
  /** @param {Finding[]} items */
  const drawList = (items) => {
    clear(list);
    if (!items.length) {
      add(list, el("p", { class: "muted" }, "Belum ada hasil SIKS-NG."));
      return;
    }
    add(
      list,
      el(
        "ol",
        { class: "findings" },
        items.map((/** @type {Finding} */ f) =>
          el(
            "li",
            { "data-finding": f.reasonCode },
            el(
              "p",
              {},
              el(
                "strong",
                {},
                `${PROGRAMME[f.programme] || f.programme} · ${STATUS_SEEN[f.statusSeen] || f.statusSeen}`,
              ),
              ` · ${f.reasonLabel || f.reasonCode} · ${fmtDateTime(f.createdAt)}`,
            ),
            el("p", { class: "narasi", "data-narasi-final": "" }, f.narasi),
            narasiEditor(f, base, can, redraw),
            f.saran ? el("p", { class: "muted" }, `Saran: ${f.saran}`) : null,
            f.evidenceId
              ? el(
                  "p",
                  {},
                  el(
                    "a",
                    {
                      href: `${base}/attachments/${f.evidenceId}`,
                      target: "_blank",
                      rel: "noopener",
                    },
                    "Lihat bukti tangkapan layar",
                  ),
                )
              : null,
          ),
        ),
      ),
    );
  };
  /** @type {Finding[]} */
  let findings = [];
  // After a narasi edit: the list again as the API now answers it.
  async function redraw() {
    findings = (await api("GET", `${base}/findings`)).data;
    drawList(findings);
  }
  try {
    await redraw();
  } catch (e) {
    add(list, notice("error", errorMessage(e)));
  }
  if (can("POST", fPath) !== "yes") return box;

  /** @type {ReasonCode[]} */
  let codes = [];
  try {
    codes = (await api("GET", "/api/v1/catalogue/reason-codes")).codes;
  } catch (e) {
    add(box, notice("error", `Katalog kode alasan tidak dapat dimuat: ${errorMessage(e)}`));
    return box;
  }
  const programme = el(
    "select",
    { required: true },
    options(PROGRAMME, { empty: "Pilih program" }),
  );
  const statusSeen = el(
    "select",
    { required: true },
    options(STATUS_SEEN, { empty: "Pilih status" }),
  );
  const search = el("input", { type: "search", autocomplete: "off", maxlength: 60 });
  const code = el("select", { size: 6, required: true, class: "picker" });
  const hasAtasNama = c.parties.some((p) => p.role === "atas_nama");
  const person = el(
    "select",
    {},
    options(hasAtasNama ? { atas_nama: "Atas nama", pelapor: "Pelapor" } : { pelapor: "Pelapor" }),
  );
  const period = el("input", { maxlength: 100, placeholder: "mis. DTSEN triwulan II 2025" });
  const note = el("textarea", { rows: 2, maxlength: 2000 });
  const shot = el("input", {
    type: "file",
    accept: "image/png,image/jpeg,image/webp,application/pdf",
  });
  const preview = el(
    "div",
    { class: "preview", id: "pratinjau-narasi", "aria-live": "polite" },
    el("p", { class: "muted" }, "Pilih program, status dan kode alasan untuk melihat narasi."),
  );
  const msg = el("div", { "aria-live": "polite" });
  const save = el("button", { type: "submit", class: "primary" }, "Simpan hasil SIKS-NG");

  const fillCodes = () => {
    const q = search.value.trim().toLowerCase();
    const keep = code.value;
    clear(code);
    const matches = codes.filter(
      (r) =>
        (!programme.value || r.programmes.includes(programme.value)) &&
        (!statusSeen.value || !r.statusSeen.length || r.statusSeen.includes(statusSeen.value)) &&
        (!q || r.id.toLowerCase().includes(q) || r.label.toLowerCase().includes(q)),
    );
    for (const r of matches) add(code, el("option", { value: r.id }, `${r.label} (${r.id})`));
    if (matches.some((r) => r.id === keep)) code.value = keep;
    else if (matches.length === 1) code.value = matches[0].id;
    const hint = code.parentElement && code.parentElement.querySelector(".hint");
    if (hint) hint.textContent = `${matches.length} kode cocok`;
  };

  const input = () => {
    /** @type {FindingInput} */
    const b = {
      // The selects offer only the labels API's codes (and the case's parties).
      programme: /** @type {FindingInput["programme"]} */ (programme.value),
      statusSeen: /** @type {FindingInput["statusSeen"]} */ (statusSeen.value),
      reasonCode: code.value,
      person: /** @type {"pelapor" | "atas_nama"} */ (person.value),
    };
    if (period.value.trim()) b.dataPeriod = period.value.trim();
    if (note.value.trim()) b.note = note.value.trim();
    return b;
  };
  /** @type {number | undefined} */
  let timer;
  let seq = 0;
  const refreshPreview = () => {
    clearTimeout(timer);
    if (!programme.value || !statusSeen.value || !code.value) return;
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const p = await api("POST", `${base}/findings/preview`, input());
        if (mine !== seq) return;
        add(
          clear(preview),
          el("p", { class: "label" }, "Pratinjau narasi"),
          el("p", { class: "narasi", "data-narasi": "" }, p.narasi),
          p.saran ? el("p", { class: "muted" }, `Saran: ${p.saran}`) : null,
        );
      } catch (e) {
        if (mine === seq) add(clear(preview), notice("error", errorMessage(e)));
      }
    }, 250);
  };
  for (const x of [programme, statusSeen])
    x.addEventListener("change", () => {
      fillCodes();
      refreshPreview();
    });
  search.addEventListener("input", () => {
    fillCodes();
    refreshPreview();
  });
  for (const x of [code, person]) x.addEventListener("change", refreshPreview);
  for (const x of [period, note]) x.addEventListener("input", refreshPreview);

  const form = el(
    "form",
    { class: "finding-form", novalidate: true },
    el("h3", {}, "Catat hasil SIKS-NG"),
    el(
      "div",
      { class: "cols" },
      el(
        "div",
        {},
        field("f-programme", "Program", programme),
        field("f-status-seen", "Status di SIKS-NG", statusSeen),
        field("f-person", "Orang yang dicek", person),
        field("f-search", "Cari kode alasan", search),
        field("f-code", "Kode alasan", code, " "),
      ),
      el(
        "div",
        {},
        field("f-period", "Periode data (opsional)", period),
        field("f-note", "Catatan (opsional)", note),
        can("POST", "/api/v1/cases/{id}/attachments") === "yes"
          ? field(
              "f-shot",
              "Tangkapan layar SIKS-NG (opsional)",
              shot,
              "PNG, JPEG, WebP atau PDF, maks. 5 MB",
            )
          : null,
        preview,
      ),
    ),
    el("div", { class: "actions" }, save),
    msg,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(msg);
    if (!programme.value || !statusSeen.value || !code.value) {
      add(msg, notice("error", "Pilih program, status dan kode alasan."));
      (!programme.value ? programme : !statusSeen.value ? statusSeen : code).focus();
      return;
    }
    save.disabled = true;
    try {
      const body = input();
      const file = shot.files && shot.files[0];
      if (file) {
        const up = await uploadFile(`${base}/attachments`, file);
        body.evidenceId = up.id;
      }
      const f = await api("POST", fPath.replace("{id}", c.id), body);
      findings = [...findings, f];
      drawList(findings);
      form.reset();
      fillCodes();
      add(msg, notice("ok", "Hasil SIKS-NG tersimpan."));
    } catch (e) {
      add(msg, notice("error", errorMessage(e)));
    } finally {
      save.disabled = false;
    }
  });
  add(box, form);
  fillCodes();
  return box;
}

/** @param {string} path @param {File} file @returns {Promise<{ id: string }>} */
async function uploadFile(path, file) {
  const res = await window.fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": file.type || "application/octet-stream",
      "X-File-Name": encodeURIComponent(file.name),
      "X-CSRF-Token": csrfToken(),
    },
    body: file,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok)
    throw Object.assign(new Error(data.message || "Unggah gagal"), data, { status: res.status });
  return data;
}
