/** Reading PDFs back with poppler-utils (pdftotext, pdfinfo, pdffonts), as a person's viewer would. */
import { execFileSync } from "node:child_process";

export const pdfText = (pdf: string, page?: number) =>
  execFileSync("pdftotext", ["-layout", ...(page ? ["-f", String(page), "-l", String(page)] : []), pdf, "-"], { encoding: "utf8" });

export const pdfInfo = (pdf: string) => execFileSync("pdfinfo", [pdf], { encoding: "utf8" });

export const pdfPages = (pdf: string) => Number(/Pages:\s+(\d+)/.exec(pdfInfo(pdf))?.[1]);

/** Font names embedded in the PDF, subset prefixes removed (AAAAAA+Inter-Bold → Inter-Bold). */
export function pdfFonts(pdf: string): string[] {
  const lines = execFileSync("pdffonts", [pdf], { encoding: "utf8" }).split("\n").slice(2).filter(Boolean);
  return [...new Set(lines.map((l) => l.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, "")))].sort();
}

/** Text of every page, in order. */
export function pdfPagesText(pdf: string): string[] {
  const n = pdfPages(pdf);
  return Array.from({ length: n }, (_, i) => pdfText(pdf, i + 1));
}

/** Collapse runs of spaces, so assertions do not depend on pdftotext's column layout. */
export const squash = (s: string) => s.replace(/[ \t]+/g, " ");
