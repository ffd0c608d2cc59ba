import type { Request, Router } from "express";
import type { HubContext } from "../../context.js";
import type { operations } from "../../generated/api.js";
import { defaultHolidays } from "../../domain/calendar/working-days.js";
import { resolveSlaPolicy } from "../../domain/sla-policy.js";
import { queryAudit } from "../../services/audit-query.service.js";
import { getCase } from "../../services/cases.service.js";
import {
  type CatalogueData,
  invalidateSlaCaches,
  loadSlaPolicy,
  pauseCase,
  recomputeOpenCases,
  resumeCase,
  saveCatalogueVersion,
} from "../../services/sla.service.js";
import {
  acknowledgeCase,
  listAllowedTransitions,
  loadBidangTable,
  replyToCase,
  saveBidangTable,
  transitionCase,
  type TransitionBody,
} from "../../services/workflow.service.js";
import {
  deleteCalendarOverride,
  findCalendarOverride,
  listCalendarOverrides,
  putCalendarOverride,
} from "../../repos/calendar.repo.js";
import { decideCaseAudit, recommendCase } from "../../services/telaah.service.js";
import { DomainError, notFound } from "../../domain/errors.js";
import { route } from "../gate.js";
import { listQuery, requestMeta as meta } from "../request-meta.js";

type RecommendBody = operations["recommendCase"]["requestBody"]["content"]["application/json"];
type DecideBody = operations["decideCaseAudit"]["requestBody"]["content"]["application/json"];
type AuditQueryParams = NonNullable<operations["queryAudit"]["parameters"]["query"]>;
type BidangPut = operations["putBidangTable"]["requestBody"]["content"]["application/json"];
type SlaPut = operations["putSlaPolicy"]["requestBody"]["content"]["application/json"];
type OverridePut = operations["putCalendarOverride"]["requestBody"]["content"]["application/json"];

const id = (req: Request) => String(req.params.id);

export function workflowRoutes(r: Router, ctx: HubContext): void {
  // ---- transitions, replies, acknowledgement ----
  route(r, "listCaseTransitions", async (req, res) => {
    res.json(await listAllowedTransitions(ctx, req.user, id(req)));
  });
  route(r, "transitionCase", async (req, res) => {
    res.json(await transitionCase(ctx, req.user, id(req), req.body as TransitionBody, meta(req)));
  });
  route(r, "replyToCase", async (req, res) => {
    const body = req.body as { text: string };
    res.status(201).json(await replyToCase(ctx, req.user, id(req), body, meta(req)));
  });
  route(r, "acknowledgeCase", async (req, res) => {
    res.json(await acknowledgeCase(ctx, req.user, id(req), meta(req)));
  });

  // ---- telaah: recommendation by the bidang, audit decision by the kadis ----
  route(r, "recommendCase", async (req, res) => {
    res.json(await recommendCase(ctx, req.user, id(req), req.body as RecommendBody, meta(req)));
  });
  route(r, "decideCaseAudit", async (req, res) => {
    res.json(await decideCaseAudit(ctx, req.user, id(req), req.body as DecideBody, meta(req)));
  });

  // ---- SLA clock pauses ----
  route(r, "pauseCaseClock", async (req, res) => {
    await pauseCase(
      ctx,
      req.user,
      id(req),
      req.body as { reason: string; version?: number },
      meta(req),
    );
    res.json(await getCase(ctx, req.user, id(req), meta(req)));
  });
  route(r, "resumeCaseClock", async (req, res) => {
    const body = (req.body ?? {}) as { version?: number; note?: string };
    await resumeCase(ctx, req.user, id(req), body, meta(req));
    res.json(await getCase(ctx, req.user, id(req), meta(req)));
  });

  // ---- catalogues: bidang table, SLA policy ----
  route(r, "getBidangTable", async (_req, res) => {
    res.json(await loadBidangTable(ctx));
  });
  route(r, "putBidangTable", async (req, res) => {
    const body = req.body as BidangPut;
    await saveBidangTable(ctx, req.user, { table: body.table, note: body.note }, meta(req));
    res.json(await loadBidangTable(ctx));
  });
  route(r, "getSlaPolicy", async (_req, res) => {
    const p = await loadSlaPolicy(ctx);
    res.json({ version: p.version, policy: p.policy, override: p.override ?? null });
  });
  route(r, "putSlaPolicy", async (req, res) => {
    const body = req.body as SlaPut;
    const resolved = resolveSlaPolicy(body.override);
    if (!resolved.ok) {
      throw new DomainError(resolved.error.code, resolved.error.message, {
        fields: resolved.error.issues.map((i) => ({
          field: `body.override${i.path ? "." + i.path : ""}`,
          message: i.message,
        })),
      });
    }
    await saveCatalogueVersion(
      ctx,
      req.user,
      "sla_policy",
      body.override as CatalogueData,
      body.note,
      meta(req),
    );
    const recomputedCases = await recomputeOpenCases(ctx);
    const p = await loadSlaPolicy(ctx);
    res.json({
      version: p.version,
      policy: p.policy,
      override: p.override ?? null,
      recomputedCases,
    });
  });

  // ---- working-day calendar ----
  route(r, "getCalendar", async (req, res) => {
    const year = Number(req.query.year);
    const prefix = `${year}-`;
    const holidays = defaultHolidays().filter((x) => x.date.startsWith(prefix));
    const overrides = await listCalendarOverrides(ctx, prefix);
    res.json({
      year,
      covered: holidays.length > 0,
      holidays: holidays.map((x) => ({
        date: x.date,
        kind: x.kind,
        name: x.name,
        source: x.source,
      })),
      overrides: overrides.map((o) => ({ date: o.date, working: o.working, reason: o.reason })),
    });
  });
  route(r, "getCalendarOverride", async (req, res) => {
    const o = await findCalendarOverride(ctx, String(req.params.date));
    if (!o) throw notFound("Pengecualian kalender");
    res.json({ date: o.date, working: o.working, reason: o.reason });
  });
  route(r, "putCalendarOverride", async (req, res) => {
    const date = String(req.params.date);
    const body = req.body as OverridePut;
    await putCalendarOverride(
      ctx,
      { date, working: body.working, reason: body.reason, createdById: req.user.id },
      {
        actor: req.user,
        action: "calendar.override.put",
        purpose: "kalender hari kerja",
        data: { date, working: body.working },
        ...meta(req),
      },
    );
    invalidateSlaCaches(ctx);
    const recomputedCases = await recomputeOpenCases(ctx);
    res.json({ date, working: body.working, reason: body.reason, recomputedCases });
  });
  route(r, "deleteCalendarOverride", async (req, res) => {
    const date = String(req.params.date);
    const deleted = await deleteCalendarOverride(ctx, date, {
      actor: req.user,
      action: "calendar.override.delete",
      purpose: "kalender hari kerja",
      data: { date },
      ...meta(req),
    });
    if (!deleted) throw notFound("Pengecualian kalender");
    invalidateSlaCaches(ctx);
    await recomputeOpenCases(ctx);
    res.status(204).end();
  });

  // ---- audit trail ----
  route(r, "queryAudit", async (req, res) => {
    res.json(await queryAudit(ctx, req.user, listQuery<AuditQueryParams>(req), meta(req)));
  });
}
