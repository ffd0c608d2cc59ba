/* global window, document, setTimeout, clearTimeout */
import { api, access, operation, csrfToken } from "../shared/api.js";
import { receiptTools } from "./receipt.js";
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
  slaBadge,
  slaOf,
  statusBadge,
  STATUS,
  CHANNEL,
  JENIS,
  BIDANG,
  FINAL,
} from "../shared/ui.js";
import {
  timeline,
  confirmTransition,
  clockSection,
  narasiEditor,
  linksSection,
} from "./case-steps.js";

const PROGRAMMES = {
  PKH: "PKH",
  BPNT: "BPNT",
  PBI_JK: "BPJS/PBI JK",
  ASLUT: "ASLUT",
  ATENSI: "ATENSI",
  RASDA: "Rasda",
  RUTILAHU: "Rutilahu",
  KKS: "KKS",
  ODKB: "ODKB",
  DTKS: "DTKS/DTSEN",
  LAINNYA: "Lainnya",
};
const STATUS_SEEN = {
  AKTIF: "Aktif",
  SUSPEND: "Suspend",
  EXCLUDE: "Exclude",
  NONAKTIF: "Nonaktif",
  TIDAK_TERDAFTAR: "Tidak terdaftar",
};

/** Property names of an operation's JSON request body (one level of $ref resolved). */
function bodyProps(spec, method, path) {
  const op = operation(spec, method, path);
  let s =
    op && op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
  s = s && s.schema;
  const resolve = (x) => {
    if (x && x.$ref) return spec.components.schemas[x.$ref.split("/").pop()];
    return x;
  };
  s = resolve(s);
  const props = new Set();
  const walk = (x) => {
    x = resolve(x);
    if (!x) return;
    Object.keys(x.properties || {}).forEach((k) => props.add(k));
    (x.allOf || []).forEach(walk);
  };
  walk(s);
  return props;
}
const pick = (props, names) => names.find((n) => props.has(n));

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

