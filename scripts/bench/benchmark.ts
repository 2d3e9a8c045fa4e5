// What a benchmark module is. `run.ts` imports every `scripts/bench/<name>.bench.ts`, calls its
// `benchmark.run(ctx)` and puts the rows it returns into one table: a later issue adds a benchmark
// by adding a file, not by editing the runner.
import type { BenchStack } from './bench.stack';

/** A measured amount and its unit, e.g. `{ amount: 212.4, unit: 'ms' }`. */
export interface Quantity {
  readonly amount: number;
  readonly unit: string;
  /** Shown after the amount in the table, e.g. `zip 410.2 KB`. */
  readonly note?: string;
}

/** One line of the results table. Every number comes from this run; nothing is hard-coded. */
export interface BenchRow {
  readonly measurement: string;
  readonly value: Quantity;
  /** What the value is compared with, measured in the same run. */
  readonly baseline?: Quantity;
  /** value / baseline, when that quotient is what the target is about. */
  readonly ratio?: number;
  /** Human-readable target, e.g. `<= 1.5x empty` or `<= 500 KB`. */
  readonly target?: string;
  /** Whether the target was met; absent when the row has no target. */
  readonly met?: boolean;
}

export interface BenchOutcome {
  readonly rows: BenchRow[];
  /** Every raw median, percentile and sample count, for `bench/results.json`. */
  readonly raw: Record<string, unknown>;
}

export interface BenchContext {
  /** Repository root. */
  readonly root: string;
  /** Git-ignored scratch folder (`bench/.tmp`), emptied when the run ends. */
  readonly tmpDir: string;
  /** PostgreSQL (migrated, seeded), Redis and s3rver started for this run only. */
  readonly stack: BenchStack;
  readonly options: BenchOptions;
  log(message: string): void;
}

export interface BenchOptions {
  /** Run `pnpm package` even when every bundle is newer than its sources. */
  readonly repackage: boolean;
  /** Runs per side in interleaved process benchmarks (cold init). */
  readonly coldRuns: number;
}

export interface Benchmark {
  /** Short, kebab-case; the command line filters by it (`pnpm bench cold-init`). */
  readonly name: string;
  /** The "how measured" paragraph of `bench/results.md`. */
  readonly method: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}
