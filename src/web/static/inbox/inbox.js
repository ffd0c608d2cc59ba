// @ts-check
/* global URLSearchParams, window */
import { api, operation } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  options,
  notice,
  errorMessage,
  STATUS,
  CHANNEL,
  JENIS,
  BIDANG,
} from "../shared/ui.js";
import { dateInput, dateField } from "../shared/date-input.js";
import { readState, writeState, witaStart, witaEndExclusive, witaToday } from "./inbox-state.js";
import { caseTable } from "./inbox-table.js";

const PAGE_SIZE = 20;
/** The jenis/bidang filter value (and address value) for "none yet". */
const NONE = "tanpa";

/** @param {HTMLElement} main @param {import("../shared/types.js").PageContext} ctx */
export async function render(main, { spec, user }) {
  const listOp = operation(spec, "GET", "/api/v1/cases");
  const params = new Set(
    ((listOp && listOp.parameters) || []).map((/** @type {{ name: string }} */ p) => p.name),
  );
  const hasOverdue = params.has("overdue");
  const state = readState(user);

  const mine = user.role === "penelaah" && user.bidang ? user.bidang : null;
  const status = el("select", { name: "status" }, options(STATUS, { empty: "Semua status" }));
  const channel = el("select", { name: "channel" }, options(CHANNEL, { empty: "Semua kanal" }));
  const jenis = el("select", { name: "jenis" }, options(JENIS, { empty: "Semua jenis" }));
  const bidangLabels = { ...BIDANG };
  if (mine) bidangLabels[mine] = `Bidang saya (${BIDANG[mine] || mine})`;
  const bidang = el("select", { name: "bidang" }, options(bidangLabels, { empty: "Semua bidang" }));
  // issue 15: cases nobody classified / disposed yet ("tanpa" in the address).
  if (params.has("noJenis")) add(jenis, el("option", { value: NONE }, "Tanpa jenis"));
  if (params.has("noBidang")) add(bidang, el("option", { value: NONE }, "Tanpa bidang"));
  const q = el("input", {
    type: "search",
    name: "q",
    maxlength: 100,
    autocomplete: "off",
    placeholder: "Nomor, nama, NIK, telepon…",
  });
  // dd/mm/yyyy whatever the browser's locale; .value stays yyyy-mm-dd.
  const from = dateInput({ name: "dari" });
  const to = dateInput({ name: "sampai" });
  const sort = el(
    "select",
    { name: "urut" },
    el("option", { value: "arrival" }, "Waktu masuk"),
    el("option", { value: "received" }, "Tanggal diterima"),
  );
  const overdue = el("input", { type: "checkbox", name: "overdue", disabled: !hasOverdue });
  overdue.id = "f-overdue";
  const today = el("button", { type: "button", "data-today": "" }, "Hari ini");
  const reset = el("button", { type: "button", "data-reset": "" }, "Hapus saringan");
  const form = el(
    "form",
    { class: "filters", role: "search", "aria-label": "Saring kasus" },
    field(
      "f-q",
      "Cari",
      q,
      "Nomor kasus, nomor pelacakan LAPOR!, nama, isi keperluan, NIK, atau telepon",
    ),
    field("f-status", "Status", status),
    field("f-channel", "Kanal", channel),
    field("f-jenis", "Jenis", jenis),
    field("f-bidang", "Bidang", bidang),
    dateField("f-dari", "Diterima dari tanggal", from),
    dateField("f-sampai", "Sampai tanggal", to),
    field("f-urut", "Urutkan", sort),
    el(
      "div",
      { class: "field check" },
      overdue,
      el("label", { for: "f-overdue" }, "Hanya yang terlambat"),
      hasOverdue ? null : el("p", { class: "hint" }, "Saring terlambat belum tersedia"),
    ),
    el(
      "div",
      { class: "actions" },
      el("button", { type: "submit", class: "primary" }, "Terapkan"),
      today,
      reset,
    ),
  );

  const counts = el("div", { class: "counts", "aria-live": "polite" });
  const msg = el("div");
  const summary = el("p", { class: "list-total", "aria-live": "polite" });
  const results = el("div", { id: "hasil", class: "table-wrap", "aria-live": "polite" });
  const pager = el("nav", { class: "pager", "aria-label": "Halaman hasil" });
  /** The total and counts of the current filter set, once the API answered them. */
  /** @type {Pick<import("../shared/types.js").CasePage, "total" | "counts"> | null} */
  let known = null;
  add(main, counts, form, msg, summary, results, pager);

  function toForm() {
    q.value = state.q;
    status.value = state.status;
    channel.value = state.channel;
    jenis.value = state.jenis;
    bidang.value = state.bidang;
    from.value = state.from;
    to.value = state.to;
    sort.value = state.sort;
    overdue.checked = hasOverdue && state.overdue;
  }

  function fromForm() {
    state.q = q.value.trim();
    state.status = status.value;
    state.channel = channel.value;
    state.jenis = jenis.value;
    state.bidang = bidang.value;
    state.from = from.value;
    state.to = to.value;
    state.sort = sort.value === "received" ? "received" : "arrival";
    state.overdue = hasOverdue && overdue.checked;
  }

  function query() {
    const p = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (state.status) p.set("status", state.status);
    if (state.channel) p.set("channel", state.channel);
    if (state.jenis === NONE) p.set("noJenis", "true");
    else if (state.jenis) p.set("jenis", state.jenis);
    if (state.bidang === NONE) p.set("noBidang", "true");
    else if (state.bidang) p.set("bidang", state.bidang);
    if (state.from) p.set("receivedFrom", witaStart(state.from));
    if (state.to) p.set("receivedTo", witaEndExclusive(state.to));
    if (state.overdue) p.set("overdue", "true");
    if (params.has("sort")) p.set("sort", state.sort);
    if (state.q.length >= 2) p.set("q", state.q);
    // The total and counts are the same on every page of one filter set: asked once.
    if (!known && params.has("counts")) p.set("counts", "true");
    const c = state.cursors[state.page];
    if (c) p.set("cursor", c);
    return p;
  }

  /** A filter changed: back to page 1, in a new history entry (Back undoes it). */
  function apply() {
    known = null;
    state.page = 0;
    state.cursors = [null];
    writeState(state, user, true);
    toForm();
    return load();
  }

  async function load() {
    clear(msg);
    results.setAttribute("aria-busy", "true");
    try {
      const page = await api("GET", `/api/v1/cases?${query()}`);
      state.cursors[state.page + 1] = page.nextCursor;
      writeState(state, user, false);
      if (page.counts) known = { total: page.total, counts: page.counts };
      drawTable(page.data);
      drawPager(page.nextCursor, known ? known.total : undefined);
      drawCounts(known ? known.counts : null);
    } catch (e) {
      clear(results);
      clear(summary);
      add(msg, notice("error", errorMessage(e)));
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  /** @param {import("../shared/types.js").CaseSummary[]} rows */
  function drawTable(rows) {
    clear(results);
    add(
      results,
      rows.length
        ? caseTable(rows, state.sort)
        : el("p", { class: "muted" }, "Tidak ada kasus yang cocok."),
    );
  }

  /** @param {string | null | undefined} next @param {number | undefined} total */
  function drawPager(next, total) {
    clear(pager);
    const pages = typeof total === "number" ? Math.max(1, Math.ceil(total / PAGE_SIZE)) : null;
    add(clear(summary), typeof total === "number" ? `${total} kasus cocok dengan saringan` : null);
    summary.dataset.total = String(total ?? "");
    const prev = el("button", { type: "button", disabled: state.page === 0 }, "‹ Sebelumnya");
    const nextBtn = el("button", { type: "button", disabled: !next }, "Berikutnya ›");
    prev.addEventListener("click", () => {
      state.page = Math.max(0, state.page - 1);
      writeState(state, user, true);
      load();
    });
    nextBtn.addEventListener("click", () => {
      state.page += 1;
      writeState(state, user, true);
      load();
    });
    add(
      pager,
      prev,
      el(
        "span",
        { "data-page-no": state.page + 1 },
        pages ? `Halaman ${state.page + 1} dari ${pages}` : `Halaman ${state.page + 1}`,
      ),
      nextBtn,
    );
  }

  // The counts follow every filter but the status (and "terlambat" the status too): each is
  // a click away from the list it counts.
  /** @param {import("../shared/types.js").CasePage["counts"] | null | undefined} c */
  function drawCounts(c) {
    if (!c) return;
    const all = Object.values(c.perStatus).reduce((a, b) => a + b, 0);
    /** @param {string} key @param {number} n @param {string} label @param {() => void} onclick @param {boolean} current */
    const link = (key, n, label, onclick, current) =>
      el(
        "button",
        {
          type: "button",
          class: "link",
          "data-count": key,
          "aria-pressed": current ? "true" : "false",
          onclick,
        },
        el("strong", {}, String(n)),
        " ",
        label,
      );
    add(
      clear(counts),
      el(
        "ul",
        { class: "count-list", "aria-label": "Jumlah kasus per status" },
        el(
          "li",
          {},
          link(
            "semua",
            all,
            "semua",
            () => {
              status.value = "";
              fromForm();
              apply();
            },
            !state.status,
          ),
        ),
        Object.entries(STATUS).map(([k, label]) =>
          el(
            "li",
            {},
            link(
              k,
              c.perStatus[k] || 0,
              label.toLowerCase(),
              () => {
                status.value = k;
                fromForm();
                apply();
              },
              state.status === k,
            ),
          ),
        ),
        hasOverdue
          ? el(
              "li",
              { class: "late" },
              link(
                "terlambat",
                c.overdue,
                "terlambat",
                () => {
                  overdue.checked = !state.overdue;
                  fromForm();
                  apply();
                },
                state.overdue,
              ),
            )
          : null,
      ),
    );
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (q.value.trim().length === 1) {
      add(clear(msg), notice("error", "Kata pencarian minimal 2 huruf."));
      return;
    }
    fromForm();
    apply();
  });
  today.addEventListener("click", () => {
    from.value = witaToday();
    to.value = witaToday();
    fromForm();
    apply();
  });
  reset.addEventListener("click", () => {
    form.reset();
    bidang.value = "";
    sort.value = "arrival";
    fromForm();
    apply();
  });
  // Back/Forward between inbox states: the module stays, the state comes from the entry.
  const onPop = () => {
    if (!main.isConnected) {
      window.removeEventListener("popstate", onPop);
      return;
    }
    Object.assign(state, readState(user));
    known = null;
    toForm();
    load();
  };
  window.addEventListener("popstate", onPop);

  toForm();
  await load();
}
