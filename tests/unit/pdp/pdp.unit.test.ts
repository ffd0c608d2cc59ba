import { describe, expect, it } from "vitest";
import {
  canonicalRow,
  chainMac,
  GENESIS_HASH,
  legacyChainHash,
  type ChainRow,
} from "../../../src/pdp/audit-chain.js";
import { filterRestricted, isRestricted } from "../../../src/pdp/restriction.js";
import { rotatedPath } from "../../../src/pdp/files.js";
import { requirePurpose } from "../../../src/pdp/reveal.js";
import { DomainError } from "../../../src/domain/errors.js";

const row: ChainRow = {
  id: "7",
  instansi: "6309-DINSOS",
  at: "2026-11-27T03:00:00.000Z",
  actorId: null,
  actorName: "fo1",
  action: "case.read",
  caseId: null,
  fields: '["name"]',
  purpose: "penanganan aduan",
  ip: "127.0.0.1",
  requestId: "r1",
  data: '{"a": 1}',
  prevHash: null,
  hash: null,
};

const KEY = Buffer.alloc(32, 4);
const chainHash = (prev: string, r: ChainRow) => chainMac(KEY, prev, r);

describe("audit chain hashing", () => {
  it("is deterministic and ignores the chain columns themselves", () => {
    expect(chainHash(GENESIS_HASH, row)).toBe(
      chainHash(GENESIS_HASH, { ...row, hash: "x", prevHash: "y" }),
    );
    expect(chainHash(GENESIS_HASH, row)).toMatch(/^[0-9a-f]{64}$/);
  });
  it("changes with any column and with the predecessor", () => {
    const base = chainHash(GENESIS_HASH, row);
    for (const k of [
      "id",
      "at",
      "actorName",
      "action",
      "fields",
      "purpose",
      "ip",
      "data",
    ] as const) {
      expect(chainHash(GENESIS_HASH, { ...row, [k]: `${row[k]}x` }), k).not.toBe(base);
    }
    expect(chainHash("1".repeat(64), row)).not.toBe(base);
    // null and the string "null" are different rows
    expect(canonicalRow({ ...row, caseId: "null" })).not.toBe(canonicalRow(row));
  });
  it("is keyed: another key, or plain SHA-256 over the same input, gives another value", () => {
    const base = chainHash(GENESIS_HASH, row);
    expect(chainMac(Buffer.alloc(32, 5), GENESIS_HASH, row)).not.toBe(base);
    expect(legacyChainHash(GENESIS_HASH, row)).not.toBe(base);
    expect(legacyChainHash(GENESIS_HASH, row)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("restriction helpers", () => {
  it("drops only restricted persons", () => {
    const ps = [{ id: 1, restricted: true }, { id: 2, restricted: false }, { id: 3 }];
    expect(filterRestricted(ps).map((p) => p.id)).toEqual([2, 3]);
    expect(isRestricted(null)).toBe(false);
  });
});

describe("rotation paths and reveal purpose", () => {
  it("does not grow the file name across rotations", () => {
    expect(rotatedPath("files/2026/11/abc", "k2")).toBe("files/2026/11/abc~k2");
    expect(rotatedPath("files/2026/11/abc~k2", "k3")).toBe("files/2026/11/abc~k3");
  });
  it("requires a purpose of at least 5 letters", () => {
    expect(() => requirePurpose(undefined)).toThrow(DomainError);
    expect(() => requirePurpose("  ab ")).toThrow(/Tujuan/);
    expect(requirePurpose(" cek SIKS-NG ")).toBe("cek SIKS-NG");
  });
});
