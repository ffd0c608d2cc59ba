// @ts-check
// The inbox's list of cases (inbox.js draws it): one row per case, with what a search
// matched and the pelapor as the API may show them.
import { dataTable, el, fmtDateTime, slaBadge, statusBadge, CHANNEL, JENIS } from "../shared/ui.js";

/** What a search term matched, as the row says it (issue 15). */
/** @type {Record<string, string>} */
const MATCH_LABEL = {
  nomor: "nomor kasus",
  pelacakan: "nomor pelacakan LAPOR!",
  nama: "nama",
  keperluan: "isi keperluan",
  nik: "NIK",
  telepon: "nomor telepon",
};

/**
 * @param {import("../shared/types.js").CaseSummary[]} rows
 * @param {string} sort "received" or "arrival": the caption says the order
 */
export function caseTable(rows, sort) {
  return dataTable(
    { class: "cases" },
    ["Nomor", "Diterima", "Kanal", "Pelapor", "Keperluan", "Jenis", "Status", "SLA"],
    rows.map((/** @type {import("../shared/types.js").CaseSummary} */ c) =>
      el(
        "tr",
        { "data-case": c.number, class: c.unread ? "unread" : null, "data-unread": c.unread },
        el(
          "td",
          { "data-label": "Nomor" },
          c.unread
            ? el(
                "span",
                { class: "dot", title: "Belum dibaca" },
                el("span", { class: "sr-only" }, "Belum dibaca "),
              )
            : null,
          el("a", { href: `/kasus/${c.id}` }, c.number),
          c.matchedBy && c.matchedBy.length
            ? el(
                "small",
                { class: "match", "data-match": c.matchedBy.join(" ") },
                "Cocok: " +
                  c.matchedBy.map((/** @type {string} */ m) => MATCH_LABEL[m] || m).join(", "),
              )
            : null,
        ),
        el("td", { "data-label": "Diterima" }, fmtDateTime(c.receivedAt)),
        el("td", { "data-label": "Kanal" }, CHANNEL[c.channel] || c.channel),
        el("td", { "data-label": "Pelapor" }, pelaporCell(c)),
        el("td", { "data-label": "Keperluan", class: "clip" }, c.title || c.keperluan),
        el("td", { "data-label": "Jenis" }, c.jenis ? JENIS[c.jenis] || c.jenis : "–"),
        el("td", { "data-label": "Status" }, statusBadge(c.status)),
        el("td", { "data-label": "SLA" }, slaBadge(c) || "–"),
      ),
    ),
    el(
      "caption",
      { class: "sr-only" },
      sort === "received"
        ? "Daftar kasus, tanggal diterima terbaru di atas"
        : "Daftar kasus, yang terakhir masuk di atas",
    ),
  );
}

// The API never lists a rahasia pelapor (it sends the label "Identitas dirahasiakan") nor
// an anonim one (null); the cell says which.
/** @param {import("../shared/types.js").CaseSummary} c */
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