export async function render(main, { user, spec }) {
  const id = window.location.pathname.split("/").pop();
  const base = `/api/v1/cases/${id}`;
  let c;
  try {
    c = await api("GET", base);
  } catch (e) {
    add(main, notice("error", errorMessage(e)));
    return;
  }
  const can = (m, p) => access(spec, user, m, p);
  main.querySelector("h1").textContent = `Kasus ${c.number}`;
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

// issue 15: the note says what this page shows, read from the parties as the API sent them
// (the API decides the masking per role and flag), never a fixed sentence.
function maskingNote(c, canReveal) {
  const parts = [];
  const hidden = c.parties.filter((p) => p.identityHidden);
  if (hidden.length)
    parts.push(
      c.rahasia
        ? "Identitas pelapor dirahasiakan: nama, telepon, surel, NIK, dan alamat tidak ditampilkan."
        : "Pelapor anonim: nama, telepon, surel, NIK, dan alamat tidak ditampilkan.",
    );
  const shown = c.parties.filter((p) => !p.identityHidden);
  if (shown.some((p) => p.nikMasked)) parts.push("NIK ditampilkan tersamar.");
  const phones = shown.filter((p) => p.phone);
  if (phones.some((p) => p.phone.includes("*"))) parts.push("Nomor telepon tersamar.");
  else if (phones.length) parts.push("Nomor telepon ditampilkan lengkap untuk peran Anda.");
  if (canReveal && shown.some((p) => p.nikMasked || (p.phone && p.phone.includes("*"))))
    parts.push("Membuka nilai lengkap wajib menyebut keperluan dan dicatat.");
  return parts.join(" ") || "Tidak ada data pribadi pihak yang ditampilkan.";
}

const jenisText = (code) => (code ? JENIS[code] || code : "Belum ditentukan");

const JENIS_DECISION = {
  suggested: "Saran sistem, belum diperiksa petugas",
  accepted: "Saran sistem diterima petugas",
  overridden: "Diubah petugas",
};

/**
 * The jenis, the server's suggestion (case.jenisSuggested) and the decision on it; staff
 * who may edit the case set or correct the jenis through PATCH /cases/{id}, which records
 * whether they accepted the suggestion or overrode it.
 */
function jenisSection(c, base, can) {
  const box = section(
    "Jenis aduan",
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, "Jenis"),
      el("dd", {}, jenisText(c.jenis)),
      el("dt", {}, "Saran sistem"),
      el("dd", { id: "jenis-saran-sistem" }, c.jenisSuggested ? jenisText(c.jenisSuggested) : "–"),
      el("dt", {}, "Keputusan"),
      el(
        "dd",
        { id: "jenis-keputusan", "data-decision": c.jenisDecision || "" },
        JENIS_DECISION[c.jenisDecision] || "–",
      ),
    ),
  );
  if (can("PATCH", "/api/v1/cases/{id}") !== "yes") return box;
  const known = { ...JENIS };
  // A code retired from the catalogue still shows as the case's current value.
  for (const code of [c.jenis, c.jenisSuggested]) if (code && !known[code]) known[code] = code;
  const select = el("select", { name: "jenis" }, options(known, { empty: "Pilih jenis" }));
  select.value = c.jenis || c.jenisSuggested || "";
  const msg = el("div", { "aria-live": "polite" });
  const save = async (jenis, button) => {
    clear(msg);
    if (!jenis) {
      add(msg, notice("error", "Pilih jenis aduan."));
      select.focus();
      return;
    }
    button.disabled = true;
    try {
      await api("PATCH", base, { version: c.version, jenis });
      window.location.reload();
    } catch (e) {
      add(msg, notice("error", errorMessage(e)));
      button.disabled = false;
    }
  };
  const acceptable =
    c.jenisSuggested && (c.jenis !== c.jenisSuggested || c.jenisDecision === "suggested");
  add(
    box,
    field("jenis-pilih", "Ubah jenis", select, "Pilih dari katalog jenis bila saran keliru"),
    el(
      "div",
      { class: "actions wrap" },
      el(
        "button",
        {
          type: "button",
          class: "primary",
          "data-action": "simpan-jenis",
          onclick: (ev) => save(select.value, ev.target),
        },
        "Simpan jenis",
      ),
      acceptable
        ? el(
            "button",
            {
              type: "button",
              "data-action": "terima-saran-jenis",
              onclick: (ev) => save(c.jenisSuggested, ev.target),
            },
            "Terima saran sistem",
          )
        : null,
    ),
    msg,
  );
  return box;
}

const REVEAL = "/api/v1/cases/{id}/parties/{partyId}/reveal";
const REVEAL_IDENTITY = "/api/v1/cases/{id}/reveal-identity";

function partyItem(c, p, spec, user) {
  if (p.identityHidden) {
    return el(
      "li",
      { "data-identity-hidden": "" },
      el("strong", {}, "Pelapor: "),
      el("em", { class: "muted" }, p.name || "Anonim"),
      p.identityRevealable && access(spec, user, "POST", REVEAL_IDENTITY) === "yes"
        ? identityRevealControls(c, spec, user)
        : null,
    );
  }
  return el(
    "li",
    {},
    el("strong", {}, p.role === "pelapor" ? "Pelapor: " : "Atas nama: "),
    p.name || "(tanpa nama)",
    el(
      "span",
      { class: "muted" },
      [
        p.nikMasked ? ` · NIK ${p.nikMasked}` : "",
        p.phone ? ` · ${p.phone}` : "",
        // A WhatsApp sender known by a username only (issue 19): no phone number to show.
        !p.phone && p.bsuid ? " · WhatsApp (nama pengguna)" : "",
        p.email ? ` · ${p.email}` : "",
        p.alamat ? ` · ${p.alamat}` : "",
        p.desa || p.kecamatan ? ` · ${[p.desa, p.kecamatan].filter(Boolean).join(", ")}` : "",
      ].join(""),
    ),
    revealControls(c, p, spec, user),
  );
}

