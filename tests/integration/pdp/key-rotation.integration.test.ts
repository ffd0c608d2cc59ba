// Key rotation interrupted half-way and resumed: every NIK and file stays decryptable at
// every point, and at the end everything is on the new key (the old one can go).
import { mkdtempSync, existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetDb, startTestHub, TEST_KEYS, type TestHub } from "../../helpers/test-hub.js";
import type { HubContext } from "../../../src/context.js";
import { decrypt, encrypt, keyedHash, type Keyring } from "../../../src/security/crypto.js";
import { loadKeyring } from "../../../src/security/keyring.js";
import { parseConfig } from "../../../src/config/config.js";
import { pendingRotation, rotateKeys } from "../../../src/pdp/key-rotation.js";
import { attachmentFile, writeFileAtomic } from "../../../src/pdp/files.js";
import { addFinding, newCase, NIK_A, NIK_B, NIK_C, staff } from "./pdp-fixtures.js";

const NEW_KEY = Buffer.alloc(32, 42).toString("base64");
let hub: TestHub;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "aduan-rot-"));
  hub = await startTestHub({ name: "pdp-key-rotation", env: { ADUAN_DATA_DIR: dataDir } });
  await resetDb(hub);
});
afterAll(async () => {
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function rotatedContext(ctx: HubContext): HubContext {
  const config = parseConfig({
    ...process.env,
    DATABASE_URL: "postgresql://unused/x",
    ADUAN_DATA_DIR: dataDir,
    ADUAN_HASH_KEY: TEST_KEYS.ADUAN_HASH_KEY,
    ADUAN_AUDIT_KEY: TEST_KEYS.ADUAN_AUDIT_KEY,
    ADUAN_ENCRYPTION_KEY_ID: "k2",
    ADUAN_ENCRYPTION_KEY: NEW_KEY,
    ADUAN_ENCRYPTION_OLD_KEYS: JSON.stringify({ k1: TEST_KEYS.ADUAN_ENCRYPTION_KEY }),
  });
  return { ...ctx, config, keyring: loadKeyring(config) };
}

async function allNiks(ctx: HubContext, ring: Keyring) {
  const parties = await ctx.db.prisma.party.findMany({ where: { nikCipher: { not: null } } });
  const findings = await ctx.db.prisma.finding.findMany({ where: { nikCipher: { not: null } } });
  return [...parties, ...findings].map((r) => ({
    keyId: r.nikKeyId,
    nik: decrypt(ring, r.nikKeyId!, r.nikCipher!).toString("utf8"),
    hash: r.nikHash,
  }));
}

describe("keys rotate", () => {
  it("resumes after an interrupted run and leaves every value on the new key", async () => {
    const ctx = hub.ctx;
    const fo = await staff(ctx, "fo-rot", "front_office");
    const niks = [NIK_A, NIK_B, NIK_C];
    for (const nik of niks) {
      const c = await newCase(ctx, fo, { atasNama: { name: "Rahmah", nik } });
      await addFinding(ctx, c.id, nik, "Rahmah");
    }
    // Two encrypted evidence files on the old key.
    const caseId = (await ctx.db.prisma.case.findFirstOrThrow()).id;
    const plainFiles = [Buffer.from("surat keterangan sakit"), Buffer.from("kartu keluarga")];
    for (const [i, bytes] of plainFiles.entries()) {
      const enc = encrypt(ctx.keyring, bytes);
      const rel = `files/test/${i}.bin`;
      writeFileAtomic(attachmentFile(ctx.config, rel), enc.blob);
      await ctx.db.prisma.attachment.create({
        data: {
          caseId,
          source: "staff_upload",
          storagePath: rel,
          encrypted: true,
          keyId: enc.keyId,
          status: "stored",
          fileName: `${i}.pdf`,
        },
      });
    }
    const rctx = rotatedContext(ctx);
    expect(await pendingRotation(rctx)).toEqual({ Party: 3, Finding: 3, Attachment: 2 });

    // "Crash" after the first batch of two.
    const first = await rotateKeys(rctx, { batchSize: 2, maxBatches: 1 });
    expect(first.batches).toBe(1);
    expect(first.rotated.Party).toBe(2);
    expect(first.complete).toBe(false);
    expect(first.remaining).toBe(6);
    const mid = await allNiks(ctx, rctx.keyring);
    expect(mid.map((m) => m.nik).sort()).toEqual([...niks, ...niks].sort());
    expect(new Set(mid.map((m) => m.keyId))).toEqual(new Set(["k1", "k2"]));

    const progress: number[] = [];
    const rest = await rotateKeys(rctx, {
      batchSize: 2,
      onProgress: (p) => progress.push(p.remaining),
    });
    expect(rest.complete).toBe(true);
    expect(rest.rotated).toEqual({ Party: 1, Finding: 3, Attachment: 2 });
    expect(progress.length).toBeGreaterThan(0);

    // The old key is no longer needed: a keyring with only k2 decrypts everything.
    const onlyNew: Keyring = {
      currentId: "k2",
      keys: new Map([["k2", Buffer.from(NEW_KEY, "base64")]]),
      hashKey: rctx.keyring.hashKey,
      auditKey: rctx.keyring.auditKey,
    };
    const after = await allNiks(ctx, onlyNew);
    expect(after.every((a) => a.keyId === "k2")).toBe(true);
    expect(after.map((a) => a.nik).sort()).toEqual([...niks, ...niks].sort());
    // Look-ups by keyed hash are unaffected (separate hash key).
    for (const a of after) expect(a.hash).toBe(keyedHash(onlyNew, a.nik));

    const atts = await ctx.db.prisma.attachment.findMany({ orderBy: { fileName: "asc" } });
    for (const [i, a] of atts.entries()) {
      expect(a.keyId).toBe("k2");
      const blob = readFileSync(attachmentFile(ctx.config, a.storagePath!));
      expect(decrypt(onlyNew, "k2", blob).equals(plainFiles[i]!)).toBe(true);
      expect(existsSync(attachmentFile(ctx.config, `files/test/${i}.bin`))).toBe(false);
    }
    expect(await rotateKeys(rctx, { batchSize: 2 })).toMatchObject({ batches: 0, complete: true });
  });
});
