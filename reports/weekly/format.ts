/** Kept at its old path: the end-to-end tests format KPI values with these to find them in the PDF. */
export * from "../shared/format.ts";
