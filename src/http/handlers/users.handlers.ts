// Staff accounts for the console's "Pengguna" page (admin only, enforced from the spec).
// Creation goes through addUser so the CLI and the API share one set of rules.
import type { Router } from "express";
import type { HubContext } from "../../context.js";
import type { components, operations } from "../../generated/api.js";
import { BIDANG_CODES } from "../../domain/roles.js";
import { addUser, staffIdentity } from "../../services/auth.service.js";
import { recordAudit } from "../../services/audit.service.js";
import { caseCountsByStatus } from "../../repos/cases.repo.js";
import {
  clearFailedLogins,
  findStaff,
  listStaff,
  updateStaff,
  type StaffRow,
} from "../../repos/users.repo.js";
import { hashPassword } from "../../security/password.js";
import { assertPasswordAcceptable } from "../../security/password-policy.js";
import { DomainError, notFound } from "../../domain/errors.js";
import { route } from "../gate.js";
import { requestMeta as meta } from "../request-meta.js";

type StaffAccount = components["schemas"]["StaffAccount"];
type CreateBody = operations["createUser"]["requestBody"]["content"]["application/json"];
type PatchBody = operations["updateUser"]["requestBody"]["content"]["application/json"];

function toDto(u: StaffRow): StaffAccount {
  return {
    ...staffIdentity(u),
    email: u.email,
    active: u.active,
    createdAt: u.createdAt.toISOString(),
  };
}

export function usersRoutes(r: Router, ctx: HubContext): void {
  // The console's status counts: one grouped query instead of a page per status.
  route(r, "getCaseCounts", async (req, res) => {
    // The caller's office only: another office's workload is not this office's business.
    const rows = await caseCountsByStatus(ctx, req.user.instansi, ctx.clock());
    const perStatus: Record<string, number> = {};
    let total = 0;
    let overdue = 0;
    for (const r of rows) {
      perStatus[r.status] = Number(r.n);
      total += Number(r.n);
      overdue += Number(r.overdue);
    }
    res.json({ total, perStatus, overdue });
  });

  // An admin manages the accounts of its own office: another office's users are listed
  // nowhere and answer 404 as if absent; new users join the admin's office.
  route(r, "listUsers", async (req, res) => {
    const rows = await listStaff(ctx, req.user.instansi);
    res.json({ data: rows.map(toDto) });
  });

  route(r, "createUser", async (req, res) => {
    const body = req.body as CreateBody;
    const created = await addUser(ctx, {
      username: body.username,
      password: body.password,
      role: body.role,
      bidang: body.bidang,
      displayName: body.displayName,
      email: body.email,
      instansi: req.user.instansi,
    });
    await recordAudit(ctx, {
      actor: req.user,
      action: "user.create",
      ...meta(req),
      data: { userId: created.id, role: created.role, bidang: created.bidang },
    });
    const row = await findStaff(ctx, created.id, req.user.instansi);
    if (!row) throw notFound("Pengguna");
    res.status(201).json(toDto(row));
  });

  // The login throttle only slows; this lets an admin give a locked-out owner their
  // attempts back at once (e.g. after a reset password was mistyped).
  route(r, "unlockUser", async (req, res) => {
    const id = String(req.params.id);
    const target = await findStaff(ctx, id, req.user.instansi);
    if (!target) throw notFound("Pengguna");
    const cleared = await clearFailedLogins(ctx, target.username, (count) => ({
      actor: req.user,
      action: "user.unlock",
      ...meta(req),
      data: { userId: id, cleared: count },
    }));
    res.json({ userId: id, cleared });
  });

  route(r, "updateUser", async (req, res) => {
    const id = String(req.params.id);
    const body = req.body as PatchBody;
    const current = await findStaff(ctx, id, req.user.instansi);
    if (!current) throw notFound("Pengguna");
    if (id === req.user.id && (body.active === false || (body.role && body.role !== "admin"))) {
      // An admin locking themselves out leaves nobody able to undo it from the console.
      throw new DomainError(
        "SELF_LOCKOUT",
        "Anda tidak dapat menonaktifkan atau menurunkan peran akun Anda sendiri",
        {
          fields: [{ field: body.active === false ? "active" : "role", message: "akun sendiri" }],
        },
      );
    }
    const role = body.role ?? current.role;
    const bidang = body.bidang !== undefined ? body.bidang : current.bidang;
    if (bidang !== null && !(BIDANG_CODES as string[]).includes(bidang)) {
      throw new DomainError("BIDANG_UNKNOWN", "bidang tidak dikenal", {
        fields: [{ field: "bidang", message: "tidak dikenal" }],
        allowed: BIDANG_CODES,
      });
    }
    if (role === "penelaah" && !bidang) {
      throw new DomainError("BIDANG_REQUIRED", "bidang: wajib untuk penelaah", {
        fields: [{ field: "bidang", message: "wajib" }],
        allowed: BIDANG_CODES,
      });
    }
    if (body.password !== undefined) assertPasswordAcceptable(body.password, current.username);
    const passwordHash = body.password ? await hashPassword(body.password) : undefined;
    const now = ctx.clock();
    // A role change, a deactivation or a new password ends the sessions issued under
    // the old rights; the session cache drops them within seconds.
    const revoke =
      body.active === false || passwordHash || role !== current.role || bidang !== current.bidang;
    const updated = await updateStaff(
      ctx,
      id,
      {
        role,
        bidang,
        displayName: body.displayName,
        email: body.email === undefined ? undefined : body.email?.trim().toLowerCase() || null,
        active: body.active,
        passwordHash,
      },
      {
        revokeSessionsAt: revoke ? now : null,
        audit: (u) => ({
          actor: req.user,
          action: "user.update",
          ...meta(req),
          fields: Object.keys(body)
            .filter((k) => k !== "password")
            .concat(passwordHash ? ["password"] : []),
          data: { userId: id, role, bidang, active: u.active },
        }),
      },
    );
    res.json(toDto(updated));
  });
}
