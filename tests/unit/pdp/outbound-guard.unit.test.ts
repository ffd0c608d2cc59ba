// The outbound text guard: what a reply to the pelapor may not carry (UU PDP restriction and
// outbound minimisation), matched on normalised values, reported without the values.
import { describe, expect, it } from "vitest";
import {
  containsName,
  describePersonalData,
  findOutboundPersonalData,
  outboundRefusalReason,
  replyRecipient,
  type GuardParty,
} from "../../../src/pdp/restriction.js";
import { encrypt, keyedHash, type Keyring } from "../../../src/security/crypto.js";
import { maskNik } from "../../../src/domain/nik.js";

const ring: Keyring = {
  currentId: "k1",
  keys: new Map([["k1", Buffer.alloc(32, 3)]]),
  hashKey: Buffer.alloc(32, 5),
  auditKey: Buffer.alloc(32, 6),
};

const NIK_PELAPOR = "6309041203100001";
const NIK_ATAS = "6309054507850002";
// Same first and last four digits as NIK_ATAS, different middle: only the mask agrees.
const NIK_LOOKALIKE = "6309011111110002";

let seq = 0;
function party(over: Partial<GuardParty> & { nik?: string } = {}): GuardParty {
  const { nik, ...rest } = over;
  const enc = nik ? encrypt(ring, nik) : null;
  seq += 1;
  return {
    id: `p${seq}`,
    role: "atas_nama",
    name: null,
    phoneE164: null,
    altPhones: [],
    email: null,
    nikHash: nik ? keyedHash(ring, nik) : null,
    nikMasked: nik ? maskNik(nik) : null,
    nikCipher: enc ? new Uint8Array(enc.blob) : null,
    nikKeyId: enc?.keyId ?? null,
    restricted: false,
    createdAt: new Date(2026, 0, 1, 0, 0, seq),
    ...rest,
  };
}

function caseParties(
  atas: Partial<GuardParty> & { nik?: string } = {},
  pel: Partial<GuardParty> & { nik?: string } = {},
) {
  const pelapor = party({
    role: "pelapor",
    name: "Hatmiati",
    phoneE164: "+6285845240653",
    nik: NIK_PELAPOR,
    ...pel,
  });
  const atasNama = party({
    name: "Rahmah Aluh",
    phoneE164: "+6281251107788",
    nik: NIK_ATAS,
    ...atas,
  });
  return [pelapor, atasNama];
}

const check = (text: string, parties: GuardParty[], keyring: Keyring | null = ring) =>
  findOutboundPersonalData(text, parties, { keyring });

describe("outbound guard: other parties' NIK and phone", () => {
  it("refuses the NIK of the atas nama party, typed plain or in groups, with or without the keyring", () => {
    const ps = caseParties();
    const want = [{ field: "nik", role: "atas_nama", restricted: false }];
    expect(check(`NIK ${NIK_ATAS} sudah aktif`, ps)).toEqual(want);
    expect(check("NIK 6309 0545 0785 0002 sudah aktif", ps)).toEqual(want);
    expect(check("NIK 6309.0545.0785.0002.", ps, null)).toEqual(want);
    // Run into a neighbouring number: still found.
    expect(check(`ref 12${NIK_ATAS}`, ps)).toEqual(want);
  });

  it("refuses the phone of another party in any local form", () => {
    const ps = caseParties();
    const want = [{ field: "phone", role: "atas_nama", restricted: false }];
    for (const form of ["0812-5110-7788", "+62 812 5110 7788", "6281251107788", "(0812) 51107788"])
      expect(check(`Hubungi ${form} ya`, ps)).toEqual(want);
    // altPhones count as the person's numbers too.
    const alt = caseParties({ phoneE164: null, altPhones: ["+6281351234567"] });
    expect(check("nomor 081351234567", alt)).toEqual(want);
  });

  it("lets the pelapor's own NIK and phone through, and a number the household shares", () => {
    const ps = caseParties();
    expect(check(`NIK Anda ${NIK_PELAPOR}, nomor 0858-4524-0653.`, ps)).toEqual([]);
    const shared = caseParties({ phoneE164: "+6285845240653" });
    expect(check("Kami hubungi di 085845240653", shared)).toEqual([]);
    // The atas nama is the pelapor themself (same NIK): their own number.
    const self = caseParties({ nik: NIK_PELAPOR });
    expect(check(`NIK ${NIK_PELAPOR}`, self)).toEqual([]);
  });

  it("matches a NIK exactly with the keyring; without it the mask refuses a look-alike", () => {
    const ps = caseParties();
    expect(check(`nomor KK ${NIK_LOOKALIKE}`, ps)).toEqual([]);
    expect(check(`nomor KK ${NIK_LOOKALIKE}`, ps, null)).toEqual([
      { field: "nik", role: "atas_nama", restricted: false },
    ]);
    // A row with a cipher but no hash is compared by decrypting.
    const noHash = caseParties({ nikHash: null });
    expect(check(`NIK ${NIK_ATAS}`, noHash)).toHaveLength(1);
  });

  it("does not check other parties' names unless they are restricted", () => {
    expect(check("Bantuan untuk Rahmah Aluh sudah cair.", caseParties())).toEqual([]);
  });
});

