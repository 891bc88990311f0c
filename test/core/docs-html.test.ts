/**
 * `commsight docs` writes a static HTML data dictionary with a lineage graph (as dbt docs does). The
 * page is opened in the system Chromium (puppeteer-core, as the reports are printed) and must show
 * every dataset of the catalog, an edge for every input of every dataset, and an entry per dataset;
 * clicking a dataset highlights its lineage.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";
import { afterAll, describe, expect, it } from "vitest";
import { catalog } from "../../pipelines/catalog/datasets.ts";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { CHROMIUM_FLAGS, findChromium } from "../../reports/render/pdf.ts";
import { commsight } from "../helpers/cli.ts";

const work = join(projectRoot, "data", "tmp", `docs-html-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("commsight docs: the HTML dictionary", () => {
  it("shows every dataset and an edge for every dependency, in Chromium", async () => {
    mkdirSync(work, { recursive: true });
    const html = join(work, "index.html");
    const r = commsight(["--data", work, "docs", "--html", html, "--markdown", join(work, "marts.md")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(html);

    const datasets = catalog().datasets;
    const ids = new Set(datasets.map((d) => d.id));
    const expectedEdges = datasets.flatMap((d) => d.inputs.filter((i) => ids.has(i)).map((i) => `${i}->${d.id}`)).sort();
    expect(expectedEdges.length).toBeGreaterThan(datasets.length);

    const profile = mkdtempSync(join(tmpdir(), "commsight-docs-chromium-"));
    const browser = await puppeteer.launch({
      executablePath: findChromium({ report: {} }), ignoreDefaultArgs: true, pipe: true, headless: true,
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "about:blank"],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
      const seen = await page.evaluate(() => {
        const box = (el: Element) => { const b = (el as SVGGraphicsElement).getBBox(); return b.width > 0 || b.height > 0; };
        return {
          nodes: [...document.querySelectorAll("#lineage .node")].filter(box).map((n) => (n as HTMLElement).dataset.id!),
          edges: [...document.querySelectorAll("#lineage .edge")].filter(box).map((e) => `${(e as HTMLElement).dataset.from}->${(e as HTMLElement).dataset.to}`),
          entries: [...document.querySelectorAll("section.dataset")].map((s) => (s as HTMLElement).dataset.dataset!),
          title: document.title,
        };
      });
      expect(errors).toEqual([]);
      expect(seen.title).toMatch(/data dictionary/);
      expect(new Set(seen.nodes)).toEqual(ids);
      expect(seen.nodes).toHaveLength(ids.size);
      expect(seen.edges.sort()).toEqual(expectedEdges);
      expect(new Set(seen.entries)).toEqual(ids);

      // Every edge runs left to right: a dataset sits right of everything it reads.
      const leftToRight = await page.evaluate(() => [...document.querySelectorAll("#lineage .edge")].every((e) => {
        const x = (id: string) => (document.querySelector(`#lineage .node[data-id="${id}"]`) as SVGGraphicsElement).transform.baseVal[0]!.matrix.e;
        return x((e as HTMLElement).dataset.from!) < x((e as HTMLElement).dataset.to!);
      }));
      expect(leftToRight).toBe(true);

      // Clicking marts.kpi_weekly lights up what it reads, transitively, down to raw entities.
      await page.click('#lineage .node[data-id="marts.kpi_weekly"]');
      const lit = await page.evaluate(() => [...document.querySelectorAll("#lineage .node.on")].map((n) => (n as HTMLElement).dataset.id!));
      expect(lit).toContain("marts.kpi_weekly");
      expect(lit.some((id) => id.startsWith("raw."))).toBe(true);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 120_000);
});
