// One schema over the environment, parsed once at boot. A bad or missing value stops the
// process with a message naming the variable.
import { ConfigError } from "../domain/config-error.js";
import { z } from "zod";
import { cronVar } from "./cron.js";
import { parseInstansi } from "../domain/instansi.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded");

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ADUAN_DATA_DIR: z.string().min(1).default("./data"),
  ADUAN_ENCRYPTION_KEY: base64Key.optional(),
  ADUAN_ENCRYPTION_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default("k1"),
  // Older keys still needed to decrypt, as JSON {"k0":"base64…"}; see `aduan-hub keys rotate`.
  ADUAN_ENCRYPTION_OLD_KEYS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {} as Record<string, string>;
      try {
        const parsed = z.record(z.string(), base64Key).parse(JSON.parse(v));
        return parsed;
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be JSON like {"k0":"<base64 32 bytes>"}' });
        return z.NEVER;
      }
    }),
  ADUAN_HASH_KEY: base64Key.optional(),
  // HMAC key of the audit chain (src/pdp/audit-chain.ts): without it nobody can recompute a
  // row's MAC, so an edited row cannot be re-chained. Required with DATABASE_URL, like the
  // other keys; never rotate casually (the chain is verified with it).
  ADUAN_AUDIT_KEY: base64Key.optional(),
  ADUAN_SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  // Unset: true under NODE_ENV=production (cookies only over HTTPS), false otherwise.
  ADUAN_COOKIE_SECURE: bool.optional(),
  ADUAN_BODY_LIMIT: z.string().default("1mb"),
  // Login throttling (issue 13): after this many failures per username+address, the next
  // attempt from that address waits 2, 4, 8 … s (up to ADUAN_LOGIN_MAX_DELAY_SECONDS);
  // per address ×4, per username across addresses ×10 (capped at one minute, only slows).
  ADUAN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  // Failures older than this are forgotten.
  ADUAN_LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(1440),
  ADUAN_LOGIN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  // An Idempotency-Key claim unfinished after this long (its request crashed) is taken over.
  ADUAN_IDEMPOTENCY_CLAIM_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  // The office's first day of records: an intake's receivedAt may not be earlier
  // (the seed goes back to 2023).
  ADUAN_OFFICE_START: z.iso.date().default("2023-01-01"),
  // issue 15: how far back the desk may date an intake (a paper backlog, a kotak-saran letter).
  ADUAN_INTAKE_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3660).default(365),
  ADUAN_CASE_PREFIX: z
    .string()
    .regex(/^[A-Z]{2,6}$/)
    .default("ADU"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // ---- issue 3 config ----
  // Evidence files (SIKS-NG screenshots) on a finding; larger uploads get 413.
  ADUAN_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  // Legacy monthly logs uploaded through POST /api/v1/imports/legacy.
  ADUAN_IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  // What an uploaded XLSX/CSV/TSV import may expand to, checked before parsing
  // (src/domain/uploads/import-limits.ts). exceljs holds about 700 bytes per cell, so the
  // cell cap is what keeps an import within ~50 MB above the hub's resting memory.
  ADUAN_IMPORT_MAX_UNZIPPED_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .max(512 * 1024 * 1024)
    .default(32 * 1024 * 1024),
  ADUAN_IMPORT_MAX_ROWS: z.coerce.number().int().min(10).max(1_000_000).default(20_000),
  ADUAN_IMPORT_MAX_CELLS: z.coerce.number().int().min(100).max(10_000_000).default(60_000),
  // SIKS-NG lookup adapter key (adapters/siks-ng/index.ts); only the manual record today.
  ADUAN_SIKS_NG_LOOKUP: z.enum(["siks-ng-manual"]).default("siks-ng-manual"),
  // ---- end issue 3 config ----
  // ---- issue 4 config ----
  // LAPOR! channel. Without LAPOR_BASE_URL the stream is not configured (npm start then
  // runs the sandbox and sets both); with it, LAPOR_TOKEN is required (checked by
  // assertLaporConfig when the runner or `sync lapor` starts, naming the variable).
  LAPOR_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, "must be an http(s):// URL")
    .optional(),
  LAPOR_TOKEN: z.string().optional(),
  LAPOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  // A cron expression, or "off" to leave the stream to `aduan-hub sync lapor --once`.
  LAPOR_SYNC_CRON: cronVar("*/5 * * * *"),
  LAPOR_PAGE_SIZE: z.coerce.number().int().min(1).max(200).default(200),
  // Re-read window behind the last seen diperbarui_pada when restarting from updated_since.
  LAPOR_OVERLAP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  LAPOR_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(200 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  LAPOR_ATTACHMENTS: bool.default(true),
  OUTBOX_FLUSH_CRON: cronVar("* * * * *"),
  // `serve` runs the scheduled jobs; a second API-only process may turn them off.
  ADUAN_JOBS: bool.default(true),
  // ---- end issue 4 config ----
  // ---- issue 5 config ----
  // Outgoing mail (SMTP), shared by staff notifications (SLA breaches) and citizen e-mail
  // replies. Unset SMTP_HOST: no mail is sent and the sla.breach job leaves breaches pending.
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  // true = implicit TLS (port 465); false = plain, upgraded with STARTTLS when offered.
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  SMTP_FROM: z.string().min(3).default("aduan-hub <aduan@dinsos.tabalongkab.go.id>"),
  // Cron of the sla.breach job.
  ADUAN_SLA_BREACH_CRON: cronVar("*/15 * * * *"),
  // A breach still open this many working days after its due date is escalated to the kadis.
  ADUAN_SLA_ESCALATE_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(2),
  // ---- end issue 5 config ----
  // ---- issue 6 config ----
  // WhatsApp Cloud API. Without WHATSAPP_APP_SECRET the webhook answers 503
  // CHANNEL_NOT_CONFIGURED (never accepts unsigned payloads).
  WHATSAPP_APP_SECRET: z.string().min(8).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8).optional(),
  WHATSAPP_ACCESS_TOKEN: z.string().min(8).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z
    .string()
    .regex(/^\d{5,20}$/, "must be the numeric Phone number ID (not the phone number)")
    .optional(),
  WHATSAPP_GRAPH_VERSION: z
    .string()
    .regex(/^v\d{1,3}\.\d{1,2}$/, 'must look like "v21.0"')
    .default("v21.0"),
  WHATSAPP_MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  // Approved template for replies outside the 24 h window: body {{1}} = case number,
  // {{2}} = the staff text.
  WHATSAPP_TEMPLATE_NAME: z
    .string()
    .regex(/^[a-z0-9_]{1,512}$/, "lowercase letters, digits and underscores")
    .default("tanggapan_pengaduan"),
  WHATSAPP_TEMPLATE_LANG: z
    .string()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/)
    .default("id"),
  // Facebook Page and Instagram messages (Messenger Platform).
  META_APP_SECRET: z.string().min(8).optional(),
  META_VERIFY_TOKEN: z.string().min(8).optional(),
  META_PAGE_ACCESS_TOKEN: z.string().min(8).optional(),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d{1,3}\.\d{1,2}$/, 'must look like "v21.0"')
    .default("v21.0"),
  // Raw webhook body cap (express.raw limit); Meta batches stay far below it.
  META_MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  WEBHOOK_BODY_LIMIT: z.string().default("1mb"),
  // E-mail intake (IMAP, read-only: never deletes nor marks read).
  IMAP_HOST: z.string().min(1).optional(),
  IMAP_PORT: z.coerce.number().int().min(1).max(65535).default(993),
  IMAP_SECURE: bool.default(true),
  IMAP_USER: z.string().min(1).optional(),
  IMAP_PASSWORD: z.string().min(1).optional(),
  // Comma-separated mailbox paths.
  IMAP_MAILBOXES: z
    .string()
    .default("INBOX")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  EMAIL_SYNC_CRON: cronVar("*/5 * * * *"),
  EMAIL_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  // Office contact printed under e-mails to citizens.
  ADUAN_OFFICE_NAME: z.string().min(1).default("Dinas Sosial Kabupaten Tabalong"),
  ADUAN_OFFICE_ADDRESS: z
    .string()
    .min(1)
    // The office's letterhead in the seed documents.
    .default(
      "Jl. Jend. A. Yani, Kel. Mabu'un, Kec. Murung Pudak, Kab. Tabalong, Kalimantan Selatan 71571",
    ),
  ADUAN_OFFICE_PHONE: z.string().min(1).default("(0526) 2031680"),
  ADUAN_OFFICE_EMAIL: z.string().min(3).default("dinsostabalong@gmail.com"),
  // Public web form: per-IP and per-phone token buckets (complaints per hour), attachment cap.
  PUBLIC_FORM_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  PUBLIC_FORM_PER_PHONE_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(3),
  PUBLIC_FORM_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(20 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  // ---- end issue 6 config ----
  // ---- issue 18 config ----
  // Address of the citizens' page (/pengaduan) as citizens reach it, printed on the tanda
  // terima and in acknowledgements; unset: the address the request came to (or HOST:PORT).
  ADUAN_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s?#]+$/, "must be an http(s):// URL without query")
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
  // Status look-ups (page, PDF and API) per address per hour: against guessing numbers.
  PUBLIC_LOOKUP_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(60),
  // ---- end issue 18 config ----
  // ---- issue 7 config ----
  // Signature block of every report (the Kepala Dinas signs; see src/reports/signature.ts).
  ADUAN_KEPALA_DINAS_NAME: z.string().min(1).default("Drs. H. Abu Bakar Sidiq"),
  ADUAN_KEPALA_DINAS_PANGKAT: z.string().min(1).default("Pembina Utama Muda (IV/c)"),
  ADUAN_KEPALA_DINAS_NIP: z.string().min(1).default("19670720 199103 1 014"),
  // Place printed before the sign date ("Tanjung, 31 Januari 2023"); any non-empty name.
  ADUAN_REPORT_PLACE: z.string().trim().min(1, "must not be empty").default("Tabalong"),
  // Recap intake targets (rekap.yaml), JSON [{"name","baseUrl","key","instansiKode"}].
  REKAP_TARGETS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const rekapTargetsSchema = z
        .array(
          z.object({
            name: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, "letters, digits, _ . - only"),
            baseUrl: z.string().regex(/^https?:\/\//, "must be an http(s) URL"),
            key: z.string().min(8, "must be at least 8 characters"),
            // The office whose cases the recap counts: an office code like 6309-DINSOS.
            instansiKode: z.string().refine((v) => parseInstansi(v).ok && v === v.trim(), {
              message: "must be an office code like 6309-DINSOS",
            }),
          }),
        )
        .refine((t) => new Set(t.map((x) => x.name)).size === t.length, "names must be unique");
      type Target = z.infer<typeof rekapTargetsSchema>[number];
      if (!v) return [] as Target[];
      let raw: unknown;
      try {
        raw = JSON.parse(v);
      } catch {
        ctx.addIssue({
          code: "custom",
          message: 'must be a JSON array like [{"name","baseUrl","key","instansiKode"}]',
        });
        return z.NEVER;
      }
      const parsed = rekapTargetsSchema.safeParse(raw);
      if (!parsed.success) {
        ctx.addIssue({
          code: "custom",
          message: parsed.error.issues
            .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
            .join("; "),
        });
        return z.NEVER;
      }
      return parsed.data;
    }),
  // Cron of the monthly recap push (previous month), WITA; "off" disables it.
  REKAP_CRON: cronVar("0 2 1 * *"),
  // ---- end issue 7 config ----
  // ---- issue 9 config ----
  // Retention (JRA) per data class, in years; past it, data is anonymised (counts stay).
  PDP_RETENTION_YEARS_CLOSED_CASES: z.coerce.number().int().min(1).max(100).default(5),
  PDP_RETENTION_YEARS_RAW_MESSAGES: z.coerce.number().int().min(1).max(100).default(1),
  // Audit rows older than this are reported by `pdp retention`, never deleted by the hub.
  PDP_RETENTION_YEARS_AUDIT: z.coerce.number().int().min(1).max(100).default(10),
  // Cron of the pdp.retention job (daily); "off" disables it.
  PDP_RETENTION_CRON: cronVar("30 1 * * *"),
  // Cron of the audit.seal job (hash chain of the processing record); "off" disables it.
  PDP_AUDIT_SEAL_CRON: cronVar("* * * * *"),
  // Where each seal writes the chain's tip (last id, row count, MAC) outside the database;
  // default <ADUAN_DATA_DIR>/audit-tip.json, "off" to write none.
  ADUAN_AUDIT_TIP_FILE: z.string().min(1).optional(),
  // ---- end issue 9 config ----
  // ---- issue 17 config ----
  // GET /metrics (Prometheus): open to loopback callers; from elsewhere only with
  // `Authorization: Bearer <ADUAN_METRICS_TOKEN>` (unset: loopback only).
  ADUAN_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  // ---- end issue 17 config ----
});

export type Config = Omit<z.infer<typeof configSchema>, "ADUAN_COOKIE_SECURE"> & {
  ADUAN_COOKIE_SECURE: boolean;
};

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== "") cleaned[k] = v;
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({
        variable: String(i.path[0] ?? "?"),
        message: i.message,
      })),
    );
  }
  return {
    ...result.data,
    ADUAN_COOKIE_SECURE: result.data.ADUAN_COOKIE_SECURE ?? result.data.NODE_ENV === "production",
  };
}

export { ConfigError };
