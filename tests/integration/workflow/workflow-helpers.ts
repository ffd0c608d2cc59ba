// Shared set-up of the workflow integration tests: a hub on a movable fixed clock and the
// staff of the decree (front office, koordinator, penelaah of two bidang, kadis, admin).
import { apiClient, userWithToken, type TestHub } from "../../helpers/test-hub.js";
import {
  loadIntakeEnv,
  prepareIntake,
  SYSTEM_ACTORS,
  writeIntake,
  type CaseDraft,
} from "../../../src/intake/pipeline.js";
import { DEFAULT_INSTANSI } from "../../../src/domain/instansi.js";

export type Api = ReturnType<typeof apiClient>;

export type CaseBody = {
  id: string;
  number: string;
  channel: string;
  status: string;
  bidang: string | null;
  version: number;
  dueAt: string | null;
  closedAt: string | null;
  slaState: string | null;
  pausedSince: string | null;
  flags: string[];
  events: {
    id: string;
    type: string;
    at: string;
    actorId: string | null;
    data: Record<string, unknown>;
  }[];
};

export type ErrorBody = {
  code: string;
  message: string;
  allowed?: string[];
  fields?: { field: string; message: string; code?: string }[];
};

export class MovableClock {
  constructor(public now: Date) {}
  set(iso: string): void {
    this.now = new Date(iso);
  }
  readonly fn = () => new Date(this.now.getTime());
}

export type Staff = {
  fo: Api;
  koor: Api;
  linjam: Api;
  rehsos: Api;
  kadis: Api;
  admin: Api;
  ids: Record<"fo" | "koor" | "linjam" | "rehsos" | "kadis" | "admin", string>;
};

export async function staff(hub: TestHub): Promise<Staff> {
  const fo = await userWithToken(hub, "fo1", "front_office");
  const koor = await userWithToken(hub, "koor1", "koordinator");
  const linjam = await userWithToken(hub, "linjam1", "penelaah", "LINJAMSOS");
  const rehsos = await userWithToken(hub, "rehsos1", "penelaah", "REHSOS");
  const kadis = await userWithToken(hub, "kadis1", "kadis");
  const admin = await userWithToken(hub, "admin1", "admin");
  return {
    fo: apiClient(hub, fo.token),
    koor: apiClient(hub, koor.token),
    linjam: apiClient(hub, linjam.token),
    rehsos: apiClient(hub, rehsos.token),
    kadis: apiClient(hub, kadis.token),
    admin: apiClient(hub, admin.token),
    ids: {
      fo: fo.id,
      koor: koor.id,
      linjam: linjam.id,
      rehsos: rehsos.id,
      kadis: kadis.id,
      admin: admin.id,
    },
  };
}

export async function walkIn(api: Api, over: Record<string, unknown> = {}): Promise<CaseBody> {
  const res = await api.post<CaseBody>("/api/v1/cases", {
    channel: "datang_langsung",
    pelapor: { name: "Hatmiati", phone: "0858-4524-0653", desa: "Takulat", kecamatan: "Kelua" },
    keperluan: "Ingin menanyakan bantuan PKH yang tidak cair",
    jenis: "PKH",
    ...over,
  });
  if (res.status !== 201)
    throw new Error(`intake failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A case as the LAPOR! sync or an inbox channel creates it: through the intake pipeline. */
export async function upstreamCase(
  hub: TestHub,
  c: { channel: string; externalId: string; number: string; receivedAt: Date; jenis?: string },
): Promise<string> {
  const prepared = prepareIntake(hub.ctx, await loadIntakeEnv(hub.ctx), [
    {
      channel: c.channel as CaseDraft["channel"],
      externalId: c.externalId,
      instansi: DEFAULT_INSTANSI,
      receivedAt: c.receivedAt,
      keperluan: "Bantuan BPNT bulan ini belum diterima padahal terdaftar",
      jenis: c.jenis ?? "BPNT",
      parties: [{ role: "pelapor", name: "Siti Aminah", phoneE164: "+6281254224300" }],
    },
  ]);
  const [written] = await hub.ctx.db.prisma.$transaction((tx) =>
    writeIntake(tx, hub.ctx, { kind: "system", name: SYSTEM_ACTORS.lapor }, prepared.cases),
  );
  // The callers name the number they expect (as upstream would have it known).
  await hub.ctx.db.prisma.case.update({
    where: { id: written!.caseId },
    data: { number: c.number },
  });
  return written!.caseId;
}

export async function move(
  api: Api,
  id: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: CaseBody & ErrorBody }> {
  return api.post<CaseBody & ErrorBody>(`/api/v1/cases/${id}/transitions`, body);
}
