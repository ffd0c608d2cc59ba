// Suites that skip for want of a test peer (dovecot, chromium) say why in a marker file;
// the skipped-peers reporter reads them when the run ends and names the one command that
// installs the peers (.ci/install-peers, the same CI runs). Markers live beside the logs.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SKIP_MARKERS = process.env.ADUAN_SKIP_MARKERS ?? "test-output/skipped-peers";
export const INSTALL_PEERS = "sudo bash .ci/install-peers";

/** Records why a suite skips (written once per distinct reason). */
export function markSkippedForPeer(reason: string): void {
  mkdirSync(SKIP_MARKERS, { recursive: true });
  const name = createHash("sha1").update(reason).digest("hex").slice(0, 12);
  writeFileSync(join(SKIP_MARKERS, `${name}.txt`), reason);
}
