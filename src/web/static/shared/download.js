// @ts-check
/* global document, setTimeout */
import { api } from "./api.js";

/** Fetches a file with the session cookie and hands it to the browser as a download. */
/** @param {string} path @param {string} fallbackName */
export async function download(path, fallbackName) {
  const res = await api("GET", path, undefined, { raw: true, headers: { Accept: "*/*" } });
  const cd = res.headers.get("content-disposition") || "";
  const m = cd.match(/filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i);
  const name = m ? decodeURIComponent(m[1] || m[2]) : fallbackName;
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  // Reports say when their data changed since the previous issue of the same period.
  const dataChanged = res.headers.get("x-report-data-changed") === "true";
  return { name, size: blob.size, dataChanged };
}
