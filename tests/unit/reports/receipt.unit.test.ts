// The tanda terima's content (issue 15.2): WITA dates and times, the next step and its due
// time, the class target as a date, the token only when this print hands it out, the
// follow-up link encoded, and the print view escaping what it shows.
import { describe, expect, it } from "vitest";
import {
  followLink,
  receiptContent,
  waktuWita,
  type ReceiptData,
} from "../../../src/reports/receipt/receipt.js";
import { renderReceiptHtml } from "../../../src/reports/receipt/receipt.html.js";
import { renderReceiptPdf } from "../../../src/reports/receipt/receipt.pdf.js";

const base: ReceiptData = {
  office: {
    name: "Dinas Sosial Kabupaten Tabalong",
    address: "Jl. Jend. A. Yani, Mabu'un",
    phone: "(0526) 2031680",
    email: "dinsostabalong@gmail.com",
  },
  number: "ADU-2026-000123",
  // 23:30 UTC on Monday = 07:30 WITA on Tuesday.
  receivedAt: new Date("2026-12-07T23:30:00Z"),
  channelLabel: "Datang langsung",
  jenisLabel: "Bantuan Keluarga Harapan (PKH)",
  nextStep: {
    label: "tindak lanjut oleh bidang yang menangani",
    dueAt: new Date("2026-12-10T08:00:00Z"),
  },
  target: { workingDays: 14, by: new Date("2026-12-28T00:00:00Z") },
  statusUrl: "https://pengaduan.example.go.id/pengaduan/status",
  lookupToken: "abc-DEF_123",
  printedAt: new Date("2026-12-08T00:00:00Z"),
};

describe("tanda terima content", () => {
  it("dates and times in WITA with the Indonesian day name", () => {
    expect(waktuWita(base.receivedAt)).toBe("Selasa, 8 Desember 2026 pukul 07.30 WITA");
    const c = receiptContent(base);
    expect(c.fields).toContainEqual({
      label: "Diterima",
      value: "Selasa, 8 Desember 2026 pukul 07.30 WITA",
    });
    expect(c.next[0]).toBe(
      "Langkah berikutnya: tindak lanjut oleh bidang yang menangani, paling lambat Kamis, 10 Desember 2026 pukul 16.00 WITA.",
    );
    expect(c.next[1]).toContain(
      "paling lama 14 hari kerja sejak diterima, yaitu sampai Senin, 28 Desember 2026",
    );
  });

  it("the token and the direct link only when this print hands them out", () => {
    const withToken = receiptContent(base);
    expect(withToken.follow).toContain("Token pelacakan: abc-DEF_123");
    expect(withToken.followLink).toBe(
      "https://pengaduan.example.go.id/pengaduan/status?nomor=ADU-2026-000123&token=abc-DEF_123",
    );
    const reprint = receiptContent({ ...base, lookupToken: null });
    expect(reprint.followLink).toBeNull();
    expect(reprint.follow.join(" ")).not.toContain("abc-DEF_123");
    expect(reprint.follow.join(" ")).toContain("mintalah token baru");
    expect(receiptContent({ ...base, jenisLabel: null }).fields).toContainEqual({
      label: "Jenis pengaduan",
      value: "Akan ditentukan petugas",
    });
  });

  it("encodes the link's parameters", () => {
    expect(followLink("https://h/pengaduan/status", "A B&C", "t+/=")).toBe(
      "https://h/pengaduan/status?nomor=A%20B%26C&token=t%2B%2F%3D",
    );
  });

  it("the print view escapes, the PDF is one A5 page", async () => {
    const html = renderReceiptHtml({ ...base, jenisLabel: "<script>alert(1)</script>" });
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("@page { size: A5 portrait");
    const pdf = (await renderReceiptPdf(base)).toString("latin1");
    expect(pdf.startsWith("%PDF-")).toBe(true);
    expect(pdf.match(/\/Type \/Page\b/g)).toHaveLength(1);
    // A5 portrait: 419.53 × 595.28 points.
    expect(pdf).toMatch(/\/MediaBox \[0 0 419\.53\d* 595\.28\d*\]/);
  });
});
