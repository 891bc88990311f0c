/**
 * An FCFS M/M/n+M queue simulation, written independently of models/staffing to check Erlang A
 * against (the staffing test and the models-plan benchmark): Poisson arrivals, exponential handle
 * times and patience; each caller waits for the earliest free agent unless patience runs out first.
 */
import { mulberry32 } from "../../models/shared/rng.ts";

export function simulateQueue(n: number, calls: number, interval: number, aht: number, patience: number, target: number, count: number, seed: number) {
  const rng = mulberry32(seed);
  const exp = (mean: number) => -Math.log(1 - rng()) * mean;
  const free = new Array<number>(n).fill(0);
  let t = 0;
  let inTime = 0;
  let abandoned = 0;
  for (let i = 0; i < count; i++) {
    t += exp(interval / calls);
    let k = 0;
    for (let j = 1; j < n; j++) if (free[j]! < free[k]!) k = j;
    const wait = Math.max(0, free[k]! - t);
    if (wait > exp(patience)) { abandoned++; continue; } // leaves; the agent stays free for the next caller
    if (wait <= target) inTime++;
    free[k] = t + wait + exp(aht);
  }
  return { serviceLevel: inTime / count, probAbandon: abandoned / count };
}
