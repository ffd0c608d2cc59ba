// Routes that must see the raw request bytes (webhook signatures), mounted before the JSON
// body parser and outside /api/v1 validation.
import type { Routes } from "./app.js";

export const rawRoutes: Routes[] = [];
