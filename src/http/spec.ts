import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { fromRoot } from "../util/package-root.js";

let specCache: Record<string, unknown> | undefined;

export function apiSpec(): Record<string, unknown> {
  specCache ??= parseYaml(readFileSync(fromRoot("openapi", "hub.yaml"), "utf8")) as Record<
    string,
    unknown
  >;
  return specCache;
}
