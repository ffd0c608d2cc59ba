// The staff console (served at /). Registered after the API.
import type { Routes } from "../http/app.js";

export const pageRoutes: Routes[] = [];
