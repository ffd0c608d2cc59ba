import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from "express";
import { z } from "zod";
import {
  PostTindakLanjutBodySchema,
  TRACKING_ID_PATTERN,
  type LaporanDto,
  type TindakLanjutDto,
} from "../lapor.dto.js";
import {
  INSTANSI_TUJUAN,
  attachmentContent,
  generateKeys,
  materialize,
  type ReportOverride,
  type SandboxKeys,
} from "./lapor-sandbox.data.js";

/**
 * A fake SP4N-LAPOR! on loopback implementing the whole modeled contract
 * (../../../../shared/upstream/lapor.yaml) plus fault knobs, for tests, the benchmark
 * and a newcomer's first run.
 */

export const SandboxFaultsSchema = z
  .object({
    /** Every Nth API request answers 429 with Retry-After: 1. */
    rateLimitEvery: z.number().int().min(1).optional(),
    /** The next N API requests answer 503. */
    fail503Burst: z.number().int().min(0).optional(),
    /** Delay every API response by this many ms. */
    slowMs: z.number().int().min(0).optional(),
    /** After serving list page K (counted from when the knob is set), bump a report of that page. */
    updateDuringSync: z.number().int().min(1).optional(),
    /** Repeat the last item of the previous page at the start of the next one. */
    duplicateAcrossPages: z.boolean().optional(),
    /** Every Nth report (by generation index) is broken: no tracking_id, or status "Dibekukan". */
    badItemEvery: z.number().int().min(1).optional(),
  })
  .strict();
export type SandboxFaults = z.infer<typeof SandboxFaultsSchema>;

export interface LaporSandboxOptions {
  readonly seed?: number;
  readonly count?: number;
  readonly token?: string;
  readonly faults?: SandboxFaults;
  /** Clock for POST/bumps; tests may pin it. */
  readonly now?: () => number;
  /**
   * Date the reports over the six weeks before this instant (ms), statuses by age, as a
   * live office looks (npm start passes Date.now()); unset: the fixed 2025–2026 dates.
   */
  readonly relativeTo?: number;
}

export interface SandboxStats {
  apiRequests: number;
  listPagesServed: number;
  status429: number;
  status503: number;
  /** Tracking ids bumped by updateDuringSync, in order. */
  bumped: string[];
}

export interface SandboxState {
  faults: SandboxFaults;
  readonly stats: SandboxStats;
  readonly seed: number;
  readonly count: number;
  readonly token: string;
  /** Tracking ids in current serving order. */
  orderedTrackingIds(): string[];
  /** The report as it would be served now (no fault applied), or null. */
  getReport(trackingId: string, fileBaseUrl?: string): LaporanDto | null;
  /** Make a report "change" upstream (moves it to the end of the order). */
  bump(trackingId: string, change?: { status?: string }): void;
  /** Replace the knobs and restart their counters (same as POST /__sandbox/faults). */
  setFaults(faults: SandboxFaults): void;
}

export interface RunningSandbox {
  readonly url: string;
  close(): Promise<void>;
}

export interface LaporSandbox {
  readonly app: express.Express;
  readonly state: SandboxState;
  start(port?: number, host?: string): Promise<RunningSandbox>;
}

const CLOSED_STATUSES = new Set(["Selesai", "Diarsipkan"]);
const LIMIT_DEFAULT = 50;
const LIMIT_MAX = 200;

interface CursorKey {
  readonly updatedMs: number;
  readonly trackingId: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(
    JSON.stringify([new Date(key.updatedMs).toISOString(), key.trackingId]),
  ).toString("base64url");
}

export function decodeCursor(cursor: string): CursorKey | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [updated, trackingId] = value as [unknown, unknown];
    if (
      typeof updated !== "string" ||
      typeof trackingId !== "string" ||
      !TRACKING_ID_PATTERN.test(trackingId)
    )
      return null;
    const updatedMs = Date.parse(updated);
    if (Number.isNaN(updatedMs)) return null;
    return { updatedMs, trackingId };
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function problem(
  res: Response,
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  res.status(status).json({ error: { status, message, ...extra } });
}

