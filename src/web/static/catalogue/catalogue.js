// @ts-check
import { api, access } from "../shared/api.js";
import { dateInput, dateField, formatDmy } from "../shared/date-input.js";

/** @typedef {import("../shared/types.js").CalendarYear} CalendarYear */
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
  fmtDate,
  dataTable,
} from "../shared/ui.js";

/** @param {HTMLElement} main @param {import("../shared/types.js").PageContext} ctx */
export async function render(main, { user, spec }) {
  if (user.role !== "admin") {
    add(main, notice("error", "Halaman ini hanya untuk admin."));
    return;
  }
  add(main, await reasonCodes(spec, user), await jenis(spec, user), await holidays(spec, user));
}

/** @param {import("../shared/types.js").Spec} spec @param {import("../shared/types.js").User} user */
async function reasonCodes(spec, user) {
  const box = section("Kode alasan SIKS-NG");
  if (access(spec, user, "GET", "/api/v1/catalogue/reason-codes") === "missing") {
    add(box, unavailable("Katalog kode alasan"));
    return box;
  }
  const canEdit = access(spec, user, "PUT", "/api/v1/catalogue/reason-codes/{code}") === "yes";
  const msg = el("div", { "aria-live": "polite" });
  const search = el("input", { type: "search", maxlength: 60, autocomplete: "off" });
  const list = el("div");
  const id = el("input", { maxlength: 60, pattern: "[A-Z][A-Z0-9_]*" });
  const label = el("input", { maxlength: 300 });
  const programmes = el("input", { maxlength: 200 });
  const statusSeen = el("input", { maxlength: 200 });
  const narasi = el("textarea", { rows: 4, maxlength: 5000 });
  const saran = el("textarea", { rows: 2, maxlength: 5000 });
  /** @type {import("../shared/types.js").ReasonCodeCatalogue | null} */
  let cat = null;

  /** @param {import("../shared/types.js").ReasonCode} r */
  const edit = (r) => {
    id.value = r.id;
    label.value = r.label;
    programmes.value = r.programmes.join(", ");
    statusSeen.value = r.statusSeen.join(", ");
    narasi.value = r.narasi;
    saran.value = r.saran || "";
    label.focus();
  };
  const draw = () => {
    if (!cat) return; // drawn once the catalogue has loaded
    const q = search.value.trim().toLowerCase();
    add(
      clear(list),
      el(
        "p",
        { class: "muted" },
        `Versi ${cat.version} · ${fmtDate(cat.createdAt)} · ${cat.codes.length} kode`,
      ),
      dataTable(
        { class: "small-table" },
        ["Kode", "Label", "Program", "Status", ""],
        cat.codes
          .filter((r) => !q || r.id.toLowerCase().includes(q) || r.label.toLowerCase().includes(q))
          .map((r) =>
            el(
              "tr",
              {},
              el("td", {}, el("code", {}, r.id)),
              el("td", {}, r.label),
              el("td", {}, r.programmes.join(", ")),
              el("td", {}, r.statusSeen.join(", ") || "–"),
              el(
                "td",
                {},
                canEdit
                  ? el("button", { type: "button", class: "small", onclick: () => edit(r) }, "Ubah")
                  : null,
              ),
            ),
          ),
      ),
    );
  };
  const load = async () => {
    try {
      cat = await api("GET", "/api/v1/catalogue/reason-codes");
      draw();
    } catch (e) {
      add(clear(list), notice("error", errorMessage(e)));
    }
  };
  search.addEventListener("input", () => cat && draw());
  add(box, field("rc-cari", "Cari kode", search), list);
  if (canEdit) {
    /** @param {string} s */
    const split = (s) =>
      s
        .split(/[,\s]+/)
        .map((x) => x.trim().toUpperCase())
        .filter(Boolean);
    const form = el(
      "form",
      { class: "grid-form", novalidate: true },
      el("h3", {}, "Tambah atau ubah kode"),
      field("rc-id", "Kode", id, "HURUF_BESAR_DAN_GARIS_BAWAH"),
      field("rc-label", "Label", label),
      field("rc-prog", "Program (pisahkan dengan koma)", programmes, "mis. PKH, BPNT"),
      field(
        "rc-status",
        "Status SIKS-NG (pisahkan dengan koma)",
        statusSeen,
        "mis. NONAKTIF, EXCLUDE",
      ),
      field(
        "rc-narasi",
        "Templat narasi",
        narasi,
        "Variabel: {{sapaan}} {{nama_pelapor}} {{atas_nama}} {{program}} {{periode}} {{catatan}}",
      ),
      field("rc-saran", "Saran (opsional)", saran),
      el(
        "div",
        { class: "actions" },
        el("button", { type: "submit", class: "primary" }, "Simpan sebagai versi baru"),
      ),
      msg,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(msg);
      const code = id.value.trim().toUpperCase();
      if (!code) {
        add(msg, notice("error", "Isi kode."));
        return;
      }
      const prev = cat && cat.codes.find((r) => r.id === code);
      const body = {
        label: label.value.trim(),
        programmes: split(programmes.value),
        statusSeen: split(statusSeen.value),
        narasi: narasi.value,
        saran: saran.value.trim() || null,
        jenis: prev ? prev.jenis : null,
        bidang: prev ? prev.bidang : null,
      };
      try {
        await api("PUT", `/api/v1/catalogue/reason-codes/${encodeURIComponent(code)}`, body);
        add(msg, notice("ok", `Kode ${code} tersimpan.`));
        await load();
      } catch (e) {
        add(msg, notice("error", errorMessage(e)));
      }
    });
    add(box, form);
  }
  await load();
  return box;
}

