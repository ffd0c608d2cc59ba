// @ts-check
/* global window, localStorage */
// issue 15: what the desk's intake form gained: the received date and time (bounded), the
// warning when the NIK or phone already has an open case, and drafts that belong to the
// user who typed them and end with the session (a draft may hold a citizen's NIK).
import { api } from "../shared/api.js";
import { add, clear, el, fmtDateTime, setFieldError, STATUS } from "../shared/ui.js";
import { checkNik, checkPhone } from "../shared/validate.js";
import { dateTimeInput, shownText } from "../shared/date-input.js";

/** @typedef {import("../shared/types.js").OpenCase} OpenCase */

export const DRAFT_KEY = "aduan.intake.draft";
export const QUEUE_KEY = "aduan.intake.queue";
/** Who queued the unsent intakes: { id, username } (issue 15: the queue is its writer's). */
export const QUEUE_OWNER_KEY = "aduan.intake.queue.user";
/** A queued intake older than this is dropped unsent at the login page (it holds a NIK). */
export const QUEUE_MAX_AGE_MS = 24 * 3_600_000;
/**
 * How far back the desk may usually date a complaint (a paper backlog, a kotak-saran
 * letter): the input's lower bound and hint. The server's ADUAN_INTAKE_MAX_AGE_DAYS
 * decides; its refusal shows beside the field.
 */
export const MAX_AGE_DAYS = 365;

const WITA_MS = 8 * 3_600_000;

/** A yyyy-mm-ddThh:mm value (WITA wall clock) for an instant. @param {number} ms */
export function witaLocal(ms) {
  return new Date(ms + WITA_MS).toISOString().slice(0, 16);
}

/** The instant of a yyyy-mm-ddThh:mm value read as WITA. @param {string} v */
export function fromWitaLocal(v) {
  return new Date(`${v}:00+08:00`);
}

/**
 * The "tanggal dan jam diterima" control: now by default (and sent as nothing, so the
 * server stamps the moment it saves), bounded to [now − MAX_AGE_DAYS, now].
 */
export function receivedControl() {
  // dd/mm/yyyy jj.mm whatever the browser's locale; .value stays yyyy-mm-ddThh:mm.
  const input = dateTimeInput({ name: "receivedAt" });
  const toNow = () => {
    const now = Date.now();
    input.value = witaLocal(now);
    input.max = witaLocal(now + 5 * 60_000);
    input.dataset.auto = "1";
  };
  input.addEventListener("input", () => {
    delete input.dataset.auto;
    setFieldError("receivedAt", receivedError(input));
  });
  toNow();
  return { input, toNow };
}

/** Why the received time is refused, or "". @param {HTMLInputElement} input */
export function receivedError(input) {
  if (input.dataset.auto === "1") return "";
  if (!input.value)
    return shownText(input).trim()
      ? "Tulis sebagai hh/bb/tttt jj.mm, mis. 05/12/2026 14.30"
      : "Tanggal dan jam diterima wajib diisi";
  const t = fromWitaLocal(input.value).getTime();
  if (Number.isNaN(t)) return "Tanggal dan jam tidak valid";
  if (t > Date.now() + 5 * 60_000) return "Tidak boleh di masa depan";
  return "";
}

/** The value for the intake body, or undefined ("now"). @param {HTMLInputElement} input */
export function receivedValue(input) {
  if (input.dataset.auto === "1" || !input.value) return undefined;
  return fromWitaLocal(input.value).toISOString();
}

/**
 * Asks the API whether the NIK or phone typed for any party of the form (the pelapor, and
 * the person concerned when the form has them) has an open case, and shows one warning with
 * a link to each case and whose NIK or phone matched. Called after the fields settle (blur,
 * valid value); a party whose box is hidden (no "atas nama") is not asked about.
 * @param {HTMLElement} box
 * @param {...{ nik: HTMLInputElement, phone: HTMLInputElement, box?: HTMLElement }} parties
 *   the pelapor first, then the person concerned
 */
export function openCaseWatcher(box, ...parties) {
  const WHO = ["pelapor", "atas nama"];
  let seq = 0;
  let lastAsked = "";
  /** One request body per party with a valid NIK or phone. */
  function bodies() {
    /** @type {{ who: string, body: { nik?: string, phone?: string } }[]} */
    const out = [];
    parties.forEach((person, i) => {
      if (person.box && person.box.hidden) return;
      const n = checkNik(person.nik.value);
      const t = checkPhone(person.phone.value);
      /** @type {{ nik?: string, phone?: string }} */
      const body = {};
      if (n.ok && !n.empty) body.nik = person.nik.value.replace(/[\s.-]/g, "");
      if (t.ok && !t.empty) body.phone = person.phone.value.trim();
      if (body.nik || body.phone) out.push({ who: WHO[i] || `pihak ${i + 1}`, body });
    });
    return out;
  }
  async function check() {
    const asks = bodies();
    const key = JSON.stringify(asks);
    if (key === lastAsked) return;
    lastAsked = key;
    const mine = ++seq;
    if (!asks.length) {
      clear(box);
      return;
    }
    try {
      const answers = await Promise.all(
        asks.map((a) => api("POST", "/api/v1/console/open-cases", a.body)),
      );
      if (mine !== seq) return;
      /** @type {Map<string, { c: any, why: string[] }>} */
      const found = new Map();
      answers.forEach((r, i) => {
        for (const c of r.data) {
          const entry = found.get(c.id) || { c, why: [] };
          for (const m of c.matchedBy)
            entry.why.push(`${m === "nik" ? "NIK" : "nomor telepon"} ${asks[i].who}`);
          found.set(c.id, entry);
        }
      });
      clear(box);
      if (!found.size) return;
      const whose = [...new Set(asks.filter((_, i) => answers[i].data.length).map((a) => a.who))];
      add(
        box,
        el(
          "div",
          {
            class: "notice warn",
            role: "status",
            "data-open-cases": String(found.size),
            "data-parties": whose.join(","),
          },
          el(
            "p",
            {},
            el("strong", {}, "Perhatian: "),
            `${whose.length > 1 ? "orang-orang ini" : whose[0] === "pelapor" ? "pelapor ini" : "orang yang dibantu ini"} masih punya ${
              found.size === 1 ? "aduan" : `${found.size} aduan`
            } yang belum selesai.`,
          ),
          el(
            "ul",
            {},
            [...found.values()].map(({ c, why }) =>
              el(
                "li",
                { "data-case": c.number },
                el("a", { href: `/kasus/${c.id}`, target: "_blank", rel: "noopener" }, c.number),
                ` · ${STATUS[c.status] || c.status} · diterima ${fmtDateTime(c.receivedAt)} · sama ${[
                  ...new Set(why),
                ].join(" dan ")}`,
              ),
            ),
          ),
          el(
            "p",
            { class: "hint" },
            "Periksa dulu apakah ini aduan yang sama sebelum menyimpan aduan baru.",
          ),
        ),
      );
    } catch {
      /* a warning is a convenience: intake goes on without it */
      if (mine === seq) clear(box);
      lastAsked = "";
    }
  }
  for (const person of parties)
    for (const i of [person.nik, person.phone]) {
      i.addEventListener("blur", check);
      i.addEventListener("change", check);
    }
  return {
    check,
    reset() {
      lastAsked = "";
      seq++;
      clear(box);
    },
  };
}

