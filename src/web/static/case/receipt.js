// @ts-check
/* global document, window, setTimeout */
// The tanda terima in the console (issues 15.2 and 18): the desk's confirmation after an
// intake (with the token the intake answered, shown once) and the case page's print tools
// (reprint without the token, or a new token that replaces the lost one: audited).
import { api, access } from "../shared/api.js";
import { el, add, clear, notice, errorMessage } from "../shared/ui.js";

/** @typedef {import("../shared/types.js").Case} Case */
/** @typedef {import("../shared/types.js").CaseCreated} CaseCreated */
/** @typedef {import("../shared/types.js").Spec} Spec */
/** @typedef {import("../shared/types.js").User} User */

/** Fetches the case's A5 PDF (with the token when given) and hands it over as a download. */
/** @param {string} caseId @param {string} number @param {string | null} [token] */
export async function downloadReceipt(caseId, number, token) {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/pdf" };
  if (token) headers["X-Lookup-Token"] = token;
  const res = await api("GET", `/api/v1/cases/${caseId}/receipt`, undefined, {
    raw: true,
    headers,
  });
  const url = URL.createObjectURL(await res.blob());
  const a = el("a", { href: url, download: `tanda-terima-${number}.pdf` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** @param {string} token */
function tokenBox(token) {
  return el(
    "p",
    { class: "receipt-token" },
    el("strong", {}, "Token pelacakan untuk pelapor: "),
    el("code", { "data-lookup-token": "" }, token),
    el(
      "span",
      { class: "hint" },
      " Hanya tampil sekali: cetak tanda terima sekarang. Pelapor memantau status di /pengaduan/status.",
    ),
  );
}

/** The intake confirmation's part: token + "Cetak tanda terima". */
/** @param {CaseCreated} data */
export function receiptConfirmation(data) {
  const out = el("div", { class: "receipt-confirm" });
  const msg = el("p", { role: "status" });
  if (data.lookupToken) add(out, tokenBox(data.lookupToken));
  else
    add(
      out,
      el(
        "p",
        { class: "hint" },
        "Token pelacakan tidak tersedia untuk aduan yang dikirim ulang dari antrean; terbitkan token baru di halaman kasus.",
      ),
    );
  add(
    out,
    el(
      "button",
      {
        type: "button",
        onclick: async () => {
          msg.textContent = "";
          try {
            await downloadReceipt(data.id, data.number, data.lookupToken || null);
            msg.textContent = "Tanda terima diunduh (PDF A5).";
          } catch (e) {
            msg.textContent = errorMessage(e);
          }
        },
      },
      "Cetak tanda terima",
    ),
    msg,
  );
  return out;
}

/** The case page's print tools: reprint, print the page, and (desk) a new token. */
/** @param {Case} c @param {Spec} spec @param {User} user */
export function receiptTools(c, spec, user) {
  const box = el("div", { class: "receipt-tools no-print" });
  const out = el("div", { "aria-live": "polite" });
  const reissue = access(spec, user, "POST", "/api/v1/cases/{id}/lookup-token") === "yes";
  add(
    box,
    el(
      "button",
      {
        type: "button",
        onclick: () =>
          downloadReceipt(c.id, c.number, null).catch((e) =>
            add(clear(out), notice("error", errorMessage(e))),
          ),
      },
      "Cetak tanda terima",
    ),
    el(
      "button",
      { type: "button", class: "secondary", onclick: () => window.print() },
      "Cetak halaman",
    ),
    reissue
      ? el(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: async () => {
              if (
                !window.confirm(
                  "Terbitkan token pelacakan baru? Token lama pelapor tidak berlaku lagi.",
                )
              )
                return;
              try {
                const r = await api("POST", `/api/v1/cases/${c.id}/lookup-token`);
                add(clear(out), tokenBox(r.lookupToken));
                await downloadReceipt(c.id, c.number, r.lookupToken);
              } catch (e) {
                add(clear(out), notice("error", errorMessage(e)));
              }
            },
          },
          "Token baru + cetak",
        )
      : null,
    out,
  );
  return box;
}