/** @param {import("../shared/types.js").Spec} spec @param {import("../shared/types.js").User} user */
async function jenis(spec, user) {
  const box = section("Jenis aduan");
  if (access(spec, user, "GET", "/api/v1/catalogue/jenis") === "missing") {
    add(box, unavailable("Katalog jenis"));
    return box;
  }
  const list = el("div");
  const load = async () => {
    try {
      const cat = await api("GET", "/api/v1/catalogue/jenis");
      add(
        clear(list),
        el("p", { class: "muted" }, `Versi ${cat.version}`),
        el(
          "ul",
          { class: "plain" },
          cat.codes.map((/** @type {{ code: string, label: string }} */ j) =>
            el("li", {}, el("code", {}, j.code), " ", j.label),
          ),
        ),
      );
    } catch (e) {
      add(clear(list), notice("error", errorMessage(e)));
    }
  };
  add(box, list);
  if (access(spec, user, "PUT", "/api/v1/catalogue/jenis/{code}") === "yes") {
    const code = el("input", { maxlength: 60 });
    const label = el("input", { maxlength: 200 });
    const msg = el("div", { "aria-live": "polite" });
    const form = el(
      "form",
      { class: "inline", novalidate: true },
      field("j-code", "Kode", code),
      field("j-label", "Nama", label),
      el("div", { class: "actions" }, el("button", { type: "submit" }, "Tambah / ganti nama")),
      msg,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(msg);
      try {
        await api(
          "PUT",
          `/api/v1/catalogue/jenis/${encodeURIComponent(code.value.trim().toUpperCase())}`,
          { label: label.value.trim() },
        );
        add(msg, notice("ok", "Jenis tersimpan."));
        form.reset();
        await load();
      } catch (e) {
        add(msg, notice("error", errorMessage(e)));
      }
    });
    add(box, form);
  }
  await load();
  return box;
}

/** @param {import("../shared/types.js").Spec} spec @param {import("../shared/types.js").User} user */
async function holidays(spec, user) {
  const box = section("Hari libur dan cuti bersama");
  const path = "/api/v1/calendar";
  if (access(spec, user, "GET", path) === "missing") {
    add(box, unavailable("Pengaturan hari libur"));
    return box;
  }
  const year = el("input", {
    type: "number",
    min: 2000,
    max: 2100,
    value: String(new Date().getFullYear()),
  });
  const list = el("div");
  const load = async () => {
    clear(list);
    try {
      const r = await api("GET", `${path}?year=${encodeURIComponent(year.value)}`);
      const rows = [
        ...(r.overrides || []).map((/** @type {CalendarYear["overrides"][number]} */ x) => ({
          date: x.date,
          kind: x.working ? "Hari kerja tambahan (lokal)" : "Libur lokal",
          note: x.reason || "",
        })),
        ...(r.holidays || []).map((/** @type {CalendarYear["holidays"][number]} */ x) => ({
          date: x.date,
          kind: x.kind === "cuti_bersama" ? "Cuti bersama" : "Libur nasional",
          note: x.name || "",
        })),
      ].sort((a, b) => (a.date < b.date ? -1 : 1));
      add(
        list,
        r.covered === false
          ? notice("warn", `Tabel libur nasional ${r.year} belum tersedia; tambahkan secara lokal.`)
          : null,
        dataTable(
          { class: "small-table" },
          ["Tanggal", "Jenis", "Keterangan"],
          rows.map((x) =>
            el(
              "tr",
              {},
              el("td", {}, formatDmy(x.date) || x.date),
              el("td", {}, x.kind),
              el("td", {}, x.note),
            ),
          ),
        ),
      );
    } catch (e) {
      add(list, notice("error", errorMessage(e)));
    }
  };
  const filter = el(
    "form",
    { class: "inline", novalidate: true },
    field("h-tahun", "Tahun", year),
    el("div", { class: "actions" }, el("button", { type: "submit" }, "Tampilkan")),
  );
  filter.addEventListener("submit", (ev) => {
    ev.preventDefault();
    load();
  });
  add(box, filter, list);
  const put = "/api/v1/calendar/overrides/{date}";
  if (access(spec, user, "PUT", put) === "yes") {
    // dd/mm/yyyy whatever the browser's locale; .value stays yyyy-mm-dd.
    const date = dateInput({ required: true });
    const working = el(
      "select",
      {},
      options({ false: "Libur lokal (kantor tutup)", true: "Hari kerja tambahan" }),
    );
    const reason = el("input", { maxlength: 300 });
    const msg = el("div", { "aria-live": "polite" });
    const form = el(
      "form",
      { class: "inline", novalidate: true },
      dateField("h-date", "Tanggal", date),
      field("h-working", "Jenis", working),
      field("h-reason", "Keterangan", reason),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Simpan")),
      msg,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(msg);
      if (!date.value || reason.value.trim().length < 3) {
        add(msg, notice("error", "Isi tanggal dan keterangan (minimal 3 huruf)."));
        return;
      }
      try {
        const r = await api("PUT", `/api/v1/calendar/overrides/${date.value}`, {
          working: working.value === "true",
          reason: reason.value.trim(),
        });
        add(
          msg,
          notice("ok", `Tersimpan. ${r.recomputedCases ?? 0} tenggat kasus dihitung ulang.`),
        );
        load();
      } catch (e) {
        add(msg, notice("error", errorMessage(e)));
      }
    });
    add(box, el("h3", {}, "Tambah pengecualian lokal"), form);
  }
  await load();
  return box;
}
