// Shared set-up for the PDP integration tests: cases created through the real service
// (so parties are validated and encrypted exactly as in production) and findings with an
// encrypted NIK written the way the findings service stores them.
import type { HubContext } from "../../../src/context.js";
import { createCase, type CaseDto } from "../../../src/services/cases.service.js";
import { encrypt, keyedHash } from "../../../src/security/crypto.js";
import { maskNik } from "../../../src/domain/nik.js";
import type { AuthUser } from "../../../src/services/auth.service.js";
import type { Role } from "../../../src/domain/roles.js";

export const NIK_A = "6309041203100001";
export const NIK_B = "6309054507850002";
export const NIK_C = "6309011111700003";
export const PHONE_A = "0812-5110-7788";

export async function staff(ctx: HubContext, username: string, role: Role): Promise<AuthUser> {
  const u = await ctx.db.prisma.user.create({
    data: { username, role, passwordHash: "x", displayName: username },
  });
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role,
    bidang: null,
    instansi: u.instansi,
  };
}

export async function newCase(
  ctx: HubContext,
  user: AuthUser,
  over: {
    pelapor?: Record<string, unknown>;
    atasNama?: Record<string, unknown>;
    receivedAt?: Date;
    keperluan?: string;
    /** Disposed to this bidang (a penelaah writes and reveals only on their bidang's cases). */
    bidang?: string;
  } = {},
): Promise<CaseDto> {
  const c = await createCase(ctx, user, {
    channel: "datang_langsung",
    pelapor: (over.pelapor ?? { name: "Hatmiati", phone: "0858-4524-0653" }) as never,
    ...(over.atasNama ? { atasNama: over.atasNama as never } : {}),
    keperluan: over.keperluan ?? "Ingin mengaktifkan kembali PBI JK",
    ...(over.receivedAt ? { receivedAt: over.receivedAt.toISOString() } : {}),
  } as never);
  if (over.bidang)
    await ctx.db.sql.query(`UPDATE "Case" SET bidang = $2 WHERE id = $1`, [c.id, over.bidang]);
  return c;
}

export async function addFinding(
  ctx: HubContext,
  caseId: string,
  nik: string,
  personName: string,
  personRole = "atas_nama",
): Promise<string> {
  const enc = encrypt(ctx.keyring, nik);
  const f = await ctx.db.prisma.finding.create({
    data: {
      caseId,
      programme: "PBI_JK",
      statusSeen: "nonaktif",
      reasonCode: "NONAKTIF_PUSAT",
      catalogueVersion: 1,
      personName,
      personRole,
      nikCipher: new Uint8Array(enc.blob),
      nikKeyId: enc.keyId,
      nikHash: keyedHash(ctx.keyring, nik),
      nikMasked: maskNik(nik),
      narasiGenerated: `Setelah dicek, ${personName} tercatat nonaktif.`,
    },
  });
  return f.id;
}
