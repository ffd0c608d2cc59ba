// Runs last, alone (its own vitest project with a later groupOrder, vitest.config.ts): scans the
// log output of every test hub in test-output/logs/ for any NIK or phone number that
// appears in the test fixtures or test sources. Personal data must never reach a log.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNik } from "../../src/domain/nik.js";
import { normalizePhone } from "../../src/domain/phone.js";
import { isBsuid } from "../../src/domain/bsuid.js";
import { apiClient, startTestHub, userWithToken } from "../helpers/test-hub.js";

const SOURCE_EXT = /\.(ts|json|txt|eml|csv|tsv|yaml|yml|html)$/;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** 16-digit strings that are structurally valid NIKs, and Indonesian mobile numbers. */
export function collectPersonalData(texts: string[]): {
  niks: Set<string>;
  phones: Set<string>;
  bsuids: Set<string>;
} {
  const niks = new Set<string>();
  const phones = new Set<string>();
  const bsuids = new Set<string>();
  for (const t of texts) {
    // WhatsApp business-scoped user IDs ("ID.9A8B7C6D…", issue 19): long enough and with
    // enough digits that no ordinary word or dotted name matches.
    for (const m of t.matchAll(/(?<![A-Za-z0-9.])[A-Z]{2}\.[A-Za-z0-9]{8,128}(?![A-Za-z0-9])/g))
      if (isBsuid(m[0]) && (m[0].match(/\d/g) ?? []).length >= 4) bsuids.add(m[0]);
    for (const m of t.matchAll(/(?<!\d)\d{16}(?!\d)/g)) if (parseNik(m[0]).ok) niks.add(m[0]);
    for (const m of t.matchAll(
      /(?<![\d+])(?:\+62|62|0)[\s-]?8\d{1,3}(?:[\s-]?\d{2,5}){1,4}(?!\d)/g,
    )) {
      const r = normalizePhone(m[0]);
      // Keep the national significant number: logs may show any of 08…, 628…, +628….
      if (r.ok && r.value.startsWith("+628")) phones.add(r.value.slice(3));
    }
  }
  return { niks, phones, bsuids };
}

const mask = (s: string) => s.slice(0, 4) + "*".repeat(s.length - 6) + s.slice(-2);

describe("log scan", () => {
  it("no NIK or phone number from the fixtures appears in any test log", async () => {
    // This file's own hub takes an intake with fixture data, so the scan is never vacuous.
    const hub = await startTestHub({ name: "zz-log-scan" });
    try {
      const fo = apiClient(
        hub,
        (await userWithToken(hub, `fo-scan-${Date.now()}`, "front_office")).token,
      );
      const r = await fo.post("/api/v1/cases", {
        channel: "telepon",
        pelapor: { name: "Hatmiati", phone: "0858-4524-0653", nik: "6309041203100001" },
        keperluan: "uji pemindaian log",
      });
      expect(r.status).toBe(201);
      await fo.post("/api/v1/cases", {
        channel: "telepon",
        pelapor: { name: "Hatmiati", phone: "0858-4524-0653", nik: "6309041203100001x" },
        keperluan: "NIK salah: galat validasi juga tidak boleh membawa nilai ke log",
      });
    } finally {
      await hub.close();
    }

    const sources = walk("tests").filter((f) => SOURCE_EXT.test(f) && !f.includes("test-output"));
    const { niks, phones, bsuids } = collectPersonalData(
      sources.map((f) => readFileSync(f, "utf8")),
    );
    expect(niks.has("6309041203100001")).toBe(true);
    expect(phones.has("85845240653")).toBe(true);
    expect(bsuids.has("ID.9A8B7C6D5E4F3A2B1C0D")).toBe(true);

    const logs = walk("test-output/logs").filter((f) => statSync(f).size > 0);
    expect(logs.length).toBeGreaterThan(0);
    const hits: string[] = [];
    for (const file of logs) {
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        const digits = line.replace(/(?<=\d)[\s.-](?=\d)/g, "");
        for (const n of niks)
          if (digits.includes(n)) hits.push(`${relative(".", file)}:${i + 1}: NIK ${mask(n)}`);
        for (const p of phones)
          if (digits.includes(p)) hits.push(`${relative(".", file)}:${i + 1}: telepon ${mask(p)}`);
        for (const b of bsuids)
          if (line.includes(b)) hits.push(`${relative(".", file)}:${i + 1}: BSUID ${mask(b)}`);
      });
    }
    expect(hits, `personal data in logs:\n${hits.slice(0, 50).join("\n")}`).toEqual([]);
  });
});
