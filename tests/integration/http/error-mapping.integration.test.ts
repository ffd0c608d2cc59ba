// The error middleware turns every DomainError into its code's status and the spec's Error
// body, over real HTTP: each code of the registry through a probe route, then errors raised
// by real services behind real operations (the test hub validates those answers against
// openapi/hub.yaml, whose Error.code is the registry's enum).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DomainError, ERROR_CODE_LIST, type ErrorCode } from "../../../src/domain/errors.js";
import { STATUS_BY_CODE } from "../../../src/http/errors.js";
import {
  PASSWORD,
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { addUser } from "../../../src/services/auth.service.js";

type ErrorBody = {
  code: string;
  message: string;
  requestId: string;
  fields?: { field: string; message: string; code?: string }[];
  allowed?: string[];
};
const BODY_KEYS = new Set(["code", "message", "requestId", "fields", "allowed"]);

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({
    name: "error-mapping",
    app: {
      // A route outside /api (so outside the gate) that raises the code it is given.
      rawRoutes: [
        (r) => {
          r.get("/__probe/errors/:code", (req) => {
            const code = req.params.code as ErrorCode;
            throw new DomainError(code, `Contoh galat ${code}`, {
              fields: [{ field: "body.contoh", message: "tidak valid", code }],
              allowed: ["a", "b"],
              ...(req.query.retry ? { retryAfterSeconds: 2.2 } : {}),
            });
          });
        },
      ],
    },
  });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
});

describe("every registry code through the error middleware", () => {
  it.each(ERROR_CODE_LIST)("%s → its status and the Error body", async (code) => {
    const r = await apiClient(hub).get<ErrorBody>(`/__probe/errors/${code}`);
    expect(r.status).toBe(STATUS_BY_CODE[code]);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(r.body).toEqual({
      code,
      message: `Contoh galat ${code}`,
      requestId: expect.any(String),
      fields: [{ field: "body.contoh", message: "tidak valid", code }],
      allowed: ["a", "b"],
    });
    expect(r.body.requestId.length).toBeGreaterThan(0);
    expect(r.headers.get("retry-after")).toBeNull();
  });

  it("sends Retry-After (whole seconds, rounded up) when the error says when to retry", async () => {
    const r = await apiClient(hub).get<ErrorBody>("/__probe/errors/RATE_LIMITED?retry=1");
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("3");
  });
});

describe("errors raised by services behind real operations", () => {
  const expectError = (
    r: { status: number; body: ErrorBody },
    status: number,
    code: ErrorCode,
  ): void => {
    expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
    expect(STATUS_BY_CODE[code]).toBe(status);
    expect(Object.keys(r.body).every((k) => BODY_KEYS.has(k))).toBe(true);
    expect(r.body.message.length).toBeGreaterThan(0);
  };

  it("auth service: a wrong password → 401 INVALID_CREDENTIALS", async () => {
    await addUser(hub.ctx, { username: "fo1", password: PASSWORD, role: "front_office" });
    const r = await apiClient(hub).post<ErrorBody>("/api/v1/auth/login", {
      username: "fo1",
      password: "bukan-kata-sandinya",
    });
    expectError(r, 401, "INVALID_CREDENTIALS");
  });

  it("workflow service: a transition the rules forbid → 409 with the reachable statuses", async () => {
    const fo = apiClient(hub, (await userWithToken(hub, "fo1", "front_office")).token);
    const created = await fo.post<{ id: string; version: number }>("/api/v1/cases", {
      channel: "datang_langsung",
      pelapor: { name: "Rahmadi" },
      keperluan: "Mohon bantuan sosial",
    });
    expect(created.status).toBe(201);
    const r = await fo.post<ErrorBody>(`/api/v1/cases/${created.body.id}/transitions`, {
      to: "selesai",
      version: created.body.version,
    });
    expectError(r, 409, "TRANSITION_NOT_ALLOWED");
    expect(r.body.allowed).toEqual(expect.arrayContaining(["diverifikasi"]));
    expect(r.body.fields).toEqual([{ field: "body.to", message: "tidak diizinkan" }]);
  });

  it("PDP module: a subject request naming nobody → 400 VALIDATION_FAILED naming the field", async () => {
    const fo = apiClient(hub, (await userWithToken(hub, "fo1", "front_office")).token);
    const r = await fo.post<ErrorBody>("/api/v1/pdp/requests", {
      kind: "access",
      name: "Siti",
      note: "tanpa telepon",
    });
    expectError(r, 400, "VALIDATION_FAILED");
    expect(r.body.fields?.[0]?.field).toBe("body.nik");
    expect(await hub.ctx.db.prisma.subjectRequest.count()).toBe(0);
  });

  it("security: a password that is the username → 422 PASSWORD_WEAK", async () => {
    const admin = apiClient(hub, (await userWithToken(hub, "adm", "admin")).token);
    const r = await admin.post<ErrorBody>("/api/v1/users", {
      username: "baru-baru-baru",
      password: "baru-baru-baru",
      role: "front_office",
    });
    expectError(r, 422, "PASSWORD_WEAK");
    expect(r.body.fields?.[0]?.field).toBe("password");
  });

  it("body parser: malformed JSON → 400 INVALID_JSON (one code for it)", async () => {
    const fo = apiClient(hub, (await userWithToken(hub, "fo1", "front_office")).token);
    const r = await fo.post<ErrorBody>("/api/v1/cases", '{"channel": ');
    expectError(r, 400, "INVALID_JSON");
  });
});
