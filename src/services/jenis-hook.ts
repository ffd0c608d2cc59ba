// Jenis on intake: the rule-based classifier (src/domain/jenis.ts) suggests a code from the
// keperluan text; a staff-chosen code must exist in the current jenis catalogue.
import type { HubContext } from "../context.js";
import { suggestJenis } from "../domain/jenis.js";
import { DomainError } from "../domain/errors.js";
import { currentJenisCatalogue, knownJenisCodesSync } from "./catalogue.service.js";

/**
 * The suggested jenis code for a keperluan text, or null when the suggestion is not in the
 * jenis catalogue this process last loaded (an admin cannot remove codes today, so this
 * only guards against a future retire). Synchronous because the intake hook is.
 */
export function suggestJenisCode(text: string): string | null {
  const { jenis } = suggestJenis(text);
  return knownJenisCodesSync().has(jenis) ? jenis : null;
}

/** 422 JENIS_UNKNOWN (field body.jenis) unless the code is in the current jenis catalogue. */
export async function assertKnownJenis(ctx: HubContext, code: string): Promise<void> {
  const catalogue = await currentJenisCatalogue(ctx);
  if (catalogue.byCode.has(code)) return;
  throw new DomainError(
    "JENIS_UNKNOWN",
    `body.jenis: jenis "${code}" tidak ada di katalog (versi ${catalogue.version})`,
    {
      fields: [
        { field: "body.jenis", message: `jenis tidak dikenal: ${code}`, code: "JENIS_UNKNOWN" },
      ],
      allowed: catalogue.codes.map((j) => j.code),
    },
  );
}