/** The draft saved by this user, or null (another user's draft is dropped unread). @param {string} userId */
export function readDraft(userId) {
  try {
    const d = JSON.parse(localStorage.getItem(DRAFT_KEY) || "null");
    if (!d) return null;
    if (d.user !== userId || typeof d.fields !== "object") {
      localStorage.removeItem(DRAFT_KEY);
      return null;
    }
    return d.fields;
  } catch {
    localStorage.removeItem(DRAFT_KEY);
    return null;
  }
}

/** @param {string} userId @param {Record<string, unknown>} fields */
export function writeDraft(userId, fields) {
  localStorage.setItem(DRAFT_KEY, JSON.stringify({ user: userId, fields }));
}

/**
 * Logout: the draft goes (it may hold a NIK); unsent queued complaints too, after the user
 * agreed (they cannot be sent once the session is gone). False when the user stays.
 */
export function forgetOnLogout() {
  let queued = 0;
  try {
    queued = JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]").length;
  } catch {
    queued = 0;
  }
  if (
    queued &&
    !window.confirm(
      `${queued} aduan belum terkirim dan tersimpan di perangkat ini. Jika keluar sekarang, aduan itu dihapus dari perangkat. Tetap keluar?`,
    )
  )
    return false;
  localStorage.removeItem(DRAFT_KEY);
  dropQueue();
  return true;
}

// ---- the offline queue belongs to the user who queued it (issue 15) ----
// A queued intake may hold a citizen's NIK. When the session ends without "Keluar" (expired,
// revoked), the queue waits on the device for its owner only: logging in again as the same
// user sends it as that user; another user's login drops it unsent, and so does the login
// page once it is older than QUEUE_MAX_AGE_MS. A queue of unknown owner is dropped.

/** @returns {{ key: string, savedAt?: string }[]} */
function queued() {
  try {
    const q = JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
    return Array.isArray(q) ? q : [];
  } catch {
    return [];
  }
}

function dropQueue() {
  localStorage.removeItem(QUEUE_KEY);
  localStorage.removeItem(QUEUE_OWNER_KEY);
}

/** The owner of the queue, or null. @returns {{ id: string, username: string } | null} */
export function queueOwner() {
  try {
    const o = JSON.parse(localStorage.getItem(QUEUE_OWNER_KEY) || "null");
    return o && typeof o.id === "string" ? { id: o.id, username: String(o.username || "") } : null;
  } catch {
    return null;
  }
}

/** The intake page queues for this user. @param {{ id: string, username: string }} user */
export function ownQueue(user) {
  const o = queueOwner();
  if (o && o.id !== user.id) dropQueue();
  localStorage.setItem(QUEUE_OWNER_KEY, JSON.stringify({ id: user.id, username: user.username }));
}

/**
 * A user is logged in: a queue that is not theirs is dropped unsent. Returns how many queued
 * intakes are kept for them (sent by the intake page).
 * @param {{ id: string }} user
 */
export function settleQueue(user) {
  const q = queued();
  if (!q.length) {
    dropQueue();
    return 0;
  }
  const o = queueOwner();
  if (!o || o.id !== user.id) {
    dropQueue();
    return 0;
  }
  return q.length;
}

/**
 * The login page (no session): queued intakes older than QUEUE_MAX_AGE_MS go; what is left
 * and whose it is, for the page to say.
 * @returns {{ count: number, username: string } | null}
 */
export function pendingQueue() {
  const now = Date.now();
  const q = queued();
  const fresh = q.filter((x) => {
    const t = Date.parse(String(x.savedAt || ""));
    return Number.isFinite(t) && now - t < QUEUE_MAX_AGE_MS;
  });
  const o = queueOwner();
  if (!fresh.length || !o) {
    dropQueue();
    return null;
  }
  if (fresh.length !== q.length) localStorage.setItem(QUEUE_KEY, JSON.stringify(fresh));
  return { count: fresh.length, username: o.username };
}

/** The login page: whoever comes next never sees the previous session's draft. */
export function forgetDraft() {
  localStorage.removeItem(DRAFT_KEY);
}
