/* global window, document, localStorage, crypto, Event */
import { api } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  options,
  notice,
  errorMessage,
  setFieldError,
  CHANNEL,
  INTAKE_CHANNELS,
  JENIS,
} from "../shared/ui.js";
import { checkNik, checkPhone } from "../shared/validate.js";
import { receiptConfirmation } from "../case/receipt.js";
import {
  DRAFT_KEY,
  QUEUE_KEY,
  MAX_AGE_DAYS,
  openCaseWatcher,
  ownQueue,
  readDraft,
  receivedControl,
  receivedError,
  receivedValue,
  writeDraft,
} from "./intake-extras.js";

// Website complaints arrive through the public form, so the desk records the other intake
// channels only (labels and the list come from the API, see ui.js loadLabels).
const deskChannels = () => INTAKE_CHANNELS.filter((c) => c !== "website");
const KECAMATAN = [
  "Banua Lawas",
  "Bintang Ara",
  "Haruai",
  "Jaro",
  "Kelua",
  "Muara Harus",
  "Muara Uya",
  "Murung Pudak",
  "Pugaan",
  "Tanjung",
  "Tanta",
  "Upau",
];

export function readQueue() {
  try {
    return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
  } catch {
    return [];
  }
}
function writeQueue(q) {
  if (q.length) localStorage.setItem(QUEUE_KEY, JSON.stringify(q));
  else localStorage.removeItem(QUEUE_KEY);
}

let flushing = null;
let retryTimer = null;

/**
 * The hub is still saving this very intake (409 IDEMPOTENCY_IN_PROGRESS): an earlier send
 * with the same key is running, or died mid-way and the hub takes it over after a short
 * while. The item stays queued and is sent again after the hub's Retry-After.
 */
const inProgress = (e) => e.status === 409 && e.code === "IDEMPOTENCY_IN_PROGRESS";

function retryLater(e, onResult) {
  if (retryTimer) return;
  const seconds = Math.min(Math.max(e.retryAfter || 5, 1), 60);
  retryTimer = window.setTimeout(() => {
    retryTimer = null;
    if (window.navigator.onLine) flushQueue(onResult);
  }, seconds * 1000);
}

/**
 * Sends queued intakes one by one with their Idempotency-Key; a replay answers 200 with the
 * same case, so a send that reached the server before the line dropped is not doubled.
 */
