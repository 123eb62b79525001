// How much the bench measures. BENCH_QUICK=1 runs a small fraction of everything, for working on
// the bench itself: its figures are too few to write down, so it leaves BENCHMARKS.md alone.
export const QUICK = process.env.BENCH_QUICK === '1';

/** The full run's size, or the quick run's. */
export function sized(full: number, quick: number): number {
  return QUICK ? quick : full;
}
