// Which Node.js releases the hub supports, and until when each gets security fixes
// (the Node.js release schedule). A hub holding citizens' NIKs should not run on a Node
// that no longer gets them: it says so in its log at every start.
const END_OF_LIFE: Record<number, string> = {
  20: "2026-04-30",
  22: "2027-04-30",
  24: "2028-04-30",
};

export type NodeSupport =
  | { ok: true }
  | { ok: false; major: number; reason: "end_of_life"; since: string }
  | { ok: false; major: number; reason: "unsupported" };

export function nodeSupport(version: string, now: Date): NodeSupport {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? NaN);
  const eol = END_OF_LIFE[major];
  if (eol === undefined) {
    // Newer even releases are fine until the table learns their date; odd ones never are LTS.
    if (major > 24 && major % 2 === 0) return { ok: true };
    return { ok: false, major, reason: "unsupported" };
  }
  if (now.getTime() > Date.parse(`${eol}T23:59:59Z`))
    return { ok: false, major, reason: "end_of_life", since: eol };
  return { ok: true };
}
