// One schema over the environment, parsed once at boot. A bad or missing value stops the
// process with a message naming the variable.
import { z } from "zod";

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
  ADUAN_SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  ADUAN_COOKIE_SECURE: bool.default(false),
  ADUAN_BODY_LIMIT: z.string().default("1mb"),
  ADUAN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  ADUAN_LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  ADUAN_CASE_PREFIX: z
    .string()
    .regex(/^[A-Z]{2,6}$/)
    .default("ADU"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // ---- issue 3 config ----
  // ---- end issue 3 config ----
  // ---- issue 4 config ----
  // ---- end issue 4 config ----
  // ---- issue 5 config ----
  // ---- end issue 5 config ----
  // ---- issue 6 config ----
  // ---- end issue 6 config ----
  // ---- issue 7 config ----
  // ---- end issue 7 config ----
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      "Invalid configuration:\n" + issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

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
  return result.data;
}
