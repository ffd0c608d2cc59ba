// @ts-check
/* global document, window */
import { api, loadSpec, access } from "./shared/api.js";
import { add, el, clear, notice, errorMessage, loadLabels, ROLE } from "./shared/ui.js";
import { forgetOnLogout, settleQueue } from "./intake/intake-extras.js";
import { labelTables } from "./shared/table-labels.js";
import { bahasaFileInputs } from "./shared/file-inputs.js";
import { onDomChange } from "./shared/dom-change.js";

/** @type {Record<string, string>} */
const MODULES = {
  "kotak-masuk": "./inbox/inbox.js",
  beranda: "./beranda/beranda.js",
  catat: "./intake/intake.js",
  kasus: "./case/case.js",
  laporan: "./reports/reports.js",
  kesehatan: "./health/health.js",
  pengguna: "./users/users.js",
  katalog: "./catalogue/catalogue.js",
  akun: "./akun/akun.js",
  impor: "./impor/impor.js",
};

// A menu entry shows when the spec says the role may call the page's main endpoint; while
// an endpoint is not in the spec yet, `fallback` decides (and the page says "belum tersedia").
/**
 * A menu entry: shown to `roles` only, or to whoever may call `api` (`fallback` while the
 * endpoint is missing).
 * @typedef {{ page: string, href: string, label: string, roles?: string[], api?: [string, string], fallback?: string[] }} NavItem
 */
/** @type {NavItem[]} */
const NAV = [
  {
    page: "beranda",
    href: "/beranda",
    label: "Beranda",
    api: ["GET", "/api/v1/console/dashboard"],
    fallback: [],
  },
  { page: "kotak-masuk", href: "/", label: "Kotak masuk" },
  { page: "catat", href: "/catat", label: "Catat aduan", api: ["POST", "/api/v1/cases"] },
  { page: "laporan", href: "/laporan", label: "Laporan", api: ["GET", "/api/v1/reports/annual"] },
  {
    page: "kesehatan",
    href: "/kesehatan",
    label: "Kesehatan kanal",
    api: ["GET", "/api/v1/channels/health"],
    fallback: ["admin", "koordinator"],
  },
  { page: "pengguna", href: "/pengguna", label: "Pengguna", api: ["GET", "/api/v1/users"] },
  { page: "katalog", href: "/katalog", label: "Katalog", roles: ["admin"] },
  {
    page: "impor",
    href: "/impor",
    label: "Impor log lama",
    api: ["POST", "/api/v1/imports/legacy"],
  },
];

/**
 * @param {NavItem} item
 * @param {import("./shared/types.js").Spec} spec
 * @param {import("./shared/types.js").User} user
 */
export function navAllowed(item, spec, user) {
  if (item.roles && !item.roles.includes(user.role)) return false;
  if (!item.api) return true;
  const a = access(spec, user, item.api[0], item.api[1]);
  if (a === "missing") return !item.fallback || item.fallback.includes(user.role);
  return a === "yes";
}

/**
 * @param {import("./shared/types.js").User} user
 * @param {import("./shared/types.js").Spec} spec
 * @param {string | undefined} page
 */
function buildNav(user, spec, page) {
  const nav = /** @type {HTMLElement} */ (document.getElementById("nav"));
  const list = el("ul");
  for (const item of NAV) {
    if (!navAllowed(item, spec, user)) continue;
    add(
      list,
      el(
        "li",
        {},
        el(
          "a",
          {
            href: item.href,
            "aria-current": item.page === page ? "page" : null,
            "data-nav": item.page,
          },
          item.label,
        ),
      ),
    );
  }
  const logout = el(
    "button",
    {
      type: "button",
      class: "link",
      onclick: async () => {
        // A draft may hold a citizen's NIK: it never outlives the session (issue 15).
        if (!forgetOnLogout()) return;
        try {
          await api("POST", "/api/v1/auth/logout", undefined, { allow401: true });
        } finally {
          window.location.assign("/masuk");
        }
      },
    },
    "Keluar",
  );
  const who = el(
    "span",
    { class: "who", "data-user": user.username },
    `${user.displayName || user.username} · ${ROLE[user.role] || user.role}${user.bidang ? " " + user.bidang : ""}`,
  );
  const mine = el(
    "a",
    { href: "/akun", "data-nav": "akun", "aria-current": page === "akun" ? "page" : null },
    "Akun saya",
  );
  add(clear(nav), list, el("div", { class: "account" }, who, mine, logout));
}

async function start() {
  const page = document.body.dataset.page;
  // The page shell (src/web/pages.ts) always has <main id="utama"> with its <h1>.
  const main = /** @type {HTMLElement} */ (document.getElementById("utama"));
  const heading = /** @type {HTMLHeadingElement} */ (main.querySelector("h1"));
  try {
    if (page === "masuk") {
      const mod = await import("./login/login.js");
      add(clear(main), heading);
      await mod.render(main);
      return;
    }
    if (page === "tidak-ditemukan") {
      add(clear(main), heading, el("p", {}, el("a", { href: "/" }, "Kembali ke kotak masuk")));
      return;
    }
    const [user, spec] = await Promise.all([
      api("GET", "/api/v1/auth/me"),
      loadSpec(),
      loadLabels(api),
    ]);
    // Unsent intakes queued by another user (whose session ended) are dropped unsent.
    settleQueue(user);
    buildNav(user, spec, page);
    // Whatever a page draws: table cells labelled for phone width, file inputs in Bahasa.
    onDomChange(main, (root) => {
      labelTables(root);
      bahasaFileInputs(root);
    });
    const mod = await import(MODULES[page || ""]);
    add(clear(main), heading);
    await mod.render(main, { user, spec });
  } catch (e) {
    if (e && /** @type {{ status?: number }} */ (e).status === 401) return;
    add(clear(main), heading, notice("error", errorMessage(e)));
  }
  main.dataset.ready = "1";
}

start().finally(() => {
  /** @type {HTMLElement} */ (document.getElementById("utama")).dataset.ready = "1";
});
