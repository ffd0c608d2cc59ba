// @ts-check
/* global MutationObserver, queueMicrotask */
/**
 * Runs `fn(root)` now and once after each burst of changes under root (one observer; the
 * changes of one task are handled together).
 * @param {Element} root
 * @param {(root: Element) => void} fn
 */
export function onDomChange(root, fn) {
  fn(root);
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      fn(root);
    });
  }).observe(root, { childList: true, subtree: true });
}
