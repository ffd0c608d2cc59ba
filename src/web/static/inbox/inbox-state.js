// @ts-check
/* global URLSearchParams, window */
// The inbox's filters live in the address (Back and a bookmark keep them); the search
// words and the page cursors live in the history entry only: a search is often a citizen's
// name or NIK, which must not end up in the address bar, the browser history list or a
// server's access log.

/**
 * @typedef {object} InboxState
 * @property {string} q
 * @property {string} status
 * @property {string} channel
 * @property {string} jenis
 * @property {string} bidang "" = every bidang
 * @property {string} from  yyyy-mm-dd (WITA), inclusive
 * @property {string} to    yyyy-mm-dd (WITA), inclusive
 * @property {boolean} overdue
 * @property {"arrival" | "received"} sort
 * @property {number} page  0-based
 * @property {(string | null)[]} cursors cursor of each page
 */

/** URL key of each filter, in Bahasa like the console's addresses. */
const KEYS = {
  status: "status",
  channel: "kanal",
  jenis: "jenis",
  bidang: "bidang",
  from: "dari",
  to: "sampai",
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The state for this visit: the history entry's when Back brought us here, else the
 * address's, else the role's default ("Bidang saya" for a penelaah).
 * @param {{ role: string, bidang?: string | null }} user
 * @returns {InboxState}
 */
export function readState(user) {
  const url = new URLSearchParams(window.location.search);
  const saved = window.history.state && window.history.state.inbox;
  /** @type {InboxState} */
  const s = {
    q: "",
    status: url.get(KEYS.status) || "",
    channel: url.get(KEYS.channel) || "",
    jenis: url.get(KEYS.jenis) || "",
    bidang: url.get(KEYS.bidang) || "",
    from: DATE.test(url.get(KEYS.from) || "") ? String(url.get(KEYS.from)) : "",
    to: DATE.test(url.get(KEYS.to) || "") ? String(url.get(KEYS.to)) : "",
    overdue: url.get("terlambat") === "1",
    sort: url.get("urut") === "diterima" ? "received" : "arrival",
    page: 0,
    cursors: [null],
  };
  // "semua" says the user chose every bidang; without it a penelaah sees their own.
  if (s.bidang === "semua") s.bidang = "";
  else if (!url.has(KEYS.bidang) && user.role === "penelaah" && user.bidang) s.bidang = user.bidang;
  if (saved && typeof saved === "object") {
    s.q = typeof saved.q === "string" ? saved.q : "";
    if (Array.isArray(saved.cursors) && Number.isInteger(saved.page)) {
      s.cursors = saved.cursors;
      s.page = Math.min(saved.page, saved.cursors.length - 1);
    }
  }
  return s;
}

/**
 * Writes the state into the address and the history entry. `push` makes a new entry
 * (a filter or page change), else the current one is replaced.
 * @param {InboxState} s
 * @param {{ role: string, bidang?: string | null }} user
 * @param {boolean} push
 */
export function writeState(s, user, push) {
  const url = new URLSearchParams();
  for (const k of /** @type {(keyof typeof KEYS)[]} */ (Object.keys(KEYS))) {
    if (s[k]) url.set(KEYS[k], String(s[k]));
  }
  if (!s.bidang && user.role === "penelaah" && user.bidang) url.set(KEYS.bidang, "semua");
  if (s.overdue) url.set("terlambat", "1");
  if (s.sort === "received") url.set("urut", "diterima");
  const search = url.toString();
  const href = window.location.pathname + (search ? `?${search}` : "");
  const entry = { inbox: { q: s.q, page: s.page, cursors: s.cursors } };
  if (push) window.history.pushState(entry, "", href);
  else window.history.replaceState(entry, "", href);
}

/** Start of a WITA day as an instant. @param {string} ymd */
export function witaStart(ymd) {
  return new Date(`${ymd}T00:00:00+08:00`).toISOString();
}

/** Start of the WITA day after. @param {string} ymd */
export function witaEndExclusive(ymd) {
  return new Date(new Date(`${ymd}T00:00:00+08:00`).getTime() + 86_400_000).toISOString();
}

/** Today's date in WITA, yyyy-mm-dd. */
export function witaToday() {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The inbox address for a set of filters (the beranda's numbers link here).
 * @param {Record<string, string | boolean | undefined>} f keys of KEYS, plus overdue
 */
export function inboxHref(f) {
  const url = new URLSearchParams();
  for (const [k, key] of Object.entries(KEYS)) {
    const v = f[k];
    if (typeof v === "string" && v) url.set(key, v);
  }
  if (f.bidang === "") url.set(KEYS.bidang, "semua");
  if (f.overdue) url.set("terlambat", "1");
  const s = url.toString();
  return s ? `/?${s}` : "/";
}
