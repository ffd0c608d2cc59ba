// @ts-check
/* global window, document */
// The case page: the summary, then one section per module of this folder.
import { api, access } from "../shared/api.js";
import { receiptTools } from "./receipt.js";
import {
  add,
  el,
  notice,
  errorMessage,
  section,
  fmtDateTime,
  slaBadge,
  slaOf,
  statusBadge,
  CHANNEL,
  BIDANG,
} from "../shared/ui.js";
import { timeline, clockSection, linksSection } from "./case-steps.js";
import { jenisSection, jenisText } from "./case-jenis.js";
import { maskingNote, partyItem, REVEAL } from "./case-parties.js";
import { actionsSection, telaahSection } from "./case-actions.js";
import { findingsSection } from "./case-findings.js";
import { messagesSection } from "./case-messages.js";

/** @typedef {import("../shared/types.js").Case} Case */
/** @typedef {import("../shared/types.js").PageContext} PageContext */

/** @param {Case} c */
function slaClock(c) {
  const s = slaOf(c);
  if (!c.dueAt || !s)
    return el(
      "p",
      { class: "muted" },
      c.closedAt ? `Ditutup ${fmtDateTime(c.closedAt)}` : "Tidak ada tenggat berjalan",
    );
  const ms = new Date(c.dueAt).getTime() - Date.now();
  const h = Math.round(Math.abs(ms) / 3600_000);
  const span = h >= 48 ? `${Math.round(h / 24)} hari` : `${h} jam`;
  return el(
    "p",
    { class: "sla-clock" },
    slaBadge(c),
    " ",
    ms >= 0 ? `sisa ${span}` : `lewat ${span}`,
    ` · batas ${fmtDateTime(c.dueAt)}`,
  );
}

/** @param {HTMLElement} main @param {PageContext} ctx */
export async function render(main, { user, spec }) {
  const id = window.location.pathname.split("/").pop();
  const base = `/api/v1/cases/${id}`;
  /** @type {Case} */
  let c;
  try {
    c = await api("GET", base);
  } catch (e) {
    add(main, notice("error", errorMessage(e)));
    return;
  }
  /** @type {import("../shared/types.js").Can} */
  const can = (m, p) => access(spec, user, m, p);
  /** @type {HTMLElement} */ (main.querySelector("h1")).textContent = `Kasus ${c.number}`;
  document.title = `${c.number} · Aduan Dinas Sosial Tabalong`;

  const summary = el(
    "section",
    { class: "card", "aria-label": "Ringkasan" },
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, "Status"),
      el("dd", { id: "status-kasus", "data-status": c.status }, statusBadge(c.status)),
      el("dt", {}, "Tenggat (SLA)"),
      el("dd", {}, slaClock(c)),
      el("dt", {}, "Kanal"),
      el("dd", {}, CHANNEL[c.channel] || c.channel),
      el("dt", {}, "Diterima"),
      el("dd", {}, fmtDateTime(c.receivedAt)),
      el("dt", {}, "Jenis"),
      el("dd", { id: "jenis-kasus", "data-jenis": c.jenis || "" }, jenisText(c.jenis)),
      el("dt", {}, "Bidang"),
      el("dd", {}, c.bidang ? `${c.bidang} – ${BIDANG[c.bidang] || ""}` : "Belum didisposisi"),
    ),
    receiptTools(c, spec, user),
    el("h2", {}, "Keperluan"),
    el("p", { class: "prose", id: "keperluan" }, c.keperluan),
    c.historicalNarasi ? el("p", { class: "muted" }, `Narasi lama: ${c.historicalNarasi}`) : null,
  );

  const parties = section(
    "Pihak",
    c.parties.length
      ? el(
          "ul",
          { class: "parties" },
          c.parties.map((p) => partyItem(c, p, spec, user)),
        )
      : el("p", { class: "muted" }, c.anonim ? "Pelapor anonim" : "Tidak ada data pihak"),
    el(
      "p",
      { class: "hint", "data-masking-note": "" },
      maskingNote(c, access(spec, user, "POST", REVEAL) === "yes"),
    ),
  );

  add(main, summary, jenisSection(c, base, can), parties, await linksSection(c, base, can));
  add(main, await actionsSection(c, base, spec, can), clockSection(c, base, can));
  add(main, telaahSection(c, base, spec, can));
  add(main, await findingsSection(c, base, spec, can));
  add(main, await messagesSection(c, base, spec, can));
  add(main, timeline(c));
}
