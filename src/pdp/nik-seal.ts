// A valid NIK as the hub stores it (UU 27/2022 PDP): encrypted under the current key, a
// keyed hash that finds the same person across cases without decrypting, and the masked
// form staff see.
import { maskNik } from "../domain/nik.js";
import { encrypt, keyedHash, type Keyring } from "../security/crypto.js";

export type SealedNik = {
  nikCipher: Uint8Array<ArrayBuffer>;
  nikKeyId: string;
  nikHash: string;
  nikMasked: string;
};

/** `nik` must be a valid, normalised NIK (parseNik's value). */
export function sealNik(ring: Keyring, nik: string): SealedNik {
  const enc = encrypt(ring, nik);
  return {
    nikCipher: new Uint8Array(enc.blob),
    nikKeyId: enc.keyId,
    nikHash: keyedHash(ring, nik),
    nikMasked: maskNik(nik),
  };
}
