// Roles from Keputusan Kepala Dinas 21/2023: penanggung jawab (kadis), koordinator
// (sekretaris, ketua tim), front office, tim penelaah/audit (kepala bidang), plus admin.
export const ROLES = ["admin", "kadis", "koordinator", "front_office", "penelaah"] as const;
export type Role = (typeof ROLES)[number];

export const BIDANG = {
  DAYASOS: "Pemberdayaan Sosial",
  REHSOS: "Rehabilitasi Sosial",
  LINJAMSOS: "Perlindungan dan Jaminan Sosial",
} as const;
export type BidangCode = keyof typeof BIDANG;
export const BIDANG_CODES = Object.keys(BIDANG) as BidangCode[];

export const CHANNELS = [
  "lapor",
  "email",
  "whatsapp",
  "facebook",
  "instagram",
  "datang_langsung",
  "telepon",
  "kotak_saran",
  "website",
  "legacy_import",
] as const;
export type Channel = (typeof CHANNELS)[number];

// Roles that work cases and so see full contact details; the others see masked values.
export const CASE_WORKER_ROLES: readonly Role[] = [
  "front_office",
  "koordinator",
  "penelaah",
  "kadis",
];
export const ALL_STAFF: readonly Role[] = ROLES;
