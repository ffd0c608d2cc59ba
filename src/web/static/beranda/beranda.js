// @ts-check
/* global document, window, URLSearchParams */
// issue 15: the beranda of the kadis and the koordinator: a chosen year's counts per status,
// jenis, bidang, channel and month as simple SVG bars; the overdue cases; the telaah waiting
// for the kadis' decision. Every number links to the inbox filtered to what it counts.
import { api } from "../shared/api.js";
import {
  add,
  clear,
  el,
  errorMessage,
  fmtDate,
  notice,
  section,
  statusBadge,
  BIDANG,
  CHANNEL,
  JENIS,
  STATUS,
  MONTHS_SHORT,
} from "../shared/ui.js";
import { inboxHref } from "../inbox/inbox-state.js";

const SVG = "http://www.w3.org/2000/svg";
const REC = { audit: "diteruskan dengan audit", dihentikan: "penanganan dihentikan" };

/** @param {string} tag @param {Record<string, string | number>} attrs @param {...Node} kids */
function svg(tag, attrs, ...kids) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  for (const k of kids) n.append(k);
  return n;
}

/**
 * One row per value: its label and linked number, a bar under it (labels are never cut).
 * @param {string} key data attribute of the chart
 * @param {{ label: string, n: number, href: string | null }[]} rows
 */
function barChart(key, rows) {
  const max = Math.max(1, ...rows.map((r) => r.n));
  return el(
    "ol",
    { class: "chart bars", "data-chart": key },
    rows.map((r) =>
      el(
        "li",
        {},
        el(
          "div",
          { class: "bar-head" },
          el("span", { class: "bar-label" }, r.label),
          r.href
            ? el("a", { href: r.href, "data-count": `${key}:${r.n}` }, String(r.n))
            : el("span", { "data-count": `${key}:${r.n}` }, String(r.n)),
        ),
        svg(
          "svg",
          {
            viewBox: "0 0 100 6",
            preserveAspectRatio: "none",
            width: "100%",
            height: 6,
            "aria-hidden": "true",
          },
          svg("rect", { x: 0, y: 0, height: 6, width: 100, class: "track" }),
          svg(
            "rect",
            { x: 0, y: 0, height: 6, width: (r.n / max) * 100, class: "bar" },
            svg("title", {}, document.createTextNode(`${r.label}: ${r.n}`)),
          ),
        ),
      ),
    ),
  );
}

/** Month columns (SVG) with a linked number under each. @param {number[]} perMonth @param {number} year */
function monthChart(perMonth, year) {
  const max = Math.max(1, ...perMonth);
  const chart = svg(
    "svg",
    {
      viewBox: "0 0 120 50",
      preserveAspectRatio: "none",
      class: "cols-chart",
      "aria-hidden": "true",
    },
    ...perMonth.map((n, i) =>
      svg(
        "rect",
        { x: i * 10 + 1, y: 50 - (n / max) * 48, width: 8, height: (n / max) * 48, class: "bar" },
        svg("title", {}, document.createTextNode(`${MONTHS_SHORT[i]} ${year}: ${n}`)),
      ),
    ),
  );
  const links = el(
    "ol",
    { class: "month-labels" },
    perMonth.map((n, i) => {
      const mm = String(i + 1).padStart(2, "0");
      const last = new Date(Date.UTC(year, i + 1, 0)).getUTCDate();
      return el(
        "li",
        {},
        el("span", {}, MONTHS_SHORT[i]),
        el(
          "a",
          {
            href: inboxHref({ from: `${year}-${mm}-01`, to: `${year}-${mm}-${last}`, bidang: "" }),
            "data-count": `bulan-${mm}:${n}`,
          },
          String(n),
        ),
      );
    }),
  );
  return el("div", { class: "chart months", "data-chart": "bulan" }, chart, links);
}

/** @typedef {import("../shared/types.js").DashboardItem} DashboardItem */

/**
 * @param {DashboardItem[]} items
 * @param {boolean} withRec
 */
function caseList(items, withRec) {
  if (!items.length) return el("p", { class: "muted" }, "Tidak ada.");
  return el(
    "ul",
    { class: "case-list" },
    items.map((c) =>
      el(
        "li",
        { "data-case": c.number },
        el("a", { href: `/kasus/${c.id}` }, c.number),
        " ",
        statusBadge(c.status),
        ` · ${c.bidang ? BIDANG[c.bidang] || c.bidang : "belum didisposisi"}`,
        c.jenis ? ` · ${JENIS[c.jenis] || c.jenis}` : "",
        withRec
          ? ` · rekomendasi: ${(c.recommendation && REC[c.recommendation]) || "–"}`
          : c.dueAt
            ? ` · batas ${fmtDate(c.dueAt)}`
            : "",
      ),
    ),
  );
}

