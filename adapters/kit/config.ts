// Adapter options validated at construction (`fromConfig`): one message naming every bad
// variable, thrown as the adapter's own config error so boot fails with something an
// operator can act on.
import type { z } from "zod";

/** Drops undefined/null/"" so zod defaults apply to unset environment variables. */
export function definedOnly(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  );
}

export function parseAdapterConfig<S extends z.ZodType>(
  schema: S,
  input: Record<string, unknown>,
  adapter: string,
  toError: (message: string) => Error,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw toError(
      `${adapter} configuration is invalid: ${result.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  return result.data;
}
