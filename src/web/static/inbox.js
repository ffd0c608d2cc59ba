/* global URLSearchParams */
import { api, operation } from "./api.js";
import {
  add,
  el,
  clear,
  field,
  options,
  notice,
  errorMessage,
  fmtDateTime,
  slaBadge,
  statusBadge,
  STATUS,
  CHANNEL,
  JENIS,
  BIDANG,
} from "./ui.js";

const PAGE_SIZE = 20;

export async function render(main, { spec }) {
  const listOp = operation(spec, "GET", "/api/v1/cases");
  const params = new Set(((listOp && listOp.parameters) || []).map((p) => p.name));
  const hasOverdue = params.has("overdue");

  const status = el("select", { name: "status" }, options(STATUS, { empty: "Semua status" }));
  const channel = el("select", { name: "channel" }, options(CHANNEL, { empty: "Semua kanal" }));
  const jenis = el("select", { name: "jenis" }, options(JENIS, { empty: "Semua jenis" }));
  const bidang = el("select", { name: "bidang" }, options(BIDANG, { empty: "Semua bidang" }));
  const q = el("input", { type: "search", name: "q", maxlength: 100, autocomplete: "off" });
  const overdue = el("input", { type: "checkbox", name: "overdue", disabled: !hasOverdue });
  const form = el(
    "form",
    { class: "filters", role: "search", "aria-label": "Saring kasus" },
    field("f-q", "Cari (nomor, nama, isi)", q),
    field("f-status", "Status", status),
    field("f-channel", "Kanal", channel),
    field("f-jenis", "Jenis", jenis),
    field("f-bidang", "Bidang", bidang),
    el(
      "div",
      { class: "field check" },
      overdue,
      el("label", { for: "f-overdue" }, "Hanya yang terlambat"),
      hasOverdue ? null : el("p", { class: "hint" }, "Saring terlambat belum tersedia"),
    ),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Terapkan")),
  );
  overdue.id = "f-overdue";

  const counts = el("div", { class: "counts", "aria-live": "polite" });
  const msg = el("div");
  const results = el("div", { id: "hasil", "aria-live": "polite" });
  const pager = el("nav", { class: "pager", "aria-label": "Halaman hasil" });
  add(main, counts, form, msg, results, pager);

  // The filters stay in memory, never in the address: a search may be a citizen's name.
  const cursors = [null];
  let pageNo = 0;

  function query() {
    const p = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status.value) p.set("status", status.value);
    if (channel.value) p.set("channel", channel.value);
    if (jenis.value) p.set("jenis", jenis.value);
    if (bidang.value) p.set("bidang", bidang.value);
    if (hasOverdue && overdue.checked) p.set("overdue", "true");
    const text = q.value.trim();
    if (text.length >= 2) p.set("q", text);
    const c = cursors[pageNo];
    if (c) p.set("cursor", c);
    return p;
  }

  async function load() {
    clear(msg);
    results.setAttribute("aria-busy", "true");
    try {
      const page = await api("GET", `/api/v1/cases?${query()}`);
      cursors[pageNo + 1] = page.nextCursor;
      drawTable(page.data);
      drawPager(page.nextCursor);
    } catch (e) {
      add(msg, notice("error", errorMessage(e)));
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  function drawTable(rows) {
    clear(results);
    if (!rows.length) {
      add(results, el("p", { class: "muted" }, "Tidak ada kasus yang cocok."));
      return;
    }
    const body = el(
      "tbody",
      {},
      rows.map((c) =>
        el(
          "tr",
          { "data-case": c.number },
          el("td", { "data-label": "Nomor" }, el("a", { href: `/kasus/${c.id}` }, c.number)),
          el("td", { "data-label": "Diterima" }, fmtDateTime(c.receivedAt)),
          el("td", { "data-label": "Kanal" }, CHANNEL[c.channel] || c.channel),
          el("td", { "data-label": "Pelapor" }, pelaporCell(c)),
          el("td", { "data-label": "Keperluan", class: "clip" }, c.title || c.keperluan),
          el("td", { "data-label": "Jenis" }, c.jenis ? JENIS[c.jenis] || c.jenis : "–"),
          el("td", { "data-label": "Status" }, statusBadge(c.status)),
          el("td", { "data-label": "SLA" }, slaBadge(c) || "–"),
        ),
      ),
    );
    add(
      results,
      el(
        "table",
        { class: "cases" },
        el("caption", { class: "sr-only" }, "Daftar kasus, terbaru di atas"),
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ["Nomor", "Diterima", "Kanal", "Pelapor", "Keperluan", "Jenis", "Status", "SLA"].map(
              (h) => el("th", { scope: "col" }, h),
            ),
          ),
        ),
        body,
      ),
    );
  }

  function drawPager(next) {
    clear(pager);
    const prev = el("button", { type: "button", disabled: pageNo === 0 }, "‹ Sebelumnya");
    const nextBtn = el("button", { type: "button", disabled: !next }, "Berikutnya ›");
    prev.addEventListener("click", () => {
      pageNo = Math.max(0, pageNo - 1);
      load();
    });
    nextBtn.addEventListener("click", () => {
      pageNo += 1;
      load();
    });
    add(pager, prev, el("span", {}, `Halaman ${pageNo + 1}`), nextBtn);
  }

  async function loadCounts() {
    if (!operation(spec, "GET", "/api/v1/console/case-counts")) return;
    try {
      const c = await api("GET", "/api/v1/console/case-counts");
      add(
        clear(counts),
        el(
          "ul",
          { class: "count-list", "aria-label": "Jumlah kasus per status" },
          el("li", {}, el("strong", {}, String(c.total)), " semua"),
          Object.entries(STATUS).map(([k, label]) =>
            el(
              "li",
              {},
              el(
                "button",
                {
                  type: "button",
                  class: "link",
                  "data-count": k,
                  onclick: () => {
                    status.value = k;
                    pageNo = 0;
                    load();
                  },
                },
                el("strong", {}, String(c.perStatus[k] || 0)),
                " ",
                label.toLowerCase(),
              ),
            ),
          ),
          c.overdue !== undefined && c.overdue !== null
            ? el("li", { class: "late" }, el("strong", {}, String(c.overdue)), " terlambat")
            : null,
        ),
      );
    } catch {
      /* counts are a convenience; the list still works */
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (q.value.trim().length === 1) {
      add(msg, notice("error", "Kata pencarian minimal 2 huruf."));
      return;
    }
    pageNo = 0;
    cursors.length = 1;
    load();
  });
  await Promise.all([load(), loadCounts()]);
}

// The API never lists a rahasia pelapor (it sends the label "Identitas dirahasiakan") nor
// an anonim one (null); the cell says which.
function pelaporCell(c) {
  if (c.rahasia)
    return el(
      "em",
      { class: "muted", "data-rahasia": "" },
      c.pelaporName || "Identitas dirahasiakan",
    );
  if (c.anonim) return el("em", { class: "muted" }, "Anonim");
  return c.pelaporName || "–";
}
