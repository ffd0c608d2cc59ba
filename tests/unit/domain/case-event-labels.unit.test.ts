// Every timeline event type the code writes has a label staff read in the case history
// (src/domain/case-events.ts, served by GET /api/v1/catalogue/labels): enumerated from the
// code itself, so a new event type without words fails here, not in front of the kadis.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CASE_EVENT_LABELS } from "../../../src/domain/case-events.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "generated" ? [] : files(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** `type: "x.y"` in a Prisma create, `type: "x.y"` in an event list, `'x.y'` in SQL inserts. */
function eventTypesWritten(): Map<string, string> {
  const found = new Map<string, string>();
  for (const f of [...files("src"), ...files("adapters")]) {
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/\b(?:type|eventType): "([a-z_]+\.[a-z_]+)"/g))
      found.set(m[1]!, f);
    for (const m of text.matchAll(/INSERT INTO "CaseEvent"[^;]*?'([a-z_]+\.[a-z_]+)'/gs))
      found.set(m[1]!, f);
    // A type chosen by a condition: `cond ? "a.b" : "c.d"`.
    for (const m of text.matchAll(
      /\b(?:type|eventType)\b[^\n]*\? "([a-z_]+\.[a-z_]+)" : "([a-z_]+\.[a-z_]+)"/g,
    )) {
      found.set(m[1]!, f);
      found.set(m[2]!, f);
    }
  }
  return found;
}

describe("case event labels", () => {
  const written = eventTypesWritten();
  it("finds the event types the code writes", () => {
    expect(written.size).toBeGreaterThanOrEqual(15);
    expect([...written.keys()]).toContain("message.received");
  });
  it.each([...written])("%s (written in %s) has a label", (type) => {
    expect(CASE_EVENT_LABELS[type]).toMatch(/^[A-Z]/);
  });
});