export function flushQueue(onResult) {
  if (flushing) return flushing;
  flushing = (async () => {
    for (const item of readQueue()) {
      try {
        const out = await api("POST", "/api/v1/cases", item.payload, {
          headers: { "Idempotency-Key": item.key },
          withStatus: true,
        });
        writeQueue(readQueue().filter((x) => x.key !== item.key));
        onResult({ ok: true, item, data: out.data });
      } catch (e) {
        // Offline, server trouble, throttling or still being saved: keep it for the next try.
        if (
          e.code === "OFFLINE" ||
          e.status >= 500 ||
          e.status === 429 ||
          e.status === 401 ||
          inProgress(e)
        ) {
          onResult({ ok: false, item, retry: true, error: e });
          if (inProgress(e) || e.status === 429) retryLater(e, onResult);
          break;
        }
        // Refused on its merits (e.g. an invalid NIK): hand it back to the form to fix.
        writeQueue(readQueue().filter((x) => x.key !== item.key));
        onResult({ ok: false, item, retry: false, error: e });
      }
    }
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}

function personFields(prefix, legend, { required }) {
  const name = el("input", {
    name: `${prefix}-name`,
    maxlength: 120,
    required,
    autocomplete: "off",
  });
  const nik = el("input", {
    name: `${prefix}-nik`,
    inputmode: "numeric",
    maxlength: 24,
    autocomplete: "off",
  });
  const phone = el("input", {
    name: `${prefix}-phone`,
    type: "tel",
    maxlength: 40,
    autocomplete: "off",
  });
  const sex = el(
    "select",
    { name: `${prefix}-sex` },
    options({ L: "Laki-laki", P: "Perempuan" }, { empty: "–" }),
  );
  const box = el(
    "fieldset",
    { class: "person" },
    el("legend", {}, legend),
    field(`${prefix}-name`, required ? "Nama (wajib)" : "Nama", name),
    field(`${prefix}-nik`, "NIK", nik, "16 digit sesuai KTP/KK"),
    field(`${prefix}-phone`, "Nomor telepon/WA", phone, "Contoh 0812 3456 7890"),
    field(`${prefix}-sex`, "Jenis kelamin", sex),
  );
  nik.addEventListener("input", () => {
    const r = checkNik(nik.value);
    setFieldError(`${prefix}-nik`, r.ok || r.partial ? "" : r.message);
    const hint = document.getElementById(`${prefix}-nik-hint`);
    hint.textContent = r.partial
      ? r.message
      : r.ok && !r.empty
        ? "NIK sesuai format ✓"
        : "16 digit sesuai KTP/KK";
    if (r.ok && r.sex && !sex.value) sex.value = r.sex;
  });
  nik.addEventListener("blur", () => {
    const r = checkNik(nik.value);
    setFieldError(`${prefix}-nik`, r.ok ? "" : r.partial ? "NIK harus 16 digit" : r.message);
  });
  phone.addEventListener("input", () => {
    const r = checkPhone(phone.value);
    setFieldError(`${prefix}-phone`, r.ok || r.partial ? "" : r.message);
    document.getElementById(`${prefix}-phone-hint`).textContent =
      r.ok && !r.empty ? `Tersimpan sebagai ${r.e164} ✓` : "Contoh 0812 3456 7890";
  });
  phone.addEventListener("blur", () => {
    const r = checkPhone(phone.value);
    setFieldError(`${prefix}-phone`, r.ok ? "" : r.message);
  });
  return { box, name, nik, phone, sex };
}

function personValue(p) {
  const out = { name: p.name.value.trim() };
  if (p.nik.value.trim()) out.nik = p.nik.value.replace(/[\s.-]/g, "");
  if (p.phone.value.trim()) out.phone = p.phone.value.trim();
  if (p.sex.value) out.sex = p.sex.value;
  return out;
}

export async function render(main, { user, spec } = {}) {
  const channelBox = el(
    "fieldset",
    { class: "radios" },
    el("legend", {}, "Kanal"),
    deskChannels().map((v, i) =>
      el(
        "label",
        { class: "radio" },
        el("input", { type: "radio", name: "channel", value: v, checked: i === 0 }),
        " ",
        CHANNEL[v] || v,
      ),
    ),
  );
  const pelapor = personFields("pelapor", "Pelapor", { required: true });
  const alamat = el("input", { name: "alamat", maxlength: 300, autocomplete: "off" });
  const desa = el("input", { name: "desa", maxlength: 80, autocomplete: "off" });
  const kec = el(
    "select",
    { name: "kecamatan" },
    options(Object.fromEntries(KECAMATAN.map((k) => [k, k])), { empty: "–" }),
  );
  add(
    pelapor.box,
    field("pelapor-alamat", "Alamat", alamat),
    field("pelapor-desa", "Desa/kelurahan", desa),
    field("pelapor-kecamatan", "Kecamatan", kec),
  );
  const forOther = el("input", { type: "checkbox", name: "for-other" });
  const atasNama = personFields("atasnama", "Atas nama (orang yang dibantu)", { required: false });
  atasNama.box.hidden = true;
  forOther.addEventListener("change", () => {
    atasNama.box.hidden = !forOther.checked;
    if (forOther.checked) atasNama.name.focus();
  });

  const keperluan = el("textarea", {
    name: "keperluan",
    rows: 5,
    maxlength: 10000,
    required: true,
  });
  const jenis = el(
    "select",
    { name: "jenis" },
    options(JENIS, { empty: "Otomatis (saran sistem)" }),
  );
  const rahasia = el("input", { type: "checkbox", name: "rahasia" });
  const received = receivedControl();
  const openCases = el("div", { id: "kasus-terbuka", "aria-live": "polite" });
  const canAskOpen = Boolean(
    spec && spec.paths && spec.paths["/api/v1/console/open-cases"] && user,
  );

  const status = el("div", { id: "hasil-simpan", "aria-live": "polite" });
  const queueBox = el("div", { id: "antrean", "aria-live": "polite" });
  const submit = el("button", { type: "submit", class: "primary" }, "Simpan aduan");
  const form = el(
    "form",
    { class: "intake", novalidate: true, autocomplete: "off" },
    channelBox,
    field(
      "receivedAt",
      "Tanggal dan jam diterima (WITA)",
      received.input,
      `Sekarang, kecuali aduan diterima lebih dulu (surat, kotak saran): paling lama ${MAX_AGE_DAYS} hari lalu`,
    ),
    el(
      "div",
      { class: "cols" },
      pelapor.box,
      el(
        "div",
        {},
        el(
          "div",
          { class: "field check" },
          forOther,
          el("label", { for: "for-other" }, "Diajukan atas nama orang lain"),
        ),
        atasNama.box,
      ),
    ),
    openCases,
    field("keperluan", "Keperluan / isi aduan (wajib)", keperluan),
    field(
      "jenis",
      "Jenis aduan",
      jenis,
      "Biarkan otomatis: sistem menyarankan jenis dari isi aduan saat disimpan",
    ),
    el(
      "div",
      { class: "field check" },
      rahasia,
      el("label", { for: "rahasia" }, "Rahasiakan identitas pelapor"),
    ),
    el(
      "div",
      { class: "actions" },
      submit,
      el("button", { type: "reset", "data-clear-form": "" }, "Kosongkan formulir"),
    ),
  );
  forOther.id = "for-other";
  rahasia.id = "rahasia";
  add(main, queueBox, status, form);

  // Draft: a half-filled form survives a reload or a closed tab.
  const inputs = () => Array.from(form.querySelectorAll("input, select, textarea"));
  function saveDraft() {
    const d = {};
    for (const i of inputs()) {
      // "Now" is not a value to keep: a draft opened tomorrow would carry today's time.
      if (i.dataset.auto === "1") continue;
      if (i.type === "radio") {
        if (i.checked) d[i.name] = i.value;
      } else d[i.name] = i.type === "checkbox" ? i.checked : i.value;
    }
    if (user) writeDraft(user.id, d);
  }
  function fillFrom(d) {
    for (const i of inputs()) {
      if (!(i.name in d)) continue;
      if (i.type === "radio") i.checked = d[i.name] === i.value;
      else if (i.type === "checkbox") i.checked = Boolean(d[i.name]);
      else i.value = d[i.name];
      if (i === received.input) delete i.dataset.auto;
    }
    atasNama.box.hidden = !forOther.checked;
  }
  // Only this user's draft (issue 15): another user's is dropped unread.
  const draft = user ? readDraft(user.id) : null;
  if (draft) fillFrom(draft);
  const watcher = canAskOpen ? openCaseWatcher(openCases, pelapor, atasNama) : null;
  if (draft && watcher) watcher.check();
  form.addEventListener("input", saveDraft);
  // After a reset the live hints must describe the now empty fields.
  form.addEventListener("reset", () =>
    window.setTimeout(() => {
      for (const i of [pelapor.nik, pelapor.phone, atasNama.nik, atasNama.phone, keperluan])
        i.dispatchEvent(new Event("input"));
      localStorage.removeItem(DRAFT_KEY);
      received.toNow();
      setFieldError("receivedAt", "");
      atasNama.box.hidden = !forOther.checked;
      if (watcher) watcher.reset();
    }),
  );
  form.addEventListener("change", saveDraft);

  function payload() {
    const p = {
      channel: form.querySelector('input[name="channel"]:checked').value,
      pelapor: personValue(pelapor),
      keperluan: keperluan.value.trim(),
      rahasia: rahasia.checked,
    };
    if (alamat.value.trim()) p.pelapor.alamat = alamat.value.trim();
    if (desa.value.trim()) p.pelapor.desa = desa.value.trim();
    if (kec.value) p.pelapor.kecamatan = kec.value;
    if (forOther.checked && atasNama.name.value.trim()) p.atasNama = personValue(atasNama);
    if (jenis.value) p.jenis = jenis.value;
    const at = receivedValue(received.input);
    if (at) p.receivedAt = at;
    return p;
  }

  function check() {
    let first = null;
    const bad = (id, msg) => {
      setFieldError(id, msg);
      if (msg && !first) first = id;
    };
    bad("receivedAt", receivedError(received.input));
    bad("pelapor-name", pelapor.name.value.trim() ? "" : "Nama pelapor wajib diisi");
    for (const [pre, p] of [
      ["pelapor", pelapor],
      ["atasnama", atasNama],
    ]) {
      if (pre === "atasnama" && !forOther.checked) continue;
      const n = checkNik(p.nik.value);
      bad(`${pre}-nik`, n.ok ? "" : n.partial ? "NIK harus 16 digit" : n.message);
      const t = checkPhone(p.phone.value);
      bad(`${pre}-phone`, t.ok ? "" : t.message);
    }
    if (forOther.checked)
      bad("atasnama-name", atasNama.name.value.trim() ? "" : "Nama wajib diisi");
    bad("keperluan", keperluan.value.trim().length >= 3 ? "" : "Isi aduan minimal 3 huruf");
    if (first) document.getElementById(first).focus();
    return !first;
  }

  function showSaved(data, replayed) {
    add(
      clear(status),
      el(
        "div",
        { class: "notice ok", role: "status", "data-case-number": data.number },
        el(
          "p",
          {},
          el("strong", {}, "Aduan tersimpan. Nomor kasus: "),
          el("span", { class: "case-number" }, data.number),
        ),
        el(
          "p",
          {},
          `Jenis: ${data.jenis ? JENIS[data.jenis] || data.jenis : "belum ditentukan"}`,
          data.jenisSuggested && data.jenisSuggested !== data.jenis
            ? ` (saran sistem: ${JENIS[data.jenisSuggested] || data.jenisSuggested})`
            : data.jenisSuggested
              ? " (sesuai saran sistem)"
              : "",
          replayed ? " · terkirim dari antrean" : "",
        ),
        receiptConfirmation(data),
        el("p", {}, el("a", { href: `/kasus/${data.id}` }, "Buka halaman kasus")),
      ),
    );
  }

  function showQueue() {
    const q = readQueue();
    clear(queueBox);
    if (q.length)
      add(
        queueBox,
        el(
          "div",
          { class: "notice warn", role: "status", "data-queued": String(q.length) },
          `${q.length} aduan tersimpan di perangkat ini dan akan dikirim otomatis saat koneksi kembali.`,
        ),
      );
  }

  const onResult = (r) => {
    if (r.ok) showSaved(r.data, true);
    else if (!r.retry) {
      fillFrom({});
      add(
        clear(status),
        notice(
          "error",
          `Aduan dari antrean ditolak: ${errorMessage(r.error)}. Periksa dan simpan lagi.`,
        ),
      );
      applyPayload(r.item.payload);
      markFields(r.error);
    }
    showQueue();
  };

  function applyPayload(p) {
    pelapor.name.value = p.pelapor.name || "";
    pelapor.nik.value = p.pelapor.nik || "";
    pelapor.phone.value = p.pelapor.phone || "";
    keperluan.value = p.keperluan || "";
  }

  function markFields(e) {
    for (const f of e.fields || []) {
      const id = f.field
        .replace(/^body\./, "")
        .replace(/\./g, "-")
        .replace("atasNama", "atasnama");
      if (document.getElementById(id)) setFieldError(id, f.message);
    }
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(status);
    if (!check()) return;
    const item = {
      key: crypto.randomUUID(),
      payload: payload(),
      savedAt: new Date().toISOString(),
    };
    // Queue first, then send: if the line drops mid-request the same key goes again later.
    if (user) ownQueue(user);
    writeQueue([...readQueue(), item]);
    localStorage.removeItem(DRAFT_KEY);
    submit.disabled = true;
    try {
      const out = await api("POST", "/api/v1/cases", item.payload, {
        headers: { "Idempotency-Key": item.key },
        withStatus: true,
      });
      writeQueue(readQueue().filter((x) => x.key !== item.key));
      showSaved(out.data, false);
      form.reset();
      atasNama.box.hidden = true;
      pelapor.name.focus();
    } catch (e) {
      if (e.code === "OFFLINE" || e.status >= 500) {
        form.reset();
        atasNama.box.hidden = true;
        add(
          clear(status),
          notice(
            "warn",
            "Koneksi terputus. Aduan disimpan di perangkat ini dan dikirim sekali saat koneksi kembali.",
          ),
        );
      } else if (inProgress(e)) {
        // Never dropped: the same key goes again shortly and gets the saved case back.
        form.reset();
        atasNama.box.hidden = true;
        add(
          clear(status),
          notice(
            "warn",
            "Aduan ini masih diproses server. Aduan tetap tersimpan di perangkat ini dan dikirim ulang otomatis.",
          ),
        );
        retryLater(e, onResult);
      } else {
        writeQueue(readQueue().filter((x) => x.key !== item.key));
        saveDraft();
        add(status, notice("error", errorMessage(e)));
        markFields(e);
      }
    } finally {
      submit.disabled = false;
      showQueue();
    }
  });

  window.addEventListener("online", () => flushQueue(onResult));
  const timer = window.setInterval(() => {
    if (readQueue().length && window.navigator.onLine) flushQueue(onResult);
  }, 15000);
  window.addEventListener("pagehide", () => window.clearInterval(timer));
  showQueue();
  if (readQueue().length && window.navigator.onLine) flushQueue(onResult);
  form.querySelector('input[name="channel"]:checked').focus();
}