/** @param {HTMLElement} main */
export async function render(main) {
  const nowYear = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
  const asked = Number(new URLSearchParams(window.location.search).get("tahun"));
  let year = Number.isInteger(asked) && asked >= 2000 && asked <= nowYear ? asked : nowYear;
  const years = [];
  for (let y = nowYear; y >= nowYear - 5; y--) years.push(y);
  const pick = /** @type {HTMLSelectElement} */ (
    el(
      "select",
      { id: "tahun", name: "tahun" },
      years.map((y) => el("option", { value: String(y) }, String(y))),
    )
  );
  pick.value = String(year);
  const body = el("div", { id: "beranda", "aria-live": "polite" });
  add(
    main,
    el(
      "form",
      { class: "inline" },
      el("div", { class: "field" }, el("label", { for: "tahun" }, "Tahun"), pick),
    ),
    body,
  );

  async function load() {
    body.setAttribute("aria-busy", "true");
    try {
      const d = await api("GET", `/api/v1/console/dashboard?year=${year}`);
      draw(d);
    } catch (e) {
      add(clear(body), notice("error", errorMessage(e)));
    } finally {
      body.removeAttribute("aria-busy");
    }
  }

  /** @param {any} d */
  function draw(d) {
    const from = `${year}-01-01`;
    const to = `${year}-12-31`;
    /** @param {Record<string, number>} counts @param {Record<string, string>} labels @param {string} key */
    const rows = (counts, labels, key) => {
      const codes = [...new Set([...Object.keys(labels), ...Object.keys(counts)])];
      return codes
        .filter((c) => c !== "" || counts[c])
        .map((c) => ({
          label:
            c === ""
              ? key === "jenis"
                ? "Belum ditentukan"
                : "Belum didisposisi"
              : labels[c] || c,
          n: counts[c] || 0,
          // "" = no bidang/jenis yet: the inbox's "tanpa" filter (noBidang / noJenis).
          href: inboxHref({
            [key]: c === "" ? "tanpa" : c,
            from,
            to,
            bidang: key === "bidang" ? (c === "" ? "tanpa" : c) : "",
          }),
        }))
        .filter((r) => key === "status" || key === "bidang" || r.n > 0);
    };
    add(
      clear(body),
      el(
        "p",
        { class: "lead" },
        "Aduan diterima tahun ",
        String(year),
        ": ",
        el(
          "a",
          { href: inboxHref({ from, to, bidang: "" }), "data-count": `total:${d.total}` },
          String(d.total),
        ),
      ),
      el(
        "div",
        { class: "dash-grid" },
        section(
          `Terlambat (${d.overdueTotal})`,
          el(
            "p",
            {},
            el(
              "a",
              {
                href: inboxHref({ overdue: true, bidang: "" }),
                "data-count": `terlambat:${d.overdueTotal}`,
              },
              `${d.overdueTotal} kasus melewati batas waktu`,
            ),
          ),
          caseList(d.overdue, false),
        ),
        section(
          `Menunggu keputusan (${d.awaitingDecisionTotal})`,
          el("p", { class: "hint" }, "Telaah penelaah yang menunggu keputusan kepala dinas."),
          caseList(d.awaitingDecision, true),
        ),
      ),
      el(
        "div",
        { class: "dash-grid" },
        section("Per status", barChart("status", rows(d.perStatus, STATUS, "status"))),
        section("Per bidang", barChart("bidang", rows(d.perBidang, BIDANG, "bidang"))),
        section("Per kanal", barChart("channel", rows(d.perChannel, CHANNEL, "channel"))),
        section("Per jenis", barChart("jenis", rows(d.perJenis, JENIS, "jenis"))),
      ),
      section(`Per bulan ${year}`, monthChart(d.perMonth, year)),
    );
  }

  pick.addEventListener("change", () => {
    year = Number(pick.value);
    const url = new URLSearchParams({ tahun: String(year) });
    window.history.pushState({}, "", `${window.location.pathname}?${url}`);
    load();
  });
  window.addEventListener("popstate", () => {
    if (!main.isConnected) return;
    const y = Number(new URLSearchParams(window.location.search).get("tahun")) || nowYear;
    year = y;
    pick.value = String(y);
    load();
  });
  await load();
}
