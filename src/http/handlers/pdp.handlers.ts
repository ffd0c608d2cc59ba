// Personal data protection API (UU 27/2022): explicit reveal of a full NIK/phone, and
// data-subject requests with their 3×24-hour clock and the access export.
import type { Router } from "express";
import type { HubContext } from "../../context.js";
import {
  revealCaseIdentity,
  revealFindingNik,
  revealPartyField,
  type RevealField,
} from "../../pdp/reveal.js";
import {
  completeSubjectRequest,
  createSubjectRequest,
  getSubjectRequest,
  listSubjectRequests,
  toDto,
  type SubjectRequestInput,
} from "../../pdp/subject-requests.js";
import { exportSubjectData } from "../../pdp/subject-export.js";
import { route } from "../gate.js";
import { requestMeta as meta } from "../request-meta.js";
import { queryFlag } from "../../domain/query-flag.js";

export function pdpRoutes(r: Router, ctx: HubContext): void {
  route(r, "revealParty", async (req, res) => {
    const body = req.body as { field: RevealField; purpose?: string };
    res.json(
      await revealPartyField(
        ctx,
        req.user,
        String(req.params.id),
        String(req.params.partyId),
        body.field,
        body.purpose,
        meta(req),
      ),
    );
  });
  route(r, "revealCaseIdentity", async (req, res) => {
    const body = (req.body ?? {}) as { purpose?: string };
    res.json(
      await revealCaseIdentity(ctx, req.user, String(req.params.id), body.purpose, meta(req)),
    );
  });
  route(r, "revealFindingNik", async (req, res) => {
    const body = (req.body ?? {}) as { purpose?: string };
    res.json(
      await revealFindingNik(
        ctx,
        req.user,
        String(req.params.id),
        String(req.params.findingId),
        body.purpose,
        meta(req),
      ),
    );
  });
  route(r, "createSubjectRequest", async (req, res) => {
    res
      .status(201)
      .json(await createSubjectRequest(ctx, req.user, req.body as SubjectRequestInput, meta(req)));
  });
  route(r, "listSubjectRequests", async (req, res) => {
    const q = req.query as { status?: string; overdue?: string | boolean };
    const overdue = queryFlag(q.overdue);
    res.json({
      data: await listSubjectRequests(ctx, {
        instansi: req.user.instansi,
        status: q.status,
        overdue,
      }),
    });
  });
  route(r, "getSubjectRequest", async (req, res) => {
    res.json(
      toDto(await getSubjectRequest(ctx, String(req.params.id), req.user.instansi), ctx.clock()),
    );
  });
  route(r, "completeSubjectRequest", async (req, res) => {
    const body = (req.body ?? {}) as { note?: string };
    res.json(await completeSubjectRequest(ctx, req.user, String(req.params.id), body, meta(req)));
  });
  route(r, "exportSubjectData", async (req, res) => {
    const out = await exportSubjectData(ctx, req.user, String(req.params.id), meta(req));
    res
      .status(200)
      .set({
        "content-type": "application/zip",
        "content-disposition": `attachment; filename="${out.fileName}"`,
        "cache-control": "no-store",
      })
      .send(out.zip);
  });
}
