// Turns benchmark outcomes into the markdown table (stdout and bench/results.md) and the
// machine-readable bench/results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchOutcome, BenchRow, Quantity } from './benchmark';

export interface BenchmarkResult {
  readonly name: string;
  readonly method: string;
  readonly seconds: number;
  /** Absent when the benchmark failed; `error` says why. */
  readonly outcome?: BenchOutcome;
  readonly error?: string;
}

export interface RunEnvironment {
  readonly timestamp: string;
  readonly node: string;
  readonly platform: string;
  readonly cpu: { readonly model: string; readonly cores: number };
  readonly memoryMiB: number;
}

export const describeEnvironment = (): RunEnvironment => {
  const cores = cpus();
  return {
    timestamp: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: { model: cores[0]?.model.trim() ?? 'unknown', cores: cores.length },
    memoryMiB: Math.round(totalmem() / 1024 / 1024),
  };
};

const formatAmount = (amount: number): string => {
  if (Number.isInteger(amount)) return String(amount);
  const magnitude = Math.abs(amount);
  return amount.toFixed(magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3);
};

const formatQuantity = (quantity: Quantity | undefined): string =>
  quantity === undefined
    ? '—'
    : `${formatAmount(quantity.amount)} ${quantity.unit}${quantity.note ? ` (${quantity.note})` : ''}`;

const formatMet = (met: boolean | undefined): string =>
  met === undefined ? '—' : met ? 'met' : '**NOT met**';

// A pipe inside a cell would split it into two columns.
const cell = (text: string): string => text.replaceAll('|', '\\|');

export const markdownTable = (results: readonly BenchmarkResult[]): string => {
  const lines = ['| measurement | value | baseline | ratio | target | met? |', '|---|---|---|---|---|---|'];
  const line = (cells: string[]) => lines.push(`| ${cells.map(cell).join(' | ')} |`);
  for (const result of results) {
    if (!result.outcome) {
      // The first line says what failed; the whole message is in results.json.
      const reason = (result.error ?? 'unknown error').split('\n')[0]!;
      line([`${result.name}: FAILED`, reason, '—', '—', '—', '**NOT met**']);
      continue;
    }
    for (const row of result.outcome.rows) line(rowCells(row));
  }
  return lines.join('\n');
};

const rowCells = (row: BenchRow): string[] => [
  row.measurement,
  formatQuantity(row.value),
  formatQuantity(row.baseline),
  row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)}x`,
  row.target ?? '—',
  formatMet(row.met),
];

export interface WrittenResults {
  readonly jsonFile: string;
  readonly markdownFile: string;
}

export const writeResults = (
  dir: string,
  environment: RunEnvironment,
  results: readonly BenchmarkResult[],
): WrittenResults => {
  mkdirSync(dir, { recursive: true });
  const jsonFile = join(dir, 'results.json');
  const markdownFile = join(dir, 'results.md');
  const json = {
    ...environment,
    benchmarks: Object.fromEntries(
      results.map((result) => [
        result.name,
        {
          method: result.method,
          seconds: Number(result.seconds.toFixed(1)),
          ...(result.outcome
            ? { rows: result.outcome.rows, raw: result.outcome.raw }
            : { error: result.error }),
        },
      ]),
    ),
  };
  writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);

  const markdown = [
    '# Benchmark results',
    '',
    `Written by \`pnpm bench\` on ${environment.timestamp}: Node ${environment.node}, ` +
      `${environment.cpu.model} (${environment.cpu.cores} cores), ${environment.memoryMiB} MiB, ` +
      `${environment.platform}. Raw numbers: [results.json](results.json).`,
    '',
    markdownTable(results),
    '',
    '## How measured',
    '',
    ...results.flatMap((result) => [`**${result.name}.** ${result.method}`, '']),
  ].join('\n');
  writeFileSync(markdownFile, markdown);
  return { jsonFile, markdownFile };
};
