// @ts-check
// The case's messages, attachments and the reply form.
import { api, operation } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  notice,
  errorMessage,
  unavailable,
  section,
  fmtDateTime,
  CHANNEL,
} from "../shared/ui.js";
import { bodyProps, pick } from "./case-actions.js";

/** @typedef {import("../shared/types.js").Case} Case */
/** @typedef {import("../shared/types.js").Party} Party */
/** @typedef {import("../shared/types.js").Spec} Spec */
/** @typedef {import("../shared/types.js").User} User */
/** @typedef {import("../shared/types.js").Can} Can */
/** @typedef {import("../shared/types.js").CaseMessage} CaseMessage */
/** @typedef {import("../shared/types.js").AttachmentMeta} AttachmentMeta */

/** @type {Record<string, string>} */
const DELIVERY = {
  queued: "dalam antrean",
  sent: "terkirim",
  delivered: "sampai",
  read: "dibaca",
  failed: "gagal",
  delivered_in_person: "disampaikan langsung",
  delivered_by_phone: "disampaikan lewat telepon",
  recorded: "dicatat",
};

/** @param {string} base */
async function attachmentsList(base) {
  const r = await api("GET", `${base}/attachments`);
  const items = r.data || [];
  if (!items.length) return el("p", { class: "muted" }, "Belum ada lampiran.");
  return el(
    "ul",
    { class: "attachments" },
    items.map((/** @type {AttachmentMeta} */ a) =>
      el(
        "li",
        {},
        a.status === "stored"
          ? el("a", { href: `${base}/attachments/${a.id}` }, a.fileName || "lampiran")
          : `${a.fileName || "lampiran"} (${a.status === "refused" ? "ditolak" : "gagal diambil"}${a.error ? ": " + a.error : ""})`,
        a.size ? el("span", { class: "muted" }, ` · ${Math.ceil(a.size / 1024)} KB`) : "",
      ),
    ),
  );
}

/** @param {Case} c @param {string} base @param {Spec} spec @param {Can} can */
export async function messagesSection(c, base, spec, can) {
  const box = section("Pesan dan balasan");
  const listPath = "/api/v1/cases/{id}/messages";
  const replyPath = "/api/v1/cases/{id}/replies";
  if (operation(spec, "GET", listPath)) {
    try {
      const r = await api("GET", `${base}/messages`);
      const items = Array.isArray(r) ? r : r.data || [];
      add(
        box,
        items.length
          ? el(
              "ol",
              { class: "messages" },
              items.map((/** @type {CaseMessage} */ m) =>
                el(
                  "li",
                  { class: m.direction === "out" ? "out" : "in" },
                  el(
                    "p",
                    { class: "muted" },
                    `${m.direction === "out" ? "Keluar" : "Masuk"} · ${fmtDateTime(m.at)}${m.deliveryStatus ? " · " + (DELIVERY[m.deliveryStatus] || m.deliveryStatus) : ""}`,
                  ),
                  el("p", { class: "prose" }, m.body || ""),
                ),
              ),
            )
          : el("p", { class: "muted" }, "Belum ada pesan."),
      );
    } catch (e) {
      add(box, notice("error", errorMessage(e)));
    }
    try {
      add(box, el("h3", {}, "Lampiran"), await attachmentsList(base));
    } catch (e) {
      add(box, notice("error", errorMessage(e)));
    }
  } else {
    add(box, unavailable("Daftar pesan"));
  }
  const replyAccess = can("POST", replyPath);
  if (replyAccess === "missing") {
    add(box, unavailable("Membalas warga"));
  } else if (replyAccess === "yes") {
    const props = bodyProps(spec, "POST", replyPath);
    const text = el("textarea", { rows: 3, maxlength: 4000 });
    const msg = el("div", { "aria-live": "polite" });
    const form = el(
      "form",
      { novalidate: true },
      field("reply-text", `Balasan ke warga (lewat ${CHANNEL[c.channel] || c.channel})`, text),
      el("div", { class: "actions" }, el("button", { type: "submit" }, "Kirim balasan")),
      msg,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(msg);
      if (text.value.trim().length < 2) {
        add(msg, notice("error", "Tulis isi balasan."));
        text.focus();
        return;
      }
      const body = { [pick(props, ["body", "text", "message"]) || "body"]: text.value.trim() };
      try {
        await api("POST", `${base}/replies`, body);
        add(msg, notice("ok", "Balasan tercatat dan dikirim."));
        text.value = "";
      } catch (e) {
        add(msg, notice("error", errorMessage(e)));
      }
    });
    add(box, form);
  }
  return box;
}
