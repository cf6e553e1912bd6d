import { readFileSync } from "node:fs";

/** eprscope version, read once from package.json (recorded in provenance). */
export const VERSION: string = (() => {
  try {
    const url = new URL("../package.json", import.meta.url);
    return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
})();