// A rahasia pelapor is masked for everyone; koordinator and kadis open it with a stated
// purpose, and the API records every opening.
function identityRevealControls(c, spec, user) {
  const purpose = el("input", { maxlength: 300, autocomplete: "off" });
  const out = el("span", { "aria-live": "polite" });
  const form = el(
    "form",
    { class: "inline reveal", novalidate: true },
    field(`rv-identity-${c.id}`, "Keperluan membuka identitas", purpose),
    el(
      "div",
      { class: "actions" },
      el("button", { type: "submit", class: "small" }, "Tampilkan identitas"),
    ),
    out,
  );
  const box = el("details", {}, el("summary", {}, "Tampilkan identitas"), form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(out);
    if (purpose.value.trim().length < 5) {
      add(out, notice("error", "Tulis keperluannya (minimal 5 huruf)."));
      purpose.focus();
      return;
    }
    try {
      const r = await api("POST", `/api/v1/cases/${c.id}/reveal-identity`, {
        purpose: purpose.value.trim(),
      });
      const li = box.closest("li");
      const list = li && li.parentElement;
      if (list) {
        list.querySelectorAll("li[data-identity-hidden]").forEach((x) => x.remove());
        list.prepend(...r.parties.map((p) => partyItem(c, p, spec, user)));
      }
      const kep = document.getElementById("keperluan");
      if (kep) kep.textContent = r.keperluan;
    } catch (e) {
      add(out, notice("error", errorMessage(e)));
    }
  });
  return box;
}

// Full NIK/phone only on request, with a stated purpose; the API audits every reveal.
function revealControls(c, p, spec, user) {
  if (access(spec, user, "POST", REVEAL) !== "yes" || (!p.nikMasked && !p.phone)) return null;
  const purpose = el("input", { maxlength: 300, autocomplete: "off" });
  const fieldSel = el(
    "select",
    {},
    options(
      Object.fromEntries(
        [p.nikMasked ? ["nik", "NIK"] : null, p.phone ? ["phone", "Telepon"] : null].filter(
          Boolean,
        ),
      ),
    ),
  );
  const out = el("span", { "aria-live": "polite" });
  const form = el(
    "form",
    { class: "inline reveal", novalidate: true },
    field(`rv-field-${p.id}`, "Buka", fieldSel),
    field(`rv-purpose-${p.id}`, "Keperluan membuka data", purpose),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "small" }, "Tampilkan")),
    out,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(out);
    if (purpose.value.trim().length < 5) {
      add(out, notice("error", "Tulis keperluannya (minimal 5 huruf)."));
      purpose.focus();
      return;
    }
    try {
      const r = await api("POST", `/api/v1/cases/${c.id}/parties/${p.id}/reveal`, {
        field: fieldSel.value,
        purpose: purpose.value.trim(),
      });
      add(out, el("strong", { class: "revealed" }, r.value));
    } catch (e) {
      add(out, notice("error", errorMessage(e)));
    }
  });
  return el("details", {}, el("summary", {}, "Buka data lengkap"), form);
}

