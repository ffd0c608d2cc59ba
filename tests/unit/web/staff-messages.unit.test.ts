// issue 15 item 8: staff read Bahasa only, and never a field by its code. Every error code
// of the API has a Bahasa sentence in the console (src/web/static/shared/messages.js), and
// whatever the server sends with a code — an English validator sentence, a message naming
// "body.reason" — the console's message for it is Bahasa and names no field code.
import { describe, expect, it } from "vitest";
import { ERROR_CODE_LIST } from "../../../src/domain/errors.js";
// A console module (plain JS): loaded by path so the test does not depend on how the
// console's types are declared.
const MODULE = "../../../src/web/static/shared/messages.js";
const mod = (await import(MODULE)) as {
  CODE_MESSAGES: Record<string, string>;
  staffMessage: (e: {
    code?: string;
    message: string;
    fields?: { field: string; message: string }[];
  }) => string;
};
const messages = mod.CODE_MESSAGES;
const show = mod.staffMessage;

const FIELD_CODE = /\b(body|query|path|params)(\.[A-Za-z0-9_]+)+/;
// Words that only an English sentence has (Bahasa shares none of them).
const ENGLISH =
  /\b(the|must|should|is|are|not|required|invalid|unknown|allowed|expected|request|field|error|failed|please|cannot)\b/i;

describe("the console's Bahasa message for every error code", () => {
  it("has exactly the registry's codes", () => {
    expect(Object.keys(messages).sort()).toEqual([...ERROR_CODE_LIST].sort());
  });

  it.each(ERROR_CODE_LIST)("%s: a Bahasa sentence, no field code, no English", (code) => {
    const text = messages[code];
    expect(text, code).toBeTruthy();
    expect(text!.length).toBeGreaterThan(8);
    expect(text).not.toMatch(FIELD_CODE);
    expect(text).not.toMatch(ENGLISH);
  });

  it.each(ERROR_CODE_LIST)(
    "%s: what staff see for English or field-coded server text is Bahasa, without codes",
    (code) => {
      const answers = [
        { code, message: "Something went wrong on the server" },
        { code, message: "" },
        { code, message: "body.reason: must have required property 'reason'" },
        {
          code,
          message: "body.reason: must have required property 'reason'",
          fields: [{ field: "body.reason", message: "must have required property 'reason'" }],
        },
        {
          code,
          message: "query.q: Parameter 'q' must be url encoded",
          fields: [{ field: "query.q", message: "Parameter 'q' must be url encoded" }],
        },
        {
          code,
          message: "Alasan wajib diisi",
          fields: [{ field: "body.pelapor.nik", message: "NIK tidak valid" }],
        },
      ];
      for (const a of answers) {
        const text = show(a);
        expect(text, JSON.stringify(a)).not.toMatch(FIELD_CODE);
        expect(text, JSON.stringify(a)).not.toMatch(ENGLISH);
        expect(text.length).toBeGreaterThan(3);
      }
      // With no usable text of its own, the answer is the code's sentence.
      expect(show({ code, message: "Something went wrong" })).toBe(messages[code]);
    },
  );

  it("keeps the server's own Bahasa sentence and names fields by their label", () => {
    expect(show({ code: "CASE_CLOSED", message: "Kasus ADU-2026-000001 sudah selesai" })).toBe(
      "Kasus ADU-2026-000001 sudah selesai",
    );
    expect(
      show({
        code: "VALIDATION_FAILED",
        message: "body.reason: must have required property 'reason'",
        fields: [{ field: "body.reason", message: "must have required property 'reason'" }],
      }),
    ).toBe("Alasan: wajib diisi");
    expect(
      show({ code: "VALIDATION_FAILED", message: "must NOT have fewer than 10 characters" }),
    ).toBe("minimal 10 karakter");
  });
});
