// @ts-check
/* global window, localStorage */
// The intake's offline queue: an intake is queued before it is sent and leaves the queue
// once the hub answers, so a dropped line never loses or doubles a complaint.
import { api } from "../shared/api.js";
import { QUEUE_KEY } from "./intake-extras.js";

/** @typedef {import("../shared/types.js").CaseIntake} CaseIntake */
/** @typedef {import("../shared/types.js").CaseCreated} CaseCreated */
/** @typedef {import("../shared/api.js").ApiError} ApiError */
/** @typedef {{ key: string, payload: CaseIntake, savedAt: string }} QueueItem */
/**
 * What a send of a queued intake came to: saved, kept for a retry, or refused.
 * @typedef {{ ok: true, item: QueueItem, data: CaseCreated }
 *   | { ok: false, item: QueueItem, retry: boolean, error: ApiError }} QueueResult
 */

/** @returns {QueueItem[]} */
export function readQueue() {
  try {
    return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
  } catch {
    return [];
  }
}
/** @param {QueueItem[]} q */
export function writeQueue(q) {
  if (q.length) localStorage.setItem(QUEUE_KEY, JSON.stringify(q));
  else localStorage.removeItem(QUEUE_KEY);
}

/** @type {Promise<void> | null} */
let flushing = null;
/** @type {number | null} */
let retryTimer = null;

/**
 * The hub is still saving this very intake (409 IDEMPOTENCY_IN_PROGRESS): an earlier send
 * with the same key is running, or died mid-way and the hub takes it over after a short
 * while. The item stays queued and is sent again after the hub's Retry-After.
 */
export const inProgress = (/** @type {ApiError} */ e) =>
  e.status === 409 && e.code === "IDEMPOTENCY_IN_PROGRESS";

/** @param {ApiError} e @param {(r: QueueResult) => void} onResult */
export function retryLater(e, onResult) {
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
export function flushQueue(/** @type {(r: QueueResult) => void} */ onResult) {
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
      } catch (err) {
        const e = /** @type {ApiError} */ (err);
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
