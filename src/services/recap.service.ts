// The recap pushed upward (../shared/upstream/rekap.yaml): the annual report's tables for
// one month or year, counts only. Each target keeps its own revision per periode: a push
// whose counts differ from the last one gets revision + 1; an identical push is a resend
// of the same body (same revision, same Idempotency-Key, same bytes and signature).
// Each target names the office it receives (instansiKode, an office code like 6309-DINSOS):
// its recap counts that office's cases, and staff push only their own office's targets.
import { createHash } from "node:crypto";
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import { WITA_OFFSET_MS } from "../domain/time.js";
import { DomainError } from "../domain/errors.js";
import { enqueueOutbox } from "../outbox/outbox.js";
import {
  REKAP_OUTBOX_KIND,
  rekapIdempotencyKey,
  RekapOutboxPayloadSchema,
  type RekapBody,
  type RekapOutboxPayload,
} from "../domain/rekap.js";
import { periodCounts, yearBounds } from "./annual-counts.service.js";
import { audit } from "./audit.service.js";
import { monthBounds, type Actor } from "./reports.service.js";

export type RecapCounts = Omit<RekapBody, "instansi_kode" | "periode" | "revision" | "dibuat_pada">;

export function parsePeriode(periode: string, field = "periode"): { from: Date; to: Date } {
  const m = /^(\d{4})(?:-(\d{2}))?$/.exec(periode);
  const year = m ? Number(m[1]) : NaN;
  const month = m?.[2] !== undefined ? Number(m[2]) : undefined;
  if (!m || year < 2000 || year > 2100 || (month !== undefined && (month < 1 || month > 12))) {
    throw new DomainError("VALIDATION_FAILED", "Periode harus YYYY atau YYYY-MM", {
      fields: [{ field, message: "YYYY atau YYYY-MM, mis. 2023-01" }],
    });
  }
  return month === undefined ? yearBounds(year) : monthBounds(year, month);
}

