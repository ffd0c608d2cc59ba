import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { PDFParse } from "pdf-parse";
import type { HubContext } from "../../../src/context.js";
import { parseLegacyText, type LegacyRow } from "../../../src/domain/legacy/legacy-log.parser.js";
import type { OutboxOutcome } from "../../../src/outbox/outbox.js";
import { importLegacy } from "../../../src/services/legacy-import.service.js";

export const SEED_PATH = "tests/fixtures/seed-2023.txt";

export function seedRows(): LegacyRow[] {
  return parseLegacyText(readFileSync(SEED_PATH, "utf8")).rows;
}

/** The seed's 43 rows imported the way the office would (issue 3's legacy import). */
export async function importSeed(ctx: HubContext): Promise<void> {
  const run = await importLegacy(ctx, {
    bytes: readFileSync(SEED_PATH),
    fileName: "seed-2023.txt",
    actor: null,
  });
  if (run.status !== "succeeded") throw new Error(`seed import ${run.status}`);
}

export async function xlsxSheet(bytes: Buffer, name?: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = name ? wb.getWorksheet(name) : wb.worksheets[0];
  if (!ws) throw new Error(`no sheet ${name}`);
  const out: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (c, i) => {
      // exceljs throws on .text of a merged cell whose master is empty
      let text = "";
      try {
        text = c.text ?? "";
      } catch {
        text = "";
      }
      cells[i - 1] = text;
    });
    out[n - 1] = Array.from(cells, (v) => v ?? "");
  });
  return Array.from(out, (r) => r ?? []);
}

export async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

/**
 * Sends the pending `rekap.push` entries with the registry's publisher and records the
 * outcome on the row. The issue-4 outbox worker (flushOutbox) did not exist when these
 * tests were written; this does the minimum the tests need, nothing more.
 */
export async function deliverRekap(ctx: HubContext): Promise<OutboxOutcome[]> {
  const handler = ctx.registry.publisher("rekap.push");
  if (!handler) throw new Error("no publisher for rekap.push in the registry");
  const rows = await ctx.db.prisma.outbox.findMany({
    where: { kind: "rekap.push", status: "pending" },
    orderBy: { seq: "asc" },
  });
  const outcomes: OutboxOutcome[] = [];
  for (const row of rows) {
    const outcome = await handler(ctx, row);
    outcomes.push(outcome);
    await ctx.db.prisma.outbox.update({
      where: { id: row.id },
      data:
        outcome.status === "sent"
          ? { status: "sent", sentAt: new Date(), attempts: { increment: 1 } }
          : outcome.status === "retry"
            ? { attempts: { increment: 1 }, lastError: outcome.error }
            : { status: outcome.status, lastError: outcome.error, attempts: { increment: 1 } },
    });
  }
  return outcomes;
}
