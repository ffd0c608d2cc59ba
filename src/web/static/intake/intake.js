// @ts-check
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
  KECAMATAN,
} from "../shared/ui.js";
import { checkNik, checkPhone } from "../shared/validate.js";
import { personFields, personValue, savedNotice } from "./intake-person.js";
import { flushQueue, inProgress, readQueue, retryLater, writeQueue } from "./intake-queue.js";
import {
  DRAFT_KEY,
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

/** @typedef {import("../shared/types.js").PageContext} PageContext */
/** @typedef {import("../shared/types.js").CaseIntake} CaseIntake */
/** @typedef {import("../shared/types.js").CaseCreated} CaseCreated */
/** @typedef {import("../shared/api.js").ApiError} ApiError */
/** @typedef {import("./intake-person.js").PersonFields} PersonFields */
/** @typedef {import("./intake-queue.js").QueueResult} QueueResult */
/** @typedef {import("./intake-queue.js").QueueItem} QueueItem */
/** The form's controls; radios and checkboxes are inputs, read by their `type`. */
/** @typedef {HTMLInputElement} FormControl */

/** @param {HTMLElement} main @param {Partial<PageContext>} [ctx] */
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
  const checkedChannel = () =>
    /** @type {HTMLInputElement} */ (form.querySelector('input[name="channel"]:checked'));

  // Draft: a half-filled form survives a reload or a closed tab.
  // Selects and textareas are read as inputs: name, value (type, checked only where
  // their type says radio or checkbox, which no select or textarea has).
  const inputs = () =>
    /** @type {FormControl[]} */ (Array.from(form.querySelectorAll("input, select, textarea")));
  function saveDraft() {
    /** @type {Record<string, unknown>} */
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
  /** @param {Record<string, unknown>} d */
  function fillFrom(d) {
    for (const i of inputs()) {
      if (!(i.name in d)) continue;
      if (i.type === "radio") i.checked = d[i.name] === i.value;
      else if (i.type === "checkbox") i.checked = Boolean(d[i.name]);
      else i.value = /** @type {string} */ (d[i.name]);
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

  /** @returns {CaseIntake} */
  function payload() {
    /** @type {CaseIntake} */
    const p = {
      channel: /** @type {CaseIntake["channel"]} */ (checkedChannel().value),
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
    /** @type {string | null} */
    let first = null;
    /** @param {string} id @param {string} msg */
    const bad = (id, msg) => {
      setFieldError(id, msg);
      if (msg && !first) first = id;
    };
    bad("receivedAt", receivedError(received.input));
    bad("pelapor-name", pelapor.name.value.trim() ? "" : "Nama pelapor wajib diisi");
    for (const [pre, p] of /** @type {[string, PersonFields][]} */ ([
      ["pelapor", pelapor],
      ["atasnama", atasNama],
    ])) {
      if (pre === "atasnama" && !forOther.checked) continue;
      const n = checkNik(p.nik.value);
      bad(`${pre}-nik`, n.ok ? "" : n.partial ? "NIK harus 16 digit" : n.message);
      const t = checkPhone(p.phone.value);
      bad(`${pre}-phone`, t.ok ? "" : t.message);
    }
    if (forOther.checked)
      bad("atasnama-name", atasNama.name.value.trim() ? "" : "Nama wajib diisi");
    bad("keperluan", keperluan.value.trim().length >= 3 ? "" : "Isi aduan minimal 3 huruf");
    if (first) /** @type {HTMLElement} */ (document.getElementById(first)).focus();
    return !first;
  }

  /** @param {CaseCreated} data @param {boolean} replayed */
  function showSaved(data, replayed) {
    add(clear(status), savedNotice(data, replayed));
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

  /** @param {QueueResult} r */
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

  /** @param {CaseIntake} p */
  function applyPayload(p) {
    pelapor.name.value = p.pelapor.name || "";
    pelapor.nik.value = p.pelapor.nik || "";
    pelapor.phone.value = p.pelapor.phone || "";
    keperluan.value = p.keperluan || "";
  }

  /** @param {ApiError} e */
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
    } catch (err) {
      const e = /** @type {ApiError} */ (err);
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
  checkedChannel().focus();
}
