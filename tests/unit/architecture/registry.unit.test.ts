// The registry built by the composition root is the only way src/ reaches an adapter, so
// it must hold one for every role src/ asks for. Enumerated from the sources of truth: the
// reply route of every channel (src/domain/roles.ts CHANNELS), every acknowledgement kind
// an adapter asks ingestInbound for, the recap kind; every webhook route; every lookup key
// the configuration accepts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createRegistry } from "../../../src/hub.js";
import { CHANNELS } from "../../../src/domain/roles.js";
import { REKAP_OUTBOX_KIND } from "../../../src/domain/rekap.js";
import { replyRoute } from "../../../src/services/replies.service.js";
import { configSchema } from "../../../src/config/config.js";

const ROOT = resolve(import.meta.dirname, "../../..");

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    if (rel === "src/generated") continue;
    if (statSync(join(ROOT, rel)).isDirectory()) sources(rel, out);
    else if (name.endsWith(".ts")) out.push(rel);
  }
  return out;
}

/** Every kind an acknowledgement is queued under (`ackKind: … "x.ack"`). */
function ackKinds(): string[] {
  const kinds = new Set<string>();
  for (const f of [...sources("src"), ...sources("adapters")]) {
    const text = readFileSync(join(ROOT, f), "utf8");
    for (const line of text.split("\n").filter((l) => /\backKind\b/.test(l)))
      for (const m of line.matchAll(/"([a-z_]+\.ack)"/g)) kinds.add(m[1]!);
  }
  return [...kinds].sort();
}

const registry = createRegistry();

describe("the registry (src/registry.ts)", () => {
  const replyKinds = CHANNELS.map(replyRoute).flatMap((r) => (r.mode === "outbox" ? [r.kind] : []));
  const produced = [...new Set([...replyKinds, ...ackKinds(), REKAP_OUTBOX_KIND])].sort();

  it("finds the kinds it enumerates (the scan is not empty)", () => {
    expect(replyKinds.length).toBeGreaterThanOrEqual(4);
    expect(ackKinds()).toEqual(expect.arrayContaining(["email.ack", "meta.ack", "whatsapp.ack"]));
  });

  it.each(produced)("has a publisher for outbox kind %s", (kind) => {
    expect(registry.publisher(kind)).toBeTypeOf("function");
  });

  it("publishes no kind nobody queues, and each kind exactly once", () => {
    const kinds = registry.publishers.flatMap((p) => [...p.kinds]);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect([...kinds].sort()).toEqual(produced);
  });

  it("answers undefined for a kind without a publisher (the worker reports it)", () => {
    expect(registry.publisher("fax.send")).toBeUndefined();
  });

  it.each(CHANNELS.filter((c) => replyRoute(c).mode === "outbox" && c !== "lapor"))(
    "channel %s: its reply kind's publisher is registered under the route's kind",
    (channel) => {
      const route = replyRoute(channel);
      if (route.mode !== "outbox") throw new Error("unreachable");
      expect(registry.publishers.some((p) => p.kinds.includes(route.kind))).toBe(true);
    },
  );

  it("has the LAPOR! follow-up for the lapor reply route", () => {
    const route = replyRoute("lapor");
    expect(route.mode).toBe("outbox");
    if (route.mode === "outbox") expect(registry.followUps.lapor?.kind).toBe(route.kind);
  });

  it.each(["whatsapp", "meta"])("has the webhook channel %s with a distinct path", (channel) => {
    const w = registry.webhooks[channel];
    expect(w?.channel).toBe(channel);
    expect(w?.path).toBe(`/webhooks/${channel}`);
  });

  it("has a lookup for every ADUAN_SIKS_NG_LOOKUP value", () => {
    const keys = configSchema.shape.ADUAN_SIKS_NG_LOOKUP.unwrap().options;
    for (const key of keys) expect(registry.lookups[key]?.key).toBe(key);
  });

  it("has the pull streams, the mailbox and the export import", () => {
    expect(Object.keys(registry.channelSources)).toEqual(["lapor"]);
    expect(Object.keys(registry.mailboxes)).toEqual(["email"]);
    expect(Object.keys(registry.imports)).toEqual(["lapor-export"]);
  });
});