export function createLaporSandbox(options: LaporSandboxOptions = {}): LaporSandbox {
  const seed = options.seed ?? 1;
  const count = options.count ?? 500;
  const token = options.token ?? "sandbox-token";
  const now = options.now ?? Date.now;
  const keys: SandboxKeys = generateKeys(seed, count, options.relativeTo);

  const indexById = new Map<string, number>();
  for (let i = 0; i < count; i++) indexById.set(keys.trackingIds[i] as string, i);

  const overrides = new Map<number, ReportOverride>();
  const updatedOf = (i: number): number =>
    overrides.get(i)?.updatedMs ?? (keys.updatedMs[i] as number);
  const idOf = (i: number): string => keys.trackingIds[i] as string;
  const compareKey = (i: number, key: CursorKey): number => {
    const u = updatedOf(i);
    if (u !== key.updatedMs) return u < key.updatedMs ? -1 : 1;
    const id = idOf(i);
    return id < key.trackingId ? -1 : id > key.trackingId ? 1 : 0;
  };

  // Serving order: (diperbarui_pada, tracking_id) ascending; ids are fixed-width so the
  // string order equals the numeric one.
  const order: number[] = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => {
    const d = updatedOf(a) - updatedOf(b);
    if (d !== 0) return d;
    const ia = idOf(a);
    const ib = idOf(b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });

  /** First position whose key is > key (strict) or >= key. */
  const lowerBound = (key: CursorKey, strict: boolean): number => {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKey(order[mid] as number, key);
      if (c < 0 || (strict && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const clock = (): number => {
    const last = order.length > 0 ? updatedOf(order[order.length - 1] as number) : 0;
    // Whole seconds, strictly after everything already served, so a bump always moves
    // the report past any cursor a client may hold.
    return Math.max(Math.floor(now() / 1000) * 1000, last + 1000);
  };

  const bumpIndex = (i: number, change: ReportOverride = {}): void => {
    const pos = lowerBound({ updatedMs: updatedOf(i), trackingId: idOf(i) }, false);
    if (order[pos] === i) order.splice(pos, 1);
    const updatedMs = clock();
    const previous = overrides.get(i) ?? {};
    overrides.set(i, {
      ...previous,
      ...change,
      ...(change.tindakLanjut
        ? { tindakLanjut: [...(previous.tindakLanjut ?? []), ...change.tindakLanjut] }
        : {}),
      updatedMs,
    });
    order.push(i);
  };

  let faults: SandboxFaults = { ...(options.faults ?? {}) };
  let requestCounter = 0;
  let pagesSinceFaultsSet = 0;
  let updateDuringSyncFired = false;
  const stats: SandboxStats = {
    apiRequests: 0,
    listPagesServed: 0,
    status429: 0,
    status503: 0,
    bumped: [],
  };

  const setFaults = (next: SandboxFaults): void => {
    faults = SandboxFaultsSchema.parse(next);
    requestCounter = 0;
    pagesSinceFaultsSet = 0;
    updateDuringSyncFired = false;
  };

  const serve = (i: number, fileBaseUrl: string): Record<string, unknown> => {
    const report: Record<string, unknown> = {
      ...materialize(seed, keys, i, overrides.get(i), fileBaseUrl),
    };
    const every = faults.badItemEvery;
    if (every !== undefined && (i + 1) % every === 0) {
      if (((i + 1) / every) % 2 === 1) delete report.tracking_id;
      else report.status = "Dibekukan";
    }
    return report;
  };

  const idempotency = new Map<string, { trackingId: string; result: TindakLanjutDto }>();

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // pino-http's augmentation of IncomingMessage (required `id`) clashes with express's
  // optional one under exactOptionalPropertyTypes; the runtime middleware is fine.
  app.use(express.json({ limit: "64kb" }) as unknown as RequestHandler);

  const baseUrlOf = (req: Request): string => `${req.protocol}://${req.get("host") ?? "127.0.0.1"}`;

  app.get("/__sandbox/faults", (_req, res) => {
    res.json({ faults, stats });
  });
  app.post("/__sandbox/faults", (req, res) => {
    const parsed = SandboxFaultsSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      problem(res, 400, "invalid faults", { issues: parsed.error.issues });
      return;
    }
    setFaults(parsed.data);
    res.json({ faults, stats });
  });

  // Faults apply to the contract's endpoints only, before auth, like a gateway would.
  const injectFaults = async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    stats.apiRequests++;
    requestCounter++;
    if (faults.slowMs) await sleep(faults.slowMs);
    if (faults.fail503Burst && faults.fail503Burst > 0) {
      faults.fail503Burst--;
      stats.status503++;
      problem(res, 503, "Service Unavailable (sandbox fault)");
      return;
    }
    if (faults.rateLimitEvery && requestCounter % faults.rateLimitEvery === 0) {
      stats.status429++;
      res.set("Retry-After", "1");
      problem(res, 429, "Too Many Requests (sandbox fault)");
      return;
    }
    next();
  };

  const requireToken = (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match || match[1] !== token) {
      res.set("WWW-Authenticate", 'Bearer realm="lapor"');
      problem(res, 401, "invalid or expired token");
      return;
    }
    next();
  };

  app.use(["/api", "/files"], injectFaults, requireToken);

  app.get("/api/v1/laporan", (req, res) => {
    const q = req.query;
    const single = (name: string): string | undefined | null => {
      const value = q[name];
      if (value === undefined) return undefined;
      return typeof value === "string" ? value : null;
    };
    const limitRaw = single("limit");
    const cursorRaw = single("cursor");
    const sinceRaw = single("updated_since");
    if (limitRaw === null || cursorRaw === null || sinceRaw === null) {
      problem(res, 400, "repeated query parameter");
      return;
    }
    let limit = LIMIT_DEFAULT;
    if (limitRaw !== undefined) {
      if (!/^\d+$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > LIMIT_MAX) {
        problem(res, 400, `limit must be an integer 1..${LIMIT_MAX}`);
        return;
      }
      limit = Number(limitRaw);
    }
    let start = 0;
    if (sinceRaw !== undefined) {
      const sinceMs = Date.parse(sinceRaw);
      if (Number.isNaN(sinceMs)) {
        problem(res, 400, "updated_since must be an RFC 3339 date-time");
        return;
      }
      start = lowerBound({ updatedMs: sinceMs, trackingId: "" }, false);
    }
    let duplicate: number | undefined;
    if (cursorRaw !== undefined) {
      const key = decodeCursor(cursorRaw);
      if (key === null) {
        problem(res, 400, "invalid cursor");
        return;
      }
      const after = lowerBound(key, true);
      start = Math.max(start, after);
      if (faults.duplicateAcrossPages && after > 0) {
        const candidate = order[after - 1] as number;
        if (compareKey(candidate, key) === 0) duplicate = candidate;
      }
    }
    const slice = order.slice(start, start + limit);
    const base = baseUrlOf(req);
    const data = slice.map((i) => serve(i, base));
    if (duplicate !== undefined) data.unshift(serve(duplicate, base));
    const last = slice[slice.length - 1];
    const nextCursor =
      last !== undefined && start + slice.length < order.length
        ? encodeCursor({ updatedMs: updatedOf(last), trackingId: idOf(last) })
        : null;
    stats.listPagesServed++;
    pagesSinceFaultsSet++;
    res.json({ data, next_cursor: nextCursor });

    // After the page went out: the client now holds a cursor past this report, so
    // bumping it makes it come back on a later page, as a live upstream would.
    if (
      faults.updateDuringSync !== undefined &&
      !updateDuringSyncFired &&
      pagesSinceFaultsSet >= faults.updateDuringSync
    ) {
      const victim = slice[0];
      if (victim !== undefined) {
        updateDuringSyncFired = true;
        bumpIndex(victim);
        stats.bumped.push(idOf(victim));
      }
    }
  });

  app.get("/api/v1/laporan/:tracking_id", (req, res) => {
    const i = indexById.get(req.params.tracking_id);
    if (i === undefined) {
      problem(res, 404, "laporan not found or not disposed to this agency");
      return;
    }
    res.json(serve(i, baseUrlOf(req)));
  });

  app.post("/api/v1/laporan/:tracking_id/tindak-lanjut", (req, res) => {
    const key = req.get("idempotency-key");
    if (key === undefined || key.length === 0 || key.length > 128) {
      problem(res, 400, "Idempotency-Key header is required (max 128 characters)");
      return;
    }
    const trackingId = req.params.tracking_id;
    const earlier = idempotency.get(key);
    if (earlier) {
      res.status(200).json(earlier.result);
      return;
    }
    const i = indexById.get(trackingId);
    if (i === undefined) {
      problem(res, 404, "laporan not found or not disposed to this agency");
      return;
    }
    const body = PostTindakLanjutBodySchema.safeParse(req.body);
    if (!body.success) {
      problem(res, 422, "validation failed", {
        issues: body.error.issues.map((issue) => ({
          path: issue.path.join("."),
          message: issue.message,
        })),
      });
      return;
    }
    const current = materialize(seed, keys, i, overrides.get(i), "");
    if (CLOSED_STATUSES.has(current.status)) {
      problem(res, 409, `laporan is already ${current.status}`);
      return;
    }
    const n = (current.tindak_lanjut?.length ?? 0) + 1;
    const at = clock();
    const result: TindakLanjutDto = {
      id: `TL-${trackingId}-${n}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`,
      isi: body.data.isi,
      oleh: INSTANSI_TUJUAN.nama,
      dibuat_pada: new Date(at).toISOString(),
    };
    bumpIndex(i, { status: body.data.status, tindakLanjut: [result] });
    idempotency.set(key, { trackingId, result });
    res.status(201).json(result);
  });

  app.get("/files/:id", (req, res) => {
    const id = req.params.id;
    const owner = /^LMP-(\d+)-\d+$/.exec(id)?.[1];
    const content = owner !== undefined && indexById.has(owner) ? attachmentContent(id) : null;
    if (content === null) {
      problem(res, 404, "file not found");
      return;
    }
    res.set("Content-Type", content.mime);
    res.set("Content-Length", String(content.bytes.length));
    res.end(content.bytes);
  });

  app.use((_req: Request, res: Response) => {
    problem(res, 404, "not found");
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof error === "object" &&
      error !== null &&
      "status" in error &&
      typeof error.status === "number"
        ? error.status
        : 500;
    problem(res, status, status === 400 ? "malformed request body" : "sandbox error");
  });

  const state: SandboxState = {
    get faults() {
      return faults;
    },
    set faults(next: SandboxFaults) {
      setFaults(next);
    },
    stats,
    seed,
    count,
    token,
    orderedTrackingIds: () => order.map(idOf),
    getReport: (trackingId, fileBaseUrl = "http://127.0.0.1") => {
      const i = indexById.get(trackingId);
      return i === undefined ? null : materialize(seed, keys, i, overrides.get(i), fileBaseUrl);
    },
    bump: (trackingId, change = {}) => {
      const i = indexById.get(trackingId);
      if (i === undefined) throw new Error(`sandbox: unknown tracking id ${trackingId}`);
      bumpIndex(i, change.status === undefined ? {} : { status: change.status });
    },
    setFaults,
  };

  return {
    app,
    state,
    start: (port = 0, host = "127.0.0.1") =>
      new Promise<RunningSandbox>((resolve, reject) => {
        const server: Server = app.listen(port, host);
        server.once("error", reject);
        server.once("listening", () => {
          const address = server.address() as AddressInfo;
          resolve({
            url: `http://${host}:${address.port}`,
            close: () =>
              new Promise<void>((done, fail) => {
                server.close((error) => (error ? fail(error) : done()));
                server.closeAllConnections();
              }),
          });
        });
      }),
  };
}