/** The WITA month before `now`, as YYYY-MM (the scheduled push covers a closed month). */
export function previousMonth(now: Date): string {
  const w = new Date(now.getTime() + WITA_OFFSET_MS);
  const d = new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/**
 * Only integers and the fixed jenis/media labels: no name, phone, NIK, address or text of
 * any case (rahasia or not) can reach this object.
 */
export async function recapCounts(
  ctx: HubContext,
  periode: string,
  instansi: string,
): Promise<RecapCounts> {
  const { from, to } = parsePeriode(periode);
  const c = await periodCounts(ctx, from, to, instansi);
  const w = c.waktuPenyelesaian;
  return {
    total: c.total,
    per_jenis: c.perJenis.map((j) => ({ kode: j.kode, nama: j.nama, jumlah: j.jumlah })),
    per_media: c.perMedia.map((m) => ({ media: m.nama, jumlah: m.jumlah })),
    per_status: {
      selesai: c.perStatus.selesai,
      dalam_proses: c.perStatus.dalamProses,
      tidak_dapat_ditindaklanjuti: c.perStatus.tidakDapatDitindaklanjuti,
    },
    // The contract has no null: an average over no closed case is left out, not zero.
    waktu_penyelesaian: {
      ...(w.rataRata !== null ? { rata_rata_hari_kerja: w.rataRata } : {}),
      ...(w.median !== null ? { median_hari_kerja: w.median } : {}),
      melewati_batas: w.perKelas.melewatiBatas,
    },
  };
}

/** queued: new revision; resend: same body again; pending: already waiting in the outbox. */
export type PushPlan = components["schemas"]["RecapPushPlan"];

type LastRow = { id: string; status: string; payload: unknown; n: number };

export async function enqueueRecapPush(
  ctx: HubContext,
  opts: {
    periode: string;
    target?: string | undefined;
    /** The caller's office: only its targets (staff). Absent: every target (jobs, CLI). */
    office?: string | undefined;
    actor: Actor;
    ip?: string | undefined;
    requestId?: string | undefined;
  },
): Promise<PushPlan[]> {
  if (ctx.config.REKAP_TARGETS.length === 0) {
    throw new DomainError("REKAP_NOT_CONFIGURED", "Belum ada tujuan rekap (REKAP_TARGETS)");
  }
  const mine = ctx.config.REKAP_TARGETS.filter(
    (t) => opts.office === undefined || t.instansiKode === opts.office,
  );
  const otherOffice = () =>
    new DomainError(
      "RECAP_OTHER_OFFICE",
      `Kantor ${opts.office} belum punya tujuan rekap; rekap kantor lain dikirim oleh kantor itu sendiri`,
    );
  if (mine.length === 0) throw otherOffice();
  const targets = mine.filter((t) => !opts.target || t.name === opts.target);
  if (targets.length === 0) {
    if (ctx.config.REKAP_TARGETS.some((t) => t.name === opts.target)) throw otherOffice();
    throw new DomainError("NOT_FOUND", `Tujuan rekap "${opts.target}" tidak dikenal`, {
      fields: [{ field: "target", message: "nama dari REKAP_TARGETS" }],
      allowed: mine.map((t) => t.name),
    });
  }
  // One count per office, shared by its targets.
  const countsOf = new Map<string, Promise<RecapCounts>>();
  const plans: PushPlan[] = [];
  for (const target of targets) {
    if (!countsOf.has(target.instansiKode))
      countsOf.set(target.instansiKode, recapCounts(ctx, opts.periode, target.instansiKode));
    const counts = await countsOf.get(target.instansiKode)!;
    const contentHash = createHash("sha256")
      .update(JSON.stringify([target.instansiKode, opts.periode, counts]))
      .digest("hex");
    const plan = await ctx.db.prisma.$transaction(async (tx) => {
      // Two pushes of the same target+periode at once must not both take revision n+1.
      await tx.$queryRawUnsafe(
        `SELECT pg_advisory_xact_lock(hashtext($1))::text AS locked`,
        `rekap:${target.name}:${opts.periode}`,
      );
      const last = await tx.$queryRawUnsafe<LastRow[]>(
        `SELECT id, status, payload,
                (SELECT count(*)::int FROM "Outbox" o2
                  WHERE o2.kind = $1 AND o2.target = $2
                    AND o2.payload->>'idempotencyKey' = o.payload->>'idempotencyKey') AS n
         FROM "Outbox" o
         WHERE kind = $1 AND target = $2 AND payload->>'periode' = $3
         ORDER BY seq DESC LIMIT 1`,
        REKAP_OUTBOX_KIND,
        target.name,
        opts.periode,
      );
      const prevRow = last[0];
      const prev = prevRow ? RekapOutboxPayloadSchema.safeParse(prevRow.payload) : null;
      if (prevRow && prev?.success && prev.data.contentHash === contentHash) {
        const base = {
          target: target.name,
          periode: opts.periode,
          revision: prev.data.revision,
          idempotencyKey: prev.data.idempotencyKey,
        };
        if (prevRow.status === "pending") {
          return { ...base, outboxId: prevRow.id, action: "pending" as const };
        }
        const row = await enqueueOutbox(tx, {
          caseId: null,
          instansi: target.instansiKode,
          kind: REKAP_OUTBOX_KIND,
          target: target.name,
          payload: prev.data,
          // The outbox key must be unique per row; the HTTP Idempotency-Key stays the same.
          idempotencyKey: `${REKAP_OUTBOX_KIND}:${target.name}:${prev.data.idempotencyKey}#${prevRow.n + 1}`,
        });
        return { ...base, outboxId: row.id, action: "resend" as const };
      }
      const revision = (prev?.success ? prev.data.revision : 0) + 1;
      const body: RekapBody = {
        instansi_kode: target.instansiKode,
        periode: opts.periode,
        revision,
        dibuat_pada: ctx.clock().toISOString(),
        ...counts,
      };
      const idempotencyKey = rekapIdempotencyKey(body);
      const payload: RekapOutboxPayload = {
        periode: opts.periode,
        revision,
        instansiKode: target.instansiKode,
        contentHash,
        idempotencyKey,
        body: JSON.stringify(body),
      };
      const row = await enqueueOutbox(tx, {
        caseId: null,
        instansi: target.instansiKode,
        kind: REKAP_OUTBOX_KIND,
        target: target.name,
        payload,
        idempotencyKey: `${REKAP_OUTBOX_KIND}:${target.name}:${idempotencyKey}#1`,
      });
      await audit(tx, {
        actor: opts.actor,
        action: "recap.push.enqueue",
        // The office whose recap it is, also when the job queues it (no actor).
        instansi: target.instansiKode,
        purpose: "rekap ke sistem provinsi/nasional",
        ip: opts.ip,
        requestId: opts.requestId,
        data: { target: target.name, periode: opts.periode, revision },
      });
      return {
        target: target.name,
        periode: opts.periode,
        revision,
        idempotencyKey,
        outboxId: row.id,
        action: "queued" as const,
      };
    });
    plans.push(plan);
  }
  return plans;
}

export type ReceiptDto = {
  id: string;
  target: string;
  periode: string;
  revision: number;
  receiptId: string | null;
  status: string;
  outboxId: string | null;
  createdAt: string;
};

export async function listReceipts(
  ctx: HubContext,
  filter: {
    periode?: string | undefined;
    target?: string | undefined;
    /** The caller's office: the receipts of its targets only. Absent: all (CLI). */
    office?: string | undefined;
    limit?: number;
  },
): Promise<ReceiptDto[]> {
  const mine =
    filter.office === undefined
      ? undefined
      : ctx.config.REKAP_TARGETS.filter((t) => t.instansiKode === filter.office).map((t) => t.name);
  const rows = await ctx.db.prisma.recapReceipt.findMany({
    where: {
      ...(filter.periode ? { periode: filter.periode } : {}),
      AND: [filter.target ? { target: filter.target } : {}, mine ? { target: { in: mine } } : {}],
    },
    orderBy: [{ createdAt: "desc" }, { revision: "desc" }],
    take: filter.limit ?? 100,
  });
  return rows.map((r) => ({
    id: r.id,
    target: r.target,
    periode: r.periode,
    revision: r.revision,
    receiptId: r.receiptId,
    status: r.status,
    outboxId: r.outboxId,
    createdAt: r.createdAt.toISOString(),
  }));
}
