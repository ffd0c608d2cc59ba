// UU PDP restriction in the monthly table: a restricted person's identity is not exported,
// whichever party of the case they are (first pelapor, atas nama, a further pelapor).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";
import { issueReport, monthlyRows } from "../../../src/services/reports.service.js";
import { monthlyRowCells } from "../../../src/reports/columns.js";
import { addFinding, newCase, NIK_A, staff } from "../pdp/pdp-fixtures.js";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ name: "reports-monthly-restriction" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
});

const AUGUST = (day: number) => new Date(Date.UTC(2026, 7, day, 2));

async function restrict(caseId: string, role: string, name: string) {
  const n = await hub.ctx.db.prisma.party.updateMany({
    where: { caseId, role, name },
    data: { restricted: true },
  });
  expect(n.count).toBe(1);
}

/** The eight printed cells of each row of August 2026, in order. */
async function augustCells(): Promise<string[][]> {
  const { rows } = await monthlyRows(hub.ctx, 2026, 8);
  return rows.map((r, i) => monthlyRowCells(r, i));
}

describe("monthly table and PDP restriction", () => {
  it("hides a restricted atas nama's name from every column, keeping the pelapor's identity", async () => {
    const fo = await staff(hub.ctx, "fo-r", "front_office");
    const c = await newCase(hub.ctx, fo, {
      pelapor: { name: "Bahrudin Saleh", phone: "0813-4800-1122" },
      atasNama: { name: "Rahmah Binti Ali", nik: NIK_A },
      keperluan: "Mengurus PBI JK untuk ibu Rahmah Binti Ali",
      receivedAt: AUGUST(5),
    });
    // The finding spells the person its own way.
    await addFinding(hub.ctx, c.id, NIK_A, "RAHMAH");
    await restrict(c.id, "atas_nama", "Rahmah Binti Ali");

    const [row] = await augustCells();
    const [, , nama, noHp, , keperluan, , narasi] = row!;
    expect(nama).toBe("Bahrudin Saleh");
    expect(noHp).toBe("081348001122");
    expect(keperluan).toBe("Mengurus PBI JK untuk ibu (dirahasiakan)");
    expect(narasi).toBe("Setelah dicek, (dirahasiakan) tercatat nonaktif.");
    expect(row!.join(" ")).not.toMatch(/rahmah/i);

    const issued = await issueReport(hub.ctx, {
      kind: "monthly",
      format: "csv",
      year: 2026,
      month: 8,
      actor: null,
    });
    const csv = issued.bytes.toString("utf8");
    expect(csv).toContain("Bahrudin Saleh");
    expect(csv).not.toMatch(/rahmah/i);
  });

  it("hides the identity columns of a restricted pelapor, and a further restricted pelapor's name", async () => {
    const fo = await staff(hub.ctx, "fo-r", "front_office");
    const a = await newCase(hub.ctx, fo, {
      pelapor: { name: "Siti Aisyah", phone: "0812-5110-7788" },
      keperluan: "Siti Aisyah (0812-5110-7788) menanyakan BPNT",
      receivedAt: AUGUST(3),
    });
    await restrict(a.id, "pelapor", "Siti Aisyah");
    const b = await newCase(hub.ctx, fo, {
      pelapor: { name: "Jumberi", phone: "0858-4524-0653" },
      keperluan: "Jumberi datang bersama Hadi Wiyono (0811-5000-123) soal KKS",
      receivedAt: AUGUST(4),
    });
    await hub.ctx.db.prisma.party.create({
      data: { caseId: b.id, role: "pelapor", name: "Hadi Wiyono", phoneE164: "+628115000123" },
    });
    await restrict(b.id, "pelapor", "Hadi Wiyono");
    await newCase(hub.ctx, fo, {
      pelapor: { name: "Hatmiati", phone: "0858-1111-2222" },
      keperluan: "Hatmiati menanyakan PKH",
      receivedAt: AUGUST(6),
    });

    const [ra, rb, rc] = await augustCells();
    expect(ra!.slice(2, 5)).toEqual(["(dirahasiakan)", "(dirahasiakan)", "(dirahasiakan)"]);
    expect(ra![5]).toBe("(dirahasiakan) ((dirahasiakan)) menanyakan BPNT");
    expect(rb!.slice(2, 4)).toEqual(["Jumberi", "085845240653"]);
    expect(rb![5]).toBe("Jumberi datang bersama (dirahasiakan) ((dirahasiakan)) soal KKS");
    // Nobody restricted: the row is as it always was.
    expect(rc!.slice(2, 4)).toEqual(["Hatmiati", "085811112222"]);
    expect(rc![5]).toBe("Hatmiati menanyakan PKH");
  });
});
