import type { Router } from "express";
import type { HubContext } from "../../context.js";

export function findingsRoutes(_r: Router, _ctx: HubContext): void {
  // routes of this capability are added here
}