async function actionsSection(c, base, spec, can) {
  const box = section("Tindakan");
  const tPath = "/api/v1/cases/{id}/transitions";
  if (can("POST", tPath) === "missing") {
    add(box, unavailable("Verifikasi, disposisi dan penutupan kasus"));
    return box;
  }
  if (can("POST", tPath) === "no") {
    add(box, el("p", { class: "muted" }, "Peran Anda tidak dapat mengubah status kasus."));
    return box;
  }
  let allowed = [];
  let suggested = null;
  if (operation(spec, "GET", tPath)) {
    try {
      const r = await api("GET", `${base}/transitions`);
      const arr = Array.isArray(r) ? r : r.transitions || r.data || r.allowed || [];
      if (r && r.suggestedBidang) suggested = r.suggestedBidang;
      allowed = arr.map((x) =>
        typeof x === "string" ? { to: x } : { ...x, to: x.to || x.status || x.toStatus },
      );
    } catch (e) {
      add(box, notice("error", errorMessage(e)));
      return box;
    }
  }
  if (!allowed.length) {
    add(
      box,
      el(
        "p",
        { class: "muted" },
        "Tidak ada tindakan status yang dapat Anda lakukan pada kasus ini.",
      ),
    );
    return box;
  }
  const props = bodyProps(spec, "POST", tPath);
  const msg = el("div", { "aria-live": "polite" });
  const LABEL = {
    diverifikasi: "Verifikasi",
    didisposisi: c.status === "didisposisi" ? "Disposisi ulang" : "Disposisi ke bidang",
    ditindaklanjuti: "Tandai ditindaklanjuti",
    selesai: "Tutup: selesai",
    tidak_dapat_ditindaklanjuti: "Tutup: tidak dapat ditindaklanjuti",
  };
  const bidang = el("select", {}, options(BIDANG, { empty: "Pilih bidang" }));
  if (suggested) bidang.value = suggested;
  const reason = el("input", { maxlength: 2000 });
  const needsBidang = allowed.some((a) => a.to === "didisposisi");
  const needsReason = allowed.some(
    (a) => a.requiresReason || a.to === "tidak_dapat_ditindaklanjuti" || FINAL.includes(c.status),
  );
  const buttons = el(
    "div",
    { class: "actions wrap" },
    allowed.map((a) =>
      el(
        "button",
        {
          type: "button",
          class: a.to === "selesai" || a.to === "diverifikasi" ? "primary" : "",
          "data-transition": a.to,
          onclick: async (ev) => {
            clear(msg);
            const body = {};
            body[pick(props, ["to", "status", "toStatus"]) || "to"] = a.to;
            if (a.to === "didisposisi") {
              if (!bidang.value) {
                add(msg, notice("error", "Pilih bidang tujuan disposisi."));
                bidang.focus();
                return;
              }
              body[pick(props, ["bidang"]) || "bidang"] = bidang.value;
            }
            const reasonKey = pick(props, ["reason", "alasan", "note"]);
            if (reason.value.trim() && reasonKey) body[reasonKey] = reason.value.trim();
            const versionKey = pick(props, ["version", "expectedVersion"]);
            if (versionKey) body[versionKey] = c.version;
            if (!(await confirmTransition(c, a.to, reason.value.trim()))) return;
            ev.target.disabled = true;
            try {
              await api("POST", `${base}/transitions`, body);
              window.location.reload();
            } catch (e) {
              add(msg, notice("error", errorMessage(e)));
              ev.target.disabled = false;
            }
          },
        },
        LABEL[a.to] || STATUS[a.to] || a.to,
      ),
    ),
  );
  add(
    box,
    needsBidang
      ? field(
          "t-bidang",
          "Bidang tujuan disposisi",
          bidang,
          suggested ? `Saran sistem: ${suggested}` : null,
        )
      : null,
    needsReason
      ? field("t-alasan", "Alasan (wajib untuk menolak atau membuka ulang)", reason)
      : null,
    buttons,
    msg,
  );
  return box;
}

const TELAAH = { audit: "Diteruskan dengan audit", dihentikan: "Dihentikan" };
const REC_PATH = "/api/v1/cases/{id}/recommendation";
const DECIDE_PATH = "/api/v1/cases/{id}/audit-decision";

