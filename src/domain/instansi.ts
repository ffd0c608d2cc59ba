// Offices (instansi). One hub serves several offices; every case, party, user, report and
// audit row names its office. The default office is the one the hub was built for: rows
// written before a second office existed, the system intake streams (LAPOR! API sync,
// WhatsApp, Meta, e-mail, web form) and CLI commands without --instansi belong to it. It
// is also the column default in prisma/schema.prisma, which is why it is a constant and
// not a setting: a changed setting would disagree with the rows already stored.
import { err, ok, type Result } from "./result.js";

export const DEFAULT_INSTANSI = "6309-DINSOS";

/** BPS kabupaten/kota code (4 digits), a dash, the agency's short name: "6309-DINSOS". */
export const INSTANSI_PATTERN = /^[0-9]{4}-[A-Z][A-Z0-9]{1,19}$/;

export function parseInstansi(
  value: string,
): Result<string, { code: "INSTANSI_INVALID"; message: string }> {
  const v = value.trim();
  if (!INSTANSI_PATTERN.test(v)) {
    return err({
      code: "INSTANSI_INVALID",
      message: `instansi: kode seperti ${DEFAULT_INSTANSI} (4 angka kode wilayah, tanda hubung, singkatan huruf besar)`,
    });
  }
  return ok(v);
}
