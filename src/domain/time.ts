// WITA (Asia/Makassar) is UTC+8 all year, with no daylight saving: a fixed offset is exact.
export const WITA_OFFSET_MS = 8 * 3600_000;

export function witaYear(d: Date): number {
  return new Date(d.getTime() + WITA_OFFSET_MS).getUTCFullYear();
}

export function witaDate(d: Date): string {
  return new Date(d.getTime() + WITA_OFFSET_MS).toISOString().slice(0, 10);
}
