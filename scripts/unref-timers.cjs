// Preload for Prisma CLI processes only: the WASM schema engine leaves long timers armed
// (advisory-lock timeout), which keeps the process idle 10–60 s after it is done.
const original = globalThis.setTimeout;
globalThis.setTimeout = function patchedSetTimeout(fn, ms, ...args) {
  const t = original(fn, ms, ...args);
  if (typeof ms === "number" && ms >= 5000 && t && typeof t.unref === "function") t.unref();
  return t;
};
