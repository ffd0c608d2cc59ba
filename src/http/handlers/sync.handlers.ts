import type { Router } from "express";
import type { HubContext } from "../../context.js";

export function syncRoutes(_r: Router, _ctx: HubContext): void {
  // routes of this capability are added here
}
