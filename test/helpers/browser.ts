/**
 * The set-up the browser tests (test/web/*.e2e.test.ts) share: a fresh study folder written by
 * the test, `eprscope serve`'s server on a free port, Debian's chromium driven by playwright-core
 * (headless, software WebGL), one page on the workspace with body[data-ready='1'].
 *  - web/dist is built first when missing (scripts/build-web.mjs);
 *  - EPRSCOPE_WEB_DIST serves another web build: "route" in place of /app/ (page.route, the
 *    build's base is /app/), "static" by the server at /app-dev/ (a build made with that base);
 *  - a missing browser fails (does not skip) unless EPRSCOPE_SKIP_BROWSER=1 (SKIP_BROWSER);
 *  - CHROMIUM_PATH (default /usr/bin/chromium), EPRSCOPE_SCREENSHOTS (default /tmp, `shot`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import { type Browser, chromium, type Page } from "playwright-core";
import { createServer } from "../../src/server/app.js";
import { routeWebDist } from "../web/workstationFixtures.js";
import { ROOT } from "./cli.js";

export const SKIP_BROWSER = process.env.EPRSCOPE_SKIP_BROWSER === "1";
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SHOTS = process.env.EPRSCOPE_SCREENSHOTS ?? "/tmp";
export const WEB_DIST = process.env.EPRSCOPE_WEB_DIST;
/** screenshot path of a panel: SHOTS/ws-<name>.png */
export const shot = (name: string) => join(SHOTS, `ws-${name}.png`);

/** headless, no sandbox (containers), software WebGL (SwiftShader), nothing phoning home */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
];

export interface OpenWorkspaceOptions {
  /** prefix of the temporary study folder */
  prefix: string;
  /** write the study into the fresh folder (and run it when the page needs results) */
  write: (dir: string) => void | Promise<void>;
  /** how EPRSCOPE_WEB_DIST is served (see above); default "route" */
  webDist?: "route" | "static";
  acceptDownloads?: boolean;
  /** CSS added once the workspace is ready */
  style?: string;
  /** close the first-run hint */
  closeHint?: boolean;
}

export interface Workspace {
  browser: Browser;
  page: Page;
  /** http://127.0.0.1:<port> */
  base: string;
  dir: string;
  server: ReturnType<typeof createServer>;
  /** close the browser and the server, remove the study folder */
  close(): Promise<void>;
}

export async function openWorkspace(opts: OpenWorkspaceOptions): Promise<Workspace> {
  if (!WEB_DIST && !existsSync(join(ROOT, "web", "dist", "index.html"))) {
    const b = spawnSync(process.execPath, [join(ROOT, "scripts", "build-web.mjs")], { encoding: "utf8" });
    if (b.status !== 0) throw new Error(`web build failed: ${b.stderr}`);
  }
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set EPRSCOPE_SKIP_BROWSER=1`,
    );
  const dir = mkdtempSync(join(tmpdir(), opts.prefix));
  let server: ReturnType<typeof createServer> | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await opts.write(dir);
    server = createServer({ studyDir: dir });
    const staticDist = WEB_DIST && opts.webDist === "static";
    if (staticDist)
      await server.register(fastifyStatic, { root: WEB_DIST, prefix: "/app-dev/", decorateReply: false });
    const base = await server.listen({ port: 0, host: "127.0.0.1" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: opts.acceptDownloads ?? false,
    });
    if (!staticDist) await routeWebDist(page, WEB_DIST);
    await page.goto(`${base}${staticDist ? "/app-dev/" : "/app/"}`);
    await page.waitForSelector("body[data-ready='1']", { timeout: 30_000 });
    if (opts.style) await page.addStyleTag({ content: opts.style });
    if (opts.closeHint) await page.click("#hint-close");
    return { browser, page, base, dir, server, close };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}

/**
 * Wait until the page has painted `n` more frames: after a state attribute is set (the data is
 * loaded, the GL draw queued), the next frames hold the drawing — instead of a fixed sleep.
 */
export async function frames(page: Page, n = 2): Promise<void> {
  await page.evaluate(
    `new Promise((done) => { let k = ${n}; const step = () => (k-- > 0 ? requestAnimationFrame(step) : done()); step(); })`,
  );
}

/** pick a subject in the navigator and open one of its scans in the viewer (with its overlay) */
export async function openScan(page: Page, subject: string, scan: string): Promise<void> {
  await page.click(`#subjects tr[data-subject='${subject}']`);
  await page.click(`button[data-scan='${scan}']`);
  await page.waitForSelector(`body[data-viewer-loaded='${scan}'][data-overlay]`, { timeout: 30_000 });
  await frames(page);
}