// Decree 21/2023: the bidang reports its telaah with a recommendation (audit or
// dihentikan) and the kadis decides on the audit, once, after the telaah.
function telaahSection(c, base, spec, can) {
  const t = c.telaah || { recommendation: null, decision: null };
  const box = section(
    "Telaah dan keputusan audit",
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, "Rekomendasi telaah"),
      el(
        "dd",
        { id: "telaah-rekomendasi" },
        t.recommendation ? TELAAH[t.recommendation] : "Belum ada",
      ),
      el("dt", {}, "Keputusan Kepala Dinas"),
      el("dd", { id: "telaah-keputusan" }, t.decision ? TELAAH[t.decision] : "Belum diputuskan"),
    ),
  );
  if (t.decision) return box;
  const form = (idPrefix, key, label, noteLabel, path, button) => {
    const choice = el("select", {}, options(TELAAH, { empty: "Pilih" }));
    const note = el("textarea", { rows: 3, maxlength: 2000 });
    const msg = el("div", { "aria-live": "polite" });
    const submit = el(
      "button",
      {
        type: "button",
        onclick: async (ev) => {
          clear(msg);
          if (!choice.value) {
            add(msg, notice("error", `Pilih ${label.toLowerCase()}.`));
            choice.focus();
            return;
          }
          if (!note.value.trim()) {
            add(msg, notice("error", `${noteLabel} wajib diisi.`));
            note.focus();
            return;
          }
          ev.target.disabled = true;
          try {
            await api("POST", `${base}/${path}`, {
              [key]: choice.value,
              note: note.value.trim(),
              version: c.version,
            });
            window.location.reload();
          } catch (e) {
            add(msg, notice("error", errorMessage(e)));
            ev.target.disabled = false;
          }
        },
      },
      button,
    );
    return el(
      "div",
      {},
      field(`${idPrefix}-pilihan`, label, choice),
      field(`${idPrefix}-catatan`, noteLabel, note),
      el("div", { class: "actions" }, submit),
      msg,
    );
  };
  const withBidang = ["didisposisi", "ditindaklanjuti"].includes(c.status);
  if (can("POST", REC_PATH) === "yes" && withBidang) {
    add(
      box,
      form(
        "telaah",
        "recommendation",
        "Rekomendasi",
        "Hasil telaah",
        "recommendation",
        "Laporkan hasil telaah",
      ),
    );
  }
  if (can("POST", DECIDE_PATH) === "yes") {
    add(
      box,
      t.recommendation
        ? form(
            "keputusan",
            "decision",
            "Keputusan",
            "Pertimbangan",
            "audit-decision",
            "Simpan keputusan",
          )
        : el(
            "p",
            { class: "muted" },
            "Keputusan audit diambil setelah Tim Penelaah melaporkan hasil telaah.",
          ),
    );
  }
  return box;
}

async function findingsSection(c, base, spec, can) {
  const box = section("Hasil SIKS-NG");
  const fPath = "/api/v1/cases/{id}/findings";
  if (can("GET", fPath) === "missing") {
    add(box, unavailable("Pencatatan hasil SIKS-NG"));
    return box;
  }
  const list = el("div", { id: "temuan" });
  add(box, list);
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
        items.map((f) =>
          el(
            "li",
            { "data-finding": f.reasonCode },
            el(
              "p",
              {},
              el(
                "strong",
                {},
                `${PROGRAMMES[f.programme] || f.programme} · ${STATUS_SEEN[f.statusSeen] || f.statusSeen}`,
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
    options(PROGRAMMES, { empty: "Pilih program" }),
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
    const b = {
      programme: programme.value,
      statusSeen: statusSeen.value,
      reasonCode: code.value,
      person: person.value,
    };
    if (period.value.trim()) b.dataPeriod = period.value.trim();
    if (note.value.trim()) b.note = note.value.trim();
    return b;
  };
  let timer = null;
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

async function attachmentsList(base) {
  const r = await api("GET", `${base}/attachments`);
  const items = r.data || [];
  if (!items.length) return el("p", { class: "muted" }, "Belum ada lampiran.");
  return el(
    "ul",
    { class: "attachments" },
    items.map((a) =>
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

async function messagesSection(c, base, spec, can) {
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
              items.map((m) =>
                el(
                  "li",
                  { class: m.direction === "out" || m.direction === "outbound" ? "out" : "in" },
                  el(
                    "p",
                    { class: "muted" },
                    `${m.direction === "out" ? "Keluar" : "Masuk"} · ${fmtDateTime(m.at)}${m.deliveryStatus ? " · " + (DELIVERY[m.deliveryStatus] || m.deliveryStatus) : ""}`,
                  ),
                  el("p", { class: "prose" }, m.body || m.text || ""),
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
