/**
 * A report page already printed with the same content and settings is not printed again (Chromium is
 * the report stage's largest cost on a night when last week's numbers did not change); any change to
 * the page, the print settings, or a missing PDF or sidecar prints it again. Real Chromium.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { printReport, type PrintJob } from "../../reports/render/page.ts";
import { tmpDir } from "../helpers/records.ts";

const config = parseConfig({});
const page = (body: string) => `<!doctype html><html><body><h1>${body}</h1></body></html>`;

describe("printing a report page", () => {
  it("prints once per distinct page and settings, and again when the PDF or its sidecar is gone", async () => {
    const dir = tmpDir("reprint");
    const job: PrintJob = { html: page("Week 47: 1,234 calls"), pdfFile: join(dir, "r.pdf"), reportName: "Weekly", periodLabel: "Week 47", business: "Acme", dataDate: "2026-11-22" };
    const first = await printReport(config, job);
    expect(first.printed).toBe(true);
    const text = () => execFileSync("pdftotext", [job.pdfFile, "-"], { encoding: "utf8" });
    expect(text()).toContain("1,234 calls");
    const bytes = readFileSync(job.pdfFile);
    const mtime = statSync(job.pdfFile).mtimeMs;

    const same = await printReport(config, { ...job });
    expect(same.printed).toBe(false);
    expect(statSync(job.pdfFile).mtimeMs).toBe(mtime);
    expect(readFileSync(job.pdfFile).equals(bytes)).toBe(true);

    const changed = await printReport(config, { ...job, html: page("Week 47: 1,235 calls") });
    expect(changed.printed).toBe(true);
    expect(text()).toContain("1,235 calls");

    const relabelled = await printReport(config, { ...job, html: page("Week 47: 1,235 calls"), periodLabel: "Week 47 (revised)" });
    expect(relabelled.printed).toBe(true);

    rmSync(job.pdfFile);
    expect((await printReport(config, { ...job, html: page("Week 47: 1,235 calls"), periodLabel: "Week 47 (revised)" })).printed).toBe(true);
    expect(existsSync(job.pdfFile)).toBe(true);

    writeFileSync(`${job.pdfFile}.sha256`, "0\n");
    expect((await printReport(config, { ...job, html: page("Week 47: 1,235 calls"), periodLabel: "Week 47 (revised)" })).printed).toBe(true);
  }, 120_000);
});
