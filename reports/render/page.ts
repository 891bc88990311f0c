/**
 * What every printed report shares: the Handlebars instance with the common partials, the stylesheet and
 * embedded font, Chromium's header/footer templates (report name, period, page X of Y), and writing the
 * HTML and the PDF atomically with dates fixed to the data's date, so the same data gives the same bytes.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Handlebars from "handlebars";
import type { Config } from "../../pipelines/core/config.ts";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { fontFaceCss, headerFontCss } from "./fonts.ts";
import { htmlToPdf } from "./pdf.ts";

const renderDir = join(projectRoot, "reports", "render");

let hb: typeof Handlebars | undefined;
/** One Handlebars environment with the shared partials (chart, table, section). */
export function handlebars(): typeof Handlebars {
  if (!hb) {
    hb = Handlebars.create();
    for (const name of ["chart", "table", "section"]) {
      hb.registerPartial(name, readFileSync(join(renderDir, "partials", `${name}.hbs`), "utf8"));
    }
  }
  return hb;
}

const templates = new Map<string, HandlebarsTemplateDelegate>();
export function template(file: string): HandlebarsTemplateDelegate {
  let t = templates.get(file);
  if (!t) {
    t = handlebars().compile(readFileSync(file, "utf8"), { strict: false });
    templates.set(file, t);
  }
  return t;
}

/** The <style> contents every report page carries. */
export function pageStyle(): string {
  return `${fontFaceCss()}\n${readFileSync(join(renderDir, "report.css"), "utf8")}`;
}

const esc = (s: string) => Handlebars.Utils.escapeExpression(s);

/** Chromium header/footer templates: they render apart from the page, so they carry their own font and sizes. */
export function headerFooter(reportName: string, periodLabel: string, business: string): { headerTemplate: string; footerTemplate: string } {
  const base = `<style>${headerFontCss()} .hf{font-family:CommsightInter,sans-serif;font-size:7.5px;color:#52606d;width:100%;` +
    `margin:0 12mm;display:flex;justify-content:space-between;-webkit-print-color-adjust:exact;}</style>`;
  return {
    headerTemplate: `${base}<div class="hf"><span>${esc(business)} · ${esc(reportName)}</span><span>${esc(periodLabel)}</span></div>`,
    footerTemplate: `${base}<div class="hf"><span>${esc(reportName)} · ${esc(periodLabel)}</span>` +
      `<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
  };
}

export type PrintJob = {
  html: string;
  pdfFile: string;
  reportName: string;
  periodLabel: string;
  business: string;
  /** The data's date (the period's last day): stamped into the PDF instead of the wall clock. */
  dataDate: string;
  landscape?: boolean;
};

/**
 * Write <name>.html and print <name>.pdf beside it; the PDF appears only when complete.
 * The same page with the same print settings prints the same bytes (dates are the data's), so when
 * <name>.pdf exists and its sidecar <name>.pdf.sha256 names this exact page and settings, Chromium is
 * not started again: a nightly run over a week whose numbers did not change re-prints nothing.
 * `printed` says whether Chromium ran.
 */
export async function printReport(config: Pick<Config, "report">, job: PrintJob): Promise<{ pdf: string; html: string; printed: boolean }> {
  mkdirSync(dirname(job.pdfFile), { recursive: true });
  const htmlFile = job.pdfFile.replace(/\.pdf$/, ".html");
  const opts = { landscape: job.landscape ?? false, ...headerFooter(job.reportName, job.periodLabel, job.business), fixedDate: new Date(`${job.dataDate}T00:00:00Z`) };
  const key = createHash("sha256").update(PRINT_FORMAT).update(JSON.stringify(opts)).update("\n").update(job.html).digest("hex");
  const sidecar = `${job.pdfFile}.sha256`;
  if (existsSync(job.pdfFile) && existsSync(htmlFile) && existsSync(sidecar) && readFileSync(sidecar, "utf8").trim() === key) {
    return { pdf: job.pdfFile, html: htmlFile, printed: false };
  }
  rmSync(sidecar, { force: true });
  writeFileSync(htmlFile, job.html);
  const tmp = `${job.pdfFile}.${process.pid}.tmp`;
  try {
    await htmlToPdf(config, job.html, tmp, opts);
    renameSync(tmp, job.pdfFile);
  } finally {
    rmSync(tmp, { force: true });
  }
  writeFileSync(sidecar, `${key}\n`);
  return { pdf: job.pdfFile, html: htmlFile, printed: true };
}

/** Bump when the printing itself changes (Chromium flags, PDF post-processing), so every PDF is printed again. */
const PRINT_FORMAT = "print-1";
