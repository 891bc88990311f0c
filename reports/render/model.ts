/** What a report hands its template: numbered sections of sentences, charts (SVG) and tables. */

export type ChartSection = {
  id: string;
  title: string;
  /** The chart as an SVG string; absent when there is nothing to draw (then `note` says why). */
  svg?: string;
  /** One line a reader can take away. */
  takeaway: string;
  note?: string;
};

export type Table = {
  id: string;
  title: string;
  columns: { label: string; num?: boolean }[];
  rows: { cells: string[]; tone?: "good" | "bad" | "muted" }[];
  /** Under the table: what was left out and why (e.g. small groups). */
  caption?: string;
};

/** One numbered section of the report: sentences first, then charts and tables. */
export type Section = {
  id: string;
  title: string;
  /** Plain-language findings; empty when `note` says why there is nothing. */
  takeaways: string[];
  charts: ChartSection[];
  tables: Table[];
  note?: string;
};

/** A chart with nothing to draw. */
export function emptySection(id: string, title: string, note: string): ChartSection {
  return { id, title, takeaway: "", note };
}

/** A section whose data is not there (mart not built yet, nothing in the period). */
export function unavailable(id: string, title: string, note: string): Section {
  return { id, title, takeaways: [], charts: [], tables: [], note };
}
