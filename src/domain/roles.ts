// The one source of the hub's closed vocabularies that are not case statuses (those are in
// workflow.ts): roles, bidang, channels, and their Indonesian labels. openapi/hub.yaml
// declares each as one schema (Role, Bidang, Channel) and a unit test holds the two equal;
// the console reads the labels from GET /api/v1/catalogue/labels.

// Roles from Keputusan Kepala Dinas 21/2023: penanggung jawab (kadis), koordinator
// (sekretaris, ketua tim), front office, tim penelaah/audit (kepala bidang), plus admin.
export const ROLES = ["admin", "kadis", "koordinator", "front_office", "penelaah"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: "Admin",
  kadis: "Kepala Dinas",
  koordinator: "Koordinator",
  front_office: "Petugas layanan",
  penelaah: "Penelaah",
};

export const BIDANG = {
  DAYASOS: "Pemberdayaan Sosial",
  REHSOS: "Rehabilitasi Sosial",
  LINJAMSOS: "Perlindungan dan Jaminan Sosial",
} as const;
export type BidangCode = keyof typeof BIDANG;
export const BIDANG_CODES = Object.keys(BIDANG) as BidangCode[];

export function isBidang(value: unknown): value is BidangCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(BIDANG, value);
}

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

/** Channels a desk officer records by hand (the spec's IntakeChannel). */
export const INTAKE_CHANNELS = [
  "datang_langsung",
  "telepon",
  "kotak_saran",
  "website",
] as const satisfies readonly Channel[];
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  lapor: "LAPOR!",
  email: "Surel",
  whatsapp: "WhatsApp",
  facebook: "Facebook",
  instagram: "Instagram",
  datang_langsung: "Datang langsung",
  telepon: "Telepon",
  kotak_saran: "Kotak saran",
  website: "Situs web",
  legacy_import: "Impor catatan lama",
};

// Roles that work cases and so see full contact details; the others see masked values.
export const CASE_WORKER_ROLES: readonly Role[] = [
  "front_office",
  "koordinator",
  "penelaah",
  "kadis",
];
export const ALL_STAFF: readonly Role[] = ROLES;