describe("outbound guard: restricted parties", () => {
  it("refuses the name of a restricted party on whole words, case-insensitively", () => {
    const ps = caseParties({ restricted: true });
    const want = [{ field: "name", role: "atas_nama", restricted: true }];
    expect(check("Bantuan untuk RAHMAH   aluh sudah cair.", ps)).toEqual(want);
    expect(check("Bantuan untuk Rahmah Aluhwati sudah cair.", ps)).toEqual([]);
    expect(check("Bantuan untuk Rahmah sudah cair.", ps)).toEqual([]);
  });

  it("refuses every identifier of a restricted party, e-mail included", () => {
    const ps = caseParties({ restricted: true, email: "rahmah@contoh.id" });
    const hits = check(`Rahmah Aluh, ${NIK_ATAS}, 081251107788, Rahmah@Contoh.id`, ps);
    expect(hits.map((h) => h.field).sort()).toEqual(["email", "name", "nik", "phone"]);
    expect(hits.every((h) => h.restricted && h.role === "atas_nama")).toBe(true);
  });

  it("a restricted pelapor still gets their own data in the reply to them", () => {
    const ps = caseParties({}, { restricted: true });
    expect(check(`Yth. Ibu Hatmiati, NIK ${NIK_PELAPOR}, HP 085845240653`, ps)).toEqual([]);
  });

  it("ignores names shorter than three characters and anonymised placeholders", () => {
    expect(containsName("Pak Ed datang", "Ed")).toBe(false);
    expect(containsName("nama (dihapus) di sini", "(dihapus)")).toBe(false);
    expect(containsName("Bu Aluh", "aluh")).toBe(true);
  });

  it("without a pelapor every party is someone else", () => {
    const [, atas] = caseParties({ restricted: true });
    expect(check("Rahmah Aluh", [atas!])).toEqual([
      { field: "name", role: "atas_nama", restricted: true },
    ]);
    expect(replyRecipient([atas!])).toBeNull();
  });
});

describe("outbound guard: what it reports", () => {
  it("names the kind of data and whose it is, never the value", () => {
    const ps = caseParties({ restricted: true });
    const hits = check(`Rahmah Aluh ${NIK_ATAS} 081251107788`, ps);
    const text = describePersonalData(hits);
    expect(text).toBe(
      "NIK orang yang datanya dibatasi (atas nama), nomor telepon orang yang datanya dibatasi " +
        "(atas nama), nama orang yang datanya dibatasi (atas nama)",
    );
    const reason = outboundRefusalReason(hits);
    expect(reason.startsWith("REPLY_CONTAINS_PERSONAL_DATA: ")).toBe(true);
    for (const v of ["Rahmah", NIK_ATAS, "81251107788"]) expect(reason).not.toContain(v);
  });
});

describe("outbound guard: WhatsApp business-scoped user IDs (issue 19)", () => {
  const OTHER = "ID.5F4E3D2C1B0A9F8E7D6C";
  const OWN = "ID.9A8B7C6D5E4F3A2B1C0D";

  it("refuses another person's BSUID like their phone, allows the recipient's own", () => {
    const ps = caseParties({ bsuid: OTHER }, { bsuid: OWN });
    expect(check(`Hubungi ${OTHER} untuk data KKS`, ps)).toEqual([
      { field: "phone", role: "atas_nama", restricted: false },
    ]);
    expect(check(`ID WhatsApp Anda ${OWN} sudah kami catat`, ps)).toEqual([]);
  });
});
