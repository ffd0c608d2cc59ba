// `aduan-hub serve --role …` as real child processes for the fault and scale tests. Each
// process logs to test-output/logs/<name>.log (the log scan reads those too) and is
// remembered here so a test's afterAll can SIGKILL whatever it left running, by pid.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { TEST_KEYS } from "./test-hub.js";

export type ServeProcess = {
  name: string;
  child: ChildProcess;
  /** Resolves with the listening URL; rejects if the process exits first. */
  url: Promise<string>;
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string | null>;
};

const spawned = new Set<ChildProcess>();

export function spawnServe(
  role: "api" | "worker" | "all",
  env: Record<string, string>,
  name: string,
): ServeProcess {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import("./src/cli/main.ts").then(m => m.main(["serve", "--role", "${role}"]))`,
    ],
    {
      env: {
        ...process.env,
        ...TEST_KEYS,
        NODE_ENV: "test",
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        ADUAN_JOBS: "true",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  spawned.add(child);
  mkdirSync("test-output/logs", { recursive: true });
  const file = createWriteStream(join("test-output/logs", `${name}.log`), { flags: "a" });
  let out = "";
  const onData = (d: Buffer) => {
    out += d.toString();
    file.write(d);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => {
      spawned.delete(child);
      file.end();
      resolve(code ?? signal);
    }),
  );
  const url = new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m?.[1]) {
        clearInterval(t);
        resolve(m[1]);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(t);
      reject(new Error(`${name} exited (${String(code)}) before listening: ${out.slice(-800)}`));
    });
  });
  // A test that never awaits `url` (killed early) must not leave an unhandled rejection.
  url.catch(() => undefined);
  return { name, child, url, output: () => out, exited };
}

/** SIGKILL and wait for the exit. */
export async function killHard(p: ServeProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await p.exited;
}

/** For afterAll: every process this helper started and that is still alive. */
export async function killAllServe(): Promise<void> {
  const left = [...spawned];
  for (const c of left) c.kill("SIGKILL");
  await Promise.all(
    left.map((c) =>
      c.exitCode !== null || c.signalCode !== null
        ? Promise.resolve()
        : new Promise((r) => c.once("exit", r)),
    ),
  );
}
