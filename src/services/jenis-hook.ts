// Jenis chosen by staff must exist in the current jenis catalogue (the suggestion itself is
// the intake pipeline's step, src/intake/steps.ts).
import type { HubContext } from "../context.js";
import { DomainError } from "../domain/errors.js";
import { currentJenisCatalogue } from "./catalogue.service.js";

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
