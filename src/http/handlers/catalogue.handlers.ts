import type { Router } from "express";
import type { HubContext } from "../../context.js";
import type { operations } from "../../generated/api.js";
import {
  catalogueHistory,
  jenisView,
  KIND_JENIS,
  KIND_REASON_CODES,
  labelsView,
  putJenis,
  putReasonCode,
  reasonCodesView,
  retireReasonCode,
  type ReasonCodeInput,
} from "../../services/catalogue.service.js";
import { route } from "../gate.js";
import { requestMeta as meta } from "../request-meta.js";

type PutReasonBody = operations["putReasonCode"]["requestBody"]["content"]["application/json"];
type PutJenisBody = operations["putJenis"]["requestBody"]["content"]["application/json"];

export function catalogueRoutes(r: Router, ctx: HubContext): void {
  route(r, "getReasonCodes", async (_req, res) => {
    res.json(await reasonCodesView(ctx));
  });
  route(r, "getReasonCodeVersions", async (_req, res) => {
    res.json(await catalogueHistory(ctx, KIND_REASON_CODES));
  });
  route(r, "putReasonCode", async (req, res) => {
    const b = req.body as PutReasonBody;
    // The shape is checked with the whole catalogue (parseCatalogue) so errors name paths.
    const input = {
      programmes: b.programmes,
      label: b.label,
      statusSeen: b.statusSeen,
      narasi: b.narasi,
      saran: b.saran ?? null,
      jenis: b.jenis ?? null,
      bidang: b.bidang ?? null,
      note: b.note,
    } as ReasonCodeInput;
    res.json(await putReasonCode(ctx, req.user, String(req.params.code), input, meta(req)));
  });
  route(r, "retireReasonCode", async (req, res) => {
    const note = typeof req.query.note === "string" ? req.query.note : undefined;
    res.json(await retireReasonCode(ctx, req.user, String(req.params.code), note, meta(req)));
  });
  route(r, "getLabels", (_req, res) => {
    res.json(labelsView());
  });
  route(r, "getJenisCatalogue", async (_req, res) => {
    res.json(await jenisView(ctx));
  });
  route(r, "getJenisVersions", async (_req, res) => {
    res.json(await catalogueHistory(ctx, KIND_JENIS));
  });
  route(r, "putJenis", async (req, res) => {
    const b = req.body as PutJenisBody;
    res.json(await putJenis(ctx, req.user, String(req.params.code), b, meta(req)));
  });
}
