// aduan-hub keys rotate [--batch 500]: re-encrypt every NIK and encrypted file still on an
// old key with the current one (ADUAN_ENCRYPTION_KEY_ID). Resumable: run it again after a
// crash and it continues with the rows still on old keys.
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import { pendingRotation, rotateKeys } from "../pdp/key-rotation.js";
import { withCliContext } from "./cli-context.js";
import { UsageError } from "./main.js";

export const KEYS_USAGE = `  keys rotate [--batch 500]     re-encrypt NIKs and encrypted files on old keys with the
                                current key (ADUAN_ENCRYPTION_KEY_ID); old keys stay in
                                ADUAN_ENCRYPTION_OLD_KEYS until it reports 0 remaining
  keys status                   count values still encrypted with old keys
`;

export async function run(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { batch: { type: "string", default: "500" } },
  });
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000)
    throw new UsageError("keys rotate: --batch must be a whole number 1..10000");
  if (sub === "status") {
    await withCliContext(config, async (ctx) => {
      const p = await pendingRotation(ctx);
      console.log(
        `kunci aktif ${ctx.keyring.currentId}; belum dirotasi: Party ${p.Party}, Finding ${p.Finding}, Attachment ${p.Attachment}`,
      );
      process.exitCode = p.Party + p.Finding + p.Attachment > 0 ? 1 : 0;
    });
    return;
  }
  if (sub !== "rotate") throw new UsageError(`unknown keys subcommand\n${KEYS_USAGE}`);
  await withCliContext(config, async (ctx) => {
    const before = await pendingRotation(ctx);
    console.log(
      `rotasi ke kunci ${ctx.keyring.currentId}: Party ${before.Party}, Finding ${before.Finding}, Attachment ${before.Attachment} baris (batch ${batch})`,
    );
    const r = await rotateKeys(ctx, {
      batchSize: batch,
      onProgress: (p) =>
        console.log(`  batch ${p.batch}: ${p.table} +${p.rotated}, sisa ${p.remaining}`),
    });
    console.log(
      `selesai: Party ${r.rotated.Party}, Finding ${r.rotated.Finding}, Attachment ${r.rotated.Attachment}; sisa ${r.remaining}`,
    );
    if (r.remaining > 0) process.exitCode = 1;
  });
}
