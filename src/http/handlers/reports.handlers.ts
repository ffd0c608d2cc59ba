import type { Request, Response, Router } from "express";
import type { HubContext } from "../../context.js";
import {
  issueReport,
  listReports,
  loadAnnualTemplates,
  parseMonth,
  parseSignDate,
  reportFile,
  saveAnnualTemplates,
  type AnnualTemplatesState,
  type IssuedReport,
  type ReportFormat,
} from "../../services/reports.service.js";
import { enqueueRecapPush, listReceipts, parsePeriode } from "../../services/recap.service.js";
import { route, type StaffRequest } from "../gate.js";

function actorOf(req: Request) {
  return req.user ? { id: req.user.id, username: req.user.username } : null;
}

/** Who asks for a report, and from where: its office, its audit row's actor and request. */
function issuedBy(req: StaffRequest) {
  return {
    actor: actorOf(req),
    instansi: req.user.instansi,
    ip: req.ip,
    requestId: String(req.id),
  };
}

function contentDisposition(fileName: string): string {
  return `attachment; filename="${fileName.replace(/["\\\r\n]/g, "_")}"`;
}

function templatesDto(s: AnnualTemplatesState) {
  return {
    version: s.version,
    source: s.source,
    createdAt: s.createdAt ? s.createdAt.toISOString() : null,
    templates: s.templates,
  };
}

function sendIssued(res: Response, r: IssuedReport): void {
  res.set({
    "Content-Type": r.contentType,
    "X-Report-Id": r.id,
    "X-Report-Checksum": `sha256=${r.checksum}`,
    "X-Report-Data-Hash": `sha256=${r.dataHash}`,
    "X-Report-Data-Changed": String(r.dataChanged),
  });
  if (r.format === "json" && r.counts) {
    res.status(200).json(r.counts);
    return;
  }
  res.set("Content-Disposition", contentDisposition(r.fileName));
  res.status(200).send(r.bytes);
}

export function reportsRoutes(r: Router, ctx: HubContext): void {
  route(r, "getAnnualReport", async (req, res) => {
    const year = Number(req.query.year);
    const format = (
      typeof req.query.format === "string" ? req.query.format : "json"
    ) as ReportFormat;
    const signDate =
      typeof req.query.signDate === "string" ? parseSignDate(req.query.signDate) : undefined;
    const issued = await issueReport(ctx, {
      kind: "annual",
      format,
      year,
      ...(signDate ? { signDate } : {}),
      ...issuedBy(req),
    });
    sendIssued(res, issued);
  });

  route(r, "getMonthlyReport", async (req, res) => {
    const { year, month } = parseMonth(String(req.query.month ?? ""), "query.month");
    const format = String(req.query.format) as ReportFormat;
    const signDate =
      typeof req.query.signDate === "string"
        ? parseSignDate(req.query.signDate, "query.signDate")
        : undefined;
    const issued = await issueReport(ctx, {
      kind: "monthly",
      format,
      year,
      month,
      ...(signDate ? { signDate } : {}),
      ...issuedBy(req),
    });
    sendIssued(res, issued);
  });

  route(r, "listReports", async (req, res) => {
    const kind = typeof req.query.kind === "string" ? req.query.kind : undefined;
    const limit = req.query.limit !== undefined ? Number(req.query.limit) : undefined;
    res.json({ items: await listReports(ctx, { kind, limit, instansi: req.user.instansi }) });
  });

  route(r, "getReportFile", async (req, res) => {
    const file = await reportFile(ctx, String(req.params.id), {
      actor: actorOf(req),
      instansi: req.user.instansi,
      ip: req.ip,
      requestId: String(req.id),
    });
    res.set({
      "Content-Type": file.contentType,
      "Content-Disposition": contentDisposition(file.fileName),
      "X-Report-Checksum": `sha256=${file.checksum}`,
    });
    res.status(200).send(file.bytes);
  });

  // Lives here rather than in catalogue.handlers.ts: the templates are the annual report's.
  route(r, "getAnnualTemplates", async (_req, res) => {
    const s = await loadAnnualTemplates(ctx);
    res.json(templatesDto(s));
  });

  route(r, "putAnnualTemplates", async (req, res) => {
    const body = req.body as { templates?: unknown; note?: string };
    const s = await saveAnnualTemplates(ctx, body.templates, {
      actor: actorOf(req),
      note: body.note,
      ip: req.ip,
      requestId: String(req.id),
    });
    res.json(templatesDto(s));
  });

  route(r, "listRecapReceipts", async (req, res) => {
    const periode = typeof req.query.periode === "string" ? req.query.periode : undefined;
    if (periode) parsePeriode(periode, "query.periode");
    const target = typeof req.query.target === "string" ? req.query.target : undefined;
    res.json({ items: await listReceipts(ctx, { periode, target, office: req.user.instansi }) });
  });

  route(r, "pushRecap", async (req, res) => {
    const body = req.body as { periode: string; target?: string };
    parsePeriode(body.periode, "body.periode");
    // Only the targets of the caller's office (REKAP_TARGETS names each target's office),
    // with that office's counts: 403 RECAP_OTHER_OFFICE when it has none.
    const plans = await enqueueRecapPush(ctx, {
      periode: body.periode,
      target: body.target,
      office: req.user.instansi,
      actor: actorOf(req),
      ip: req.ip,
      requestId: String(req.id),
    });
    res.status(202).json({ items: plans });
  });
}
