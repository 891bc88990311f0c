/**
 * A tabular frame (numeric and categorical columns, a 0/1 label) and the preprocessing fitted on
 * training rows only: numeric columns median-imputed (plus a missing indicator when training rows
 * have gaps) and expanded as asked — raw value, log(1 + x) for skewed counts and amounts, hinge
 * terms max(0, x − q) at training quintiles (a piecewise-linear effect, as a GAM would fit) —
 * categorical columns one-hot over the training levels (unseen levels: all zeros). Every feature
 * is z-scored with training statistics, so weight × value is a contribution to the log-odds
 * relative to the average training row, attributable to its source column.
 */
export type Frame = {
  n: number;
  ids: string[];
  numeric: Map<string, Float64Array>;
  categorical: Map<string, (string | null)[]>;
  /** 1, 0, or NaN when unknown. */
  label: Float64Array;
};

export type Expansion = { raw: boolean; log1p: boolean; hinges: boolean };

export type ColumnSpec =
  | { kind: "numeric"; name: string; median: number; missing: boolean; raw: boolean; log1p: boolean; knots: number[] }
  | { kind: "categorical"; name: string; levels: string[] };

export type Feature = { name: string; source: string };
export type Preprocessor = { columns: ColumnSpec[]; features: Feature[]; mean: number[]; std: number[] };

const MISSING = "__missing__";

function sortedFinite(a: Float64Array, rows: Int32Array): Float64Array {
  const v: number[] = [];
  for (const i of rows) if (Number.isFinite(a[i]!)) v.push(a[i]!);
  return Float64Array.from(v).sort();
}

const at = (s: Float64Array, q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]!;

/** Default expansion: log and hinges only for non-negative columns with many distinct values. */
export function autoExpansion(sorted: Float64Array): Expansion {
  let distinct = 0;
  for (let i = 0; i < sorted.length && distinct <= 10; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const rich = distinct > 10;
  return { raw: true, log1p: rich && (sorted[0] ?? 0) >= 0, hinges: rich };
}

export function fitPreprocessor(frame: Frame, rows: Int32Array, expansion: (name: string, sorted: Float64Array) => Expansion = (_, s) => autoExpansion(s)): Preprocessor {
  const columns: ColumnSpec[] = [];
  for (const [name, a] of frame.numeric) {
    const sorted = sortedFinite(a, rows);
    const e = expansion(name, sorted);
    const knots = e.hinges ? [...new Set([0.2, 0.4, 0.6, 0.8].map((q) => at(sorted, q)))].filter((k) => k > (sorted[0] ?? 0)) : [];
    columns.push({ kind: "numeric", name, median: sorted.length ? at(sorted, 0.5) : 0, missing: sorted.length < rows.length, raw: e.raw, log1p: e.log1p, knots });
  }
  for (const [name, a] of frame.categorical) {
    const levels = [...new Set(Array.from(rows, (i) => a[i] ?? MISSING))].sort();
    columns.push({ kind: "categorical", name, levels });
  }
  const features = columns.flatMap((c): Feature[] => c.kind === "categorical"
    ? c.levels.map((l) => ({ name: `${c.name}=${l}`, source: c.name }))
    : [
        ...(c.raw ? [{ name: c.name, source: c.name }] : []),
        ...(c.log1p ? [{ name: `log1p(${c.name})`, source: c.name }] : []),
        ...c.knots.map((k) => ({ name: `max(0, ${c.name} − ${k})`, source: c.name })),
        ...(c.missing ? [{ name: `${c.name} missing`, source: c.name }] : []),
      ]);
  const prep: Preprocessor = { columns, features, mean: [], std: [] };
  const p = features.length;
  const x = rawMatrix(frame, rows, prep);
  for (let j = 0; j < p; j++) {
    let s = 0;
    let ss = 0;
    for (let r = 0; r < rows.length; r++) { const v = x[r * p + j]!; s += v; ss += v * v; }
    const m = rows.length ? s / rows.length : 0;
    const sd = Math.sqrt(Math.max(0, (rows.length ? ss / rows.length : 0) - m * m));
    prep.mean.push(m);
    prep.std.push(sd > 1e-9 ? sd : 1);
  }
  return prep;
}

/** Unstandardised features [rows × p]. */
function rawMatrix(frame: Frame, rows: Int32Array, prep: Preprocessor): Float32Array {
  const p = prep.features.length;
  const x = new Float32Array(rows.length * p);
  let j = 0;
  for (const c of prep.columns) {
    if (c.kind === "categorical") {
      const a = frame.categorical.get(c.name);
      if (!a) throw new Error(`churn: column ${c.name} is missing from the data`);
      const index = new Map(c.levels.map((l, k) => [l, k]));
      rows.forEach((i, r) => { const k = index.get(a[i] ?? MISSING); if (k !== undefined) x[r * p + j + k] = 1; });
      j += c.levels.length;
      continue;
    }
    const a = frame.numeric.get(c.name);
    if (!a) throw new Error(`churn: column ${c.name} is missing from the data`);
    rows.forEach((i, r) => {
      const raw = a[i]!;
      const v = Number.isFinite(raw) ? raw : c.median;
      let k = j;
      if (c.raw) x[r * p + k++] = v;
      if (c.log1p) x[r * p + k++] = Math.log1p(Math.max(0, v));
      for (const knot of c.knots) x[r * p + k++] = Math.max(0, v - knot);
      if (c.missing) x[r * p + k++] = Number.isFinite(raw) ? 0 : 1;
    });
    j += (c.raw ? 1 : 0) + (c.log1p ? 1 : 0) + c.knots.length + (c.missing ? 1 : 0);
  }
  return x;
}

/** Standardised design matrix [rows × p], row-major. */
export function designMatrix(frame: Frame, rows: Int32Array, prep: Preprocessor): Float32Array {
  const x = rawMatrix(frame, rows, prep);
  const p = prep.features.length;
  for (let r = 0; r < rows.length; r++) for (let j = 0; j < p; j++) x[r * p + j] = (x[r * p + j]! - prep.mean[j]!) / prep.std[j]!;
  return x;
}

export function labels(frame: Frame, rows: Int32Array): Float32Array {
  return Float32Array.from(rows, (i) => frame.label[i]!);
}
