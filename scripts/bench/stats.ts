// Small numeric helpers shared by the benchmarks: percentiles of latency samples, medians of repeated runs, and a
// seeded random source so that every run generates the same community (figures stay comparable between runs).

/** The p-th percentile (0..100) of the samples, by nearest rank; NaN for no samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: number[]) => percentile(values, 50);

/** Runs `fn` `runs` times and keeps, for every numeric field, the median over the runs. */
export async function medianOf<T extends Record<string, number>>(
  runs: number,
  fn: (run: number) => Promise<T>,
) {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await fn(i));
  const keys = Object.keys(results[0]!) as (keyof T)[];
  return Object.fromEntries(keys.map((k) => [k, median(results.map((r) => r[k] as number))])) as T;
}

/** mulberry32: tiny, fast and good enough to pick names and dice rolls reproducibly. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]) => items[int(items.length)]!,
    /** Popular things are picked far more often than others (a Zipf-like skew, exponent ~1). */
    skewed: <T>(items: readonly T[]) =>
      items[Math.min(items.length - 1, Math.floor(items.length ** next()) - 1)]!,
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => int(16).toString(16)).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
}
export type Random = ReturnType<typeof seededRandom>;

export const round = (v: number, digits = 0) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

/** 12345.6 → "12,346"; keeps small numbers readable with one decimal. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

/** A small share (0.0027, 0.05, 0.12) with two significant digits: fmt would round 0.0027 to "0.00". */
export const fmtShare = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(2))) : '–');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
