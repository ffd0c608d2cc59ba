// The V8 flags every hub process runs with. One list, used by `npm start`
// (scripts/start.mjs), the benchmarks that measure the hub, and checked against the
// shebang of bin/aduan-hub.js and the systemd unit in docs/deploy.md by a unit test.
//
// --max-old-space-size=1024: not a tight cap (the hub's live heap after a full GC is
// ~50 MB; the heaviest path measured, a 1,000,000-case report, stays far below it) but a
// sizing hint. With V8's default limit on a big machine (~4 GB) its heap may grow to ~4×
// the live heap before the next full GC, because GC is cheap here; below a 2 GB limit V8
// grows the heap by ~1.6× instead. Measured on a 100,000-report LAPOR! sync: peak RSS
// 310–338 MB → 199 MB, same throughput (bench/README.md).
export const HUB_NODE_FLAGS = Object.freeze(["--max-old-space-size=1024"]);
