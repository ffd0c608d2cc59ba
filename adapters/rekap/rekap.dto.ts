// The recap body is shared with the recap service (which builds it): it lives in
// src/domain/rekap.ts; the adapter and its sandbox keep importing it from here.
export {
  RekapBodySchema,
  RekapReceiptSchema,
  rekapIdempotencyKey,
  type RekapBody,
} from "../../src/domain/rekap.js";
