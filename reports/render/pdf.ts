/**
 * HTML string → PDF file with the system Chromium, driven by puppeteer-core (never plain puppeteer:
 * no browser download). The page gets its content with setContent, never navigates, and any request
 * for a non-loopback URL is aborted. The browser is always closed and its temp profile removed.
 */
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import type { Config } from "../../pipelines/core/config.ts";

export class ChromiumNotFoundError extends Error {}

export const CHROMIUM_CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] as const;

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--disable-dev-shm-usage",
  "--hide-scrollbars",
  "--mute-audio",
] as const;

const INSTALL_HINT =
  "install Chromium (Debian/Ubuntu: `apt-get install chromium`; macOS: `brew install --cask chromium`) " +
  "or Google Chrome, or set report.chromiumPath in commsight.config.yaml to the browser binary";

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser binary: config.report.chromiumPath if set (it must exist), else $COMMSIGHT_CHROMIUM if set
 * (as the setup script honours it), else the first of chromium, chromium-browser, google-chrome on PATH.
 */
export function findChromium(config: Pick<Config, "report">, env: NodeJS.ProcessEnv = process.env): string {
  const pathEnv = env.PATH ?? "";
  const explicit: [string, string] | undefined = config.report.chromiumPath
    ? ["report.chromiumPath", config.report.chromiumPath]
    : env.COMMSIGHT_CHROMIUM
      ? ["COMMSIGHT_CHROMIUM", env.COMMSIGHT_CHROMIUM]
      : undefined;
  if (explicit) {
    const [source, configured] = explicit;
    if (isExecutableFile(configured)) return configured;
    if (!isAbsolute(configured) && !configured.includes("/")) {
      const onPath = searchPath(configured, pathEnv);
      if (onPath) return onPath;
    }
    const why = existsSync(configured) ? "is not an executable file" : "does not exist";
    throw new ChromiumNotFoundError(
      `${source} ${JSON.stringify(configured)} ${why}; the weekly PDF report needs a Chromium browser: ${INSTALL_HINT}`,
    );
  }
  for (const name of CHROMIUM_CANDIDATES) {
    const found = searchPath(name, pathEnv);
    if (found) return found;
  }
  throw new ChromiumNotFoundError(
    `no Chromium browser found (looked for ${CHROMIUM_CANDIDATES.join(", ")} on PATH); the weekly PDF report needs one: ${INSTALL_HINT}`,
  );
}

function searchPath(name: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Only loopback, data: and about: URLs may load; everything else is aborted. */
export function isAllowedUrl(url: string): boolean {
  if (url.startsWith("data:") || url.startsWith("about:")) return true;
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol !== "http:" && protocol !== "https:" && protocol !== "ws:") return false;
    return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
  } catch {
    return false;
  }
}

export type PdfOptions = {
  landscape?: boolean;
  timeoutMs?: number;
  /** Chromium header/footer templates (self-contained HTML; classes pageNumber, totalPages are filled in). */
  headerTemplate?: string;
  footerTemplate?: string;
  /** Page margins when a header/footer is printed (CSS lengths). */
  margin?: { top: string; bottom: string; left: string; right: string };
  /**
   * The PDF's CreationDate/ModDate. Chromium stamps the wall clock; for the same data to give the same
   * bytes the dates are replaced by this one (the data's date), keeping their length so no offset moves.
   */
  fixedDate?: Date;
};

/** "D:YYYYMMDDHHmmSS+00'00'" for a date (UTC). */
export function pdfDate(d: Date): string {
  const iso = d.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+00'00'`;
}

/**
 * Replace the Info dictionary's dates with a fixed one of the same length: the cross-reference table
 * holds byte offsets, so any other length would corrupt the file.
 */
export function normalisePdfDates(pdf: Buffer, date: Date): Buffer {
  const text = pdf.toString("latin1");
  const fixed = pdfDate(date);
  const out = text.replace(/\/(CreationDate|ModDate) \((D:[^)]*)\)/g, (m, key: string, old: string) =>
    old.length === fixed.length ? `/${key} (${fixed})` : m);
  return Buffer.from(out, "latin1");
}

/** Print self-contained HTML to a PDF file with the system Chromium. */
export async function htmlToPdf(config: Pick<Config, "report">, html: string, outFile: string, opts: PdfOptions = {}): Promise<void> {
  const executablePath = findChromium(config);
  const timeout = opts.timeoutMs ?? 60_000;
  const profile = mkdtempSync(join(tmpdir(), "commsight-chromium-"));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath,
      ignoreDefaultArgs: true,
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "about:blank"],
      pipe: true,
      headless: true,
      timeout,
      protocolTimeout: timeout,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      if (req.isInterceptResolutionHandled()) return;
      if (isAllowedUrl(req.url())) void req.continue();
      else void req.abort("blockedbyclient");
    });
    await page.setContent(html, { waitUntil: "load" });
    await page.emulateMediaType("print");
    const withHeader = opts.headerTemplate !== undefined || opts.footerTemplate !== undefined;
    const pdf = Buffer.from(await page.pdf({
      printBackground: true,
      preferCSSPageSize: !withHeader,
      landscape: opts.landscape ?? true,
      format: "A4",
      ...(withHeader ? {
        displayHeaderFooter: true,
        headerTemplate: opts.headerTemplate ?? "<span></span>",
        footerTemplate: opts.footerTemplate ?? "<span></span>",
        margin: opts.margin ?? { top: "18mm", bottom: "16mm", left: "12mm", right: "12mm" },
      } : {}),
    }));
    await writeFile(outFile, opts.fixedDate ? normalisePdfDates(pdf, opts.fixedDate) : pdf);
  } catch (err) {
    if (err instanceof ChromiumNotFoundError) throw err;
    throw new Error(`rendering the PDF with ${executablePath} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    if (browser) await browser.close().catch(() => browser?.process()?.kill("SIGKILL"));
    rmSync(profile, { recursive: true, force: true });
  }
}
