// issue 15: the desk's open-case check at intake and the beranda of the kadis/koordinator.
import type { Router } from "express";
import type { HubContext } from "../../context.js";
import type { operations } from "../../generated/api.js";
import { dashboard, findOpenCases } from "../../services/desk.service.js";
import { route } from "../gate.js";
import { requestMeta as meta } from "../request-meta.js";

type OpenCasesBody = operations["findOpenCases"]["requestBody"]["content"]["application/json"];

export function deskRoutes(r: Router, ctx: HubContext): void {
  route(r, "findOpenCases", async (req, res) => {
    const body = req.body as OpenCasesBody;
    res.json({
      data: await findOpenCases(ctx, req.user, { nik: body.nik, phone: body.phone }, meta(req)),
    });
  });
  route(r, "getDashboard", async (req, res) => {
    // Validated by the spec (an integer 2000-2100); default the current WITA year.
    const asked = req.query.year;
    const year =
      asked === undefined
        ? new Date(ctx.clock().getTime() + 8 * 3_600_000).getUTCFullYear()
        : Number(asked);
    res.json(await dashboard(ctx, req.user, year));
  });
}
