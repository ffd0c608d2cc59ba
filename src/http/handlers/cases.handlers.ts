import { createHash } from "node:crypto";
import type { Router } from "express";
import type { HubContext } from "../../context.js";
import type { operations } from "../../generated/api.js";
import {
  listCaseAttachments,
  listCaseMessages,
  createCase,
  getCase,
  getCreatedCase,
  listCases,
  updateCase,
  type CasePatch,
} from "../../services/cases.service.js";
import { withIdempotency, type IdempotencyClaim } from "../../services/idempotency.service.js";
import { route } from "../gate.js";
import { listQuery, requestMeta as meta } from "../request-meta.js";

type IntakeBody = operations["createCase"]["requestBody"]["content"]["application/json"];
type ListQuery = NonNullable<operations["listCases"]["parameters"]["query"]>;

export function caseRoutes(r: Router, ctx: HubContext): void {
  route(r, "createCase", async (req, res) => {
    const body = req.body as IntakeBody;
    const key = req.get("idempotency-key");
    const run = (claim?: IdempotencyClaim) =>
      createCase(
        ctx,
        req.user,
        body,
        claim ? { inTransaction: (tx, id) => claim.commit(tx, 201, id) } : {},
        meta(req),
      );
    if (!key) {
      res.status(201).json(await run());
      return;
    }
    const hash = createHash("sha256").update(JSON.stringify(body)).digest("hex");
    const out = await withIdempotency(
      ctx,
      { key: `cases:${req.user.id}:${key}`, userId: req.user.id, requestHash: hash },
      async (claim) => ({ status: 201, body: await run(claim) }),
      (id) => getCreatedCase(ctx, req.user, id),
    );
    res.status(out.replayed ? 200 : out.status).json(out.body);
  });
  route(r, "listCases", async (req, res) => {
    res.json(await listCases(ctx, req.user, listQuery<ListQuery>(req), meta(req)));
  });
  route(r, "getCase", async (req, res) => {
    res.json(await getCase(ctx, req.user, String(req.params.id), meta(req)));
  });
  route(r, "updateCase", async (req, res) => {
    res.json(
      await updateCase(ctx, req.user, String(req.params.id), req.body as CasePatch, meta(req)),
    );
  });
  route(r, "listCaseMessages", async (req, res) => {
    res.json({ data: await listCaseMessages(ctx, req.user, String(req.params.id), meta(req)) });
  });
  route(r, "listCaseAttachments", async (req, res) => {
    res.json({
      data: await listCaseAttachments(ctx, String(req.params.id), req.user, meta(req)),
    });
  });
}
