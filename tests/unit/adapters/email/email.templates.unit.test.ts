import { describe, expect, it } from "vitest";
import {
  formatWita,
  renderAcknowledgementEmail,
  renderStaffReplyEmail,
  type OfficeContact,
} from "../../../../adapters/email/email.templates.js";

const office: OfficeContact = {
  name: "Dinas Sosial Kabupaten Tabalong",
  address: "Jl. Contoh No. 1, Tanjung, Tabalong",
  phone: "081200000099",
  email: "pengaduan@dinsos.tabalong.example.test",
  serviceHours: "Senin–Jumat 08.00–16.00 WITA",
};

describe("renderAcknowledgementEmail", () => {
  const ack = renderAcknowledgementEmail({
    caseNumber: "ADU-2026-000123",
    receivedAt: new Date("2026-02-02T01:15:00Z"),
    citizenName: "Ahmad Uji",
    citizenMessageId: "<CAF0000000000000001@mail.example.test>",
    office,
  });

  it("uses the fixed Bahasa Indonesia subject with the case number", () => {
    expect(ack.subject).toBe("[ADU-2026-000123] Pengaduan Anda telah kami terima");
  });

  it("states the case number, the WITA receipt time, the next steps and the office contact", () => {
    expect(ack.text).toContain("Yth. Bapak/Ibu Ahmad Uji,");
    expect(ack.text).toContain("    ADU-2026-000123");
    expect(ack.text).toContain("Senin, 2 Februari 2026 pukul 09.15 WITA");
    expect(ack.text).toMatch(/Langkah selanjutnya:\n1\. .*\n2\. .*\n3\. .*\n4\. /);
    expect(ack.text).toContain("Telepon/WhatsApp: 081200000099");
    expect(ack.text).toContain("Jam layanan: Senin–Jumat 08.00–16.00 WITA");
  });

  it("threads under the citizen's mail and marks itself auto-replied (no mail loops)", () => {
    expect(ack.headers).toEqual({
      "In-Reply-To": "<CAF0000000000000001@mail.example.test>",
      References: "<CAF0000000000000001@mail.example.test>",
      "Auto-Submitted": "auto-replied",
      "X-Auto-Response-Suppress": "All",
    });
  });

  it("greets without a name and sets no thread headers for a case from another channel", () => {
    const other = renderAcknowledgementEmail({
      caseNumber: "ADU-2026-000124",
      receivedAt: new Date("2026-02-02T01:15:00Z"),
      citizenName: null,
      citizenMessageId: null,
      office,
    });
    expect(other.text.startsWith("Yth. Bapak/Ibu,\n")).toBe(true);
    expect(other.headers).not.toHaveProperty("In-Reply-To");
    expect(other.headers).not.toHaveProperty("References");
  });

  it("refuses a malformed case number", () => {
    expect(() =>
      renderAcknowledgementEmail({
        caseNumber: "ADU-26-1",
        receivedAt: new Date(),
        citizenName: null,
        citizenMessageId: null,
        office,
      }),
    ).toThrow(RangeError);
  });
});

describe("renderStaffReplyEmail", () => {
  const base = {
    caseNumber: "ADU-2026-000123",
    body: "Berdasarkan pemeriksaan SIKS-NG, data Bapak tercatat di DTKS.\r\nSaldo akan masuk pada tahap berikutnya.",
    citizenName: "Ahmad Uji",
    citizenMessageId: "CAF0000000000000004@mail.example.test",
    citizenReferences: [
      "CAF0000000000000001@mail.example.test",
      "ack-ADU-2026-000123@dinsos.tabalong.example.test",
    ],
    office,
  };

  it("keeps the case number already in the subject and does not stack Re:", () => {
    const reply = renderStaffReplyEmail({
      ...base,
      originalSubject: "Re: RE: [ADU-2026-000123] Pengaduan Anda telah kami terima",
    });
    expect(reply.subject).toBe("Re: [ADU-2026-000123] Pengaduan Anda telah kami terima");
  });

  it("adds the case number to a subject without it", () => {
    const reply = renderStaffReplyEmail({
      ...base,
      originalSubject: "Saldo BPNT tidak masuk 3 bulan",
    });
    expect(reply.subject).toBe("Re: [ADU-2026-000123] Saldo BPNT tidak masuk 3 bulan");
  });

  it("sets In-Reply-To to the citizen's Message-ID and References to the whole thread", () => {
    const reply = renderStaffReplyEmail({ ...base, originalSubject: "x" });
    expect(reply.headers).toEqual({
      "In-Reply-To": "<CAF0000000000000004@mail.example.test>",
      References:
        "<CAF0000000000000001@mail.example.test> <ack-ADU-2026-000123@dinsos.tabalong.example.test> <CAF0000000000000004@mail.example.test>",
    });
    expect(reply.text).toContain("nomor ADU-2026-000123");
    expect(reply.text).toContain("tercatat di DTKS.\nSaldo akan masuk");
  });

  it("keeps header values on one line (no header injection from a subject)", () => {
    const reply = renderStaffReplyEmail({
      ...base,
      originalSubject: "Halo\r\nBcc: korban@example.test",
      citizenMessageId: null,
      citizenReferences: [],
    });
    expect(reply.subject).toBe("Re: [ADU-2026-000123] Halo Bcc: korban@example.test");
    expect(reply.headers).toEqual({});
  });

  it("uses a default subject when the case came from another channel", () => {
    const reply = renderStaffReplyEmail({ ...base, originalSubject: null });
    expect(reply.subject).toBe("Re: [ADU-2026-000123] Tanggapan atas pengaduan Anda");
  });
});

describe("formatWita", () => {
  it("renders WITA (UTC+8) with Indonesian day and month names", () => {
    expect(formatWita(new Date("2026-12-31T16:30:00Z"))).toBe(
      "Jumat, 1 Januari 2027 pukul 00.30 WITA",
    );
  });
});
