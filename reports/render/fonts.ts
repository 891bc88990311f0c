/**
 * The report typeface, shipped with the code (the @fontsource/inter npm package) and embedded in the
 * HTML as base64 @font-face rules, so a PDF looks the same on every machine and nothing is fetched.
 * Text outside these subsets would fall back to a system font, so the reports keep to Latin text and
 * the arrows ↑ ↓ (in the latin subset) rather than ▲ ▼ or → (in none).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export const FONT_FAMILY = "CommsightInter";
export const FONT_STACK = `${FONT_FAMILY}, sans-serif`;

const require = createRequire(import.meta.url);

/** latin-ext: names and places with accents; latin: everything else. */
const FACES = [
  { subset: "latin", weight: 400, range: "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD" },
  { subset: "latin", weight: 700, range: "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD" },
  { subset: "latin-ext", weight: 400, range: "U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF" },
  { subset: "latin-ext", weight: 700, range: "U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF" },
] as const;

const cache = new Map<string, string>();

function face(subset: string, weight: number, range: string): string {
  const key = `${subset}-${weight}`;
  let css = cache.get(key);
  if (!css) {
    const file = require.resolve(`@fontsource/inter/files/inter-${subset}-${weight}-normal.woff2`);
    const b64 = readFileSync(file).toString("base64");
    css = `@font-face{font-family:${FONT_FAMILY};font-style:normal;font-weight:${weight};font-display:block;` +
      `src:url(data:font/woff2;base64,${b64}) format("woff2");unicode-range:${range};}`;
    cache.set(key, css);
  }
  return css;
}

/** @font-face rules for the page (all subsets and weights). */
export function fontFaceCss(): string {
  return FACES.map((f) => face(f.subset, f.weight, f.range)).join("\n");
}

/** The smaller set for Chromium's header and footer templates, which are rendered apart from the page. */
export function headerFontCss(): string {
  return face(FACES[0].subset, FACES[0].weight, FACES[0].range);
}
