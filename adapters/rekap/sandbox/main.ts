import { createRekapSandbox } from "./rekap-sandbox.js";
import { DEFAULT_INSTANSI } from "../../../src/domain/instansi.js";

// Standalone fake recap intake for local runs: `npx tsx adapters/rekap/sandbox/main.ts`.
// REKAP_SANDBOX_PORT (default 4020), REKAP_SANDBOX_HOST (127.0.0.1),
// REKAP_SANDBOX_KEY (sandbox-rekap-key), REKAP_SANDBOX_INSTANSI (6309-DINSOS).
// Prints the REKAP_TARGETS value that points the hub at it.

const rawPort = process.env.REKAP_SANDBOX_PORT || "4020";
const port = Number(rawPort);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`REKAP_SANDBOX_PORT must be a port number, got "${rawPort}"`);
  process.exit(2);
}
const host = process.env.REKAP_SANDBOX_HOST || "127.0.0.1";
const key = process.env.REKAP_SANDBOX_KEY || "sandbox-rekap-key";
const instansiKode = process.env.REKAP_SANDBOX_INSTANSI || DEFAULT_INSTANSI;

const sandbox = createRekapSandbox({ keys: { [instansiKode]: key } });
const running = await sandbox.start(port, host);
const targets = [{ name: "sandbox", baseUrl: running.url, key, instansiKode }];
console.log(`rekap sandbox listening on ${running.url}`);
console.log(`REKAP_TARGETS='${JSON.stringify(targets)}'`);
console.log(`received recaps: curl -s ${running.url}/__sandbox/recaps`);
console.log(
  `faults: curl -X POST ${running.url}/__sandbox/faults -H 'content-type: application/json' -d '{"fail503Next":2}'`,
);

const stop = (): void => {
  void running.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
