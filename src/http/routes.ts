// Every API capability registers its routes here (mounted under /api/v1 after auth,
// access rules and request validation). Raw routes (webhooks) see the bytes unparsed.
import type { Routes } from "./app.js";
import { findingsRoutes } from "./handlers/findings.handlers.js";
import { catalogueRoutes } from "./handlers/catalogue.handlers.js";
import { legacyImportRoutes } from "./handlers/legacy-import.handlers.js";
import { syncRoutes } from "./handlers/sync.handlers.js";
import { workflowRoutes } from "./handlers/workflow.handlers.js";
import { channelsRoutes } from "./handlers/channels.handlers.js";
import { reportsRoutes } from "./handlers/reports.handlers.js";
import { pdpRoutes } from "./handlers/pdp.handlers.js";
import { usersRoutes } from "./handlers/users.handlers.js";
import { deskRoutes } from "./handlers/desk.handlers.js";

export const apiRoutes: Routes[] = [
  findingsRoutes,
  catalogueRoutes,
  legacyImportRoutes,
  syncRoutes,
  workflowRoutes,
  channelsRoutes,
  reportsRoutes,
  pdpRoutes,
  usersRoutes,
  deskRoutes,
];
