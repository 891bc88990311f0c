/** Classification scores for the text benchmarks: macro-F1 over labels, and accuracy. */

/** Mean over labels of F1 = 2PR/(P+R); a label never predicted nor present scores 0. */
export function macroF1(predicted: readonly string[], gold: readonly string[], labels: readonly string[]): number {
  let sum = 0;
  for (const l of labels) {
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (predicted[i] === l && gold[i] === l) tp++;
      else if (predicted[i] === l) fp++;
      else if (gold[i] === l) fn++;
    }
    const p = tp + fp ? tp / (tp + fp) : 0;
    const r = tp + fn ? tp / (tp + fn) : 0;
    sum += p + r ? (2 * p * r) / (p + r) : 0;
  }
  return sum / labels.length;
}

export function accuracyOf(predicted: readonly string[], gold: readonly string[]): number {
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (predicted[i] === gold[i]) ok++;
  return ok / Math.max(1, gold.length);
}
