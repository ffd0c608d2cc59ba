// @ts-check
/* global document, window, fetch, FormData, sessionStorage */
// Every console action is an ordinary /api/v1 call: cookie session + double-submit CSRF.

/** @typedef {import("./types.js").Spec} Spec */
/** @typedef {import("./types.js").User} User */
/** @typedef {{ field: string, message: string, code?: string }} FieldError */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ code?: string, message?: string, fields?: FieldError[], allowed?: string[] } | null} body
   * @param {string | null} [retryAfter] the Retry-After header
   */
  constructor(status, body, retryAfter = null) {
    super((body && body.message) || `Permintaan gagal (${status})`);
    this.status = status;
    // Seconds from the Retry-After header (429, 409 IDEMPOTENCY_IN_PROGRESS), or null.
    this.retryAfter = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
    this.code = (body && body.code) || "HTTP_" + status;
    this.fields = (body && body.fields) || [];
    this.allowed = (body && body.allowed) || [];
  }
}

/** @returns {string} */
export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)aduan_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

/**
 * opts: headers, allow401 (do not bounce to /masuk), raw (return the Response),
 * withStatus (return { status, data }).
 * The answer is `any`: the JSON of whichever operation `path` names; each caller names its
 * payload with a type from ./types.js where it reads it.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body] JSON, or FormData sent as is
 * @param {{ headers?: Record<string, string>, allow401?: boolean, raw?: boolean, withStatus?: boolean }} [opts]
 * @returns {Promise<any>}
 */
export async function api(method, path, body, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json", ...(opts.headers || {}) };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken();
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { code: "OFFLINE", message: "Tidak tersambung ke server" });
  }
  if (res.status === 401 && !opts.allow401) {
    window.location.assign("/masuk");
    throw new ApiError(401, { code: "UNAUTHENTICATED", message: "Silakan masuk kembali" });
  }
  if (opts.raw) {
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
    return res;
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, data, res.headers.get("Retry-After"));
  return opts.withStatus ? { status: res.status, data } : data;
}

/** @type {Promise<Spec> | null} */
let specPromise = null;

/** The hub's own OpenAPI document: which endpoints exist and which roles may call them. */
/** @returns {Promise<Spec>} */
export function loadSpec() {
  if (!specPromise) {
    const cached = sessionStorage.getItem("aduan.spec");
    specPromise = cached
      ? Promise.resolve(JSON.parse(cached))
      : api("GET", "/api/v1/openapi.json").then((s) => {
          try {
            sessionStorage.setItem("aduan.spec", JSON.stringify(s));
          } catch {
            /* storage full: fetch again next page */
          }
          return s;
        });
  }
  return specPromise;
}

/** @param {Spec} spec @param {string} method @param {string} path */
export function operation(spec, method, path) {
  const item = spec && spec.paths && spec.paths[path];
  return (item && item[method.toLowerCase()]) || null;
}

/** "yes" | "no" (role refused) | "missing" (endpoint not in this hub yet). */
/**
 * @param {Spec} spec @param {User} user @param {string} method @param {string} path
 * @returns {"yes" | "no" | "missing"}
 */
export function access(spec, user, method, path) {
  const op = operation(spec, method, path);
  if (!op) return "missing";
  const roles = op["x-roles"];
  return !roles || roles.includes(user.role) ? "yes" : "no";
}
