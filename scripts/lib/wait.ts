// Polling helpers: local servers signal readiness in different ways, so callers poll for it.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Used in the timeout error, e.g. "catalog to answer on http://127.0.0.1:3101/health". */
  what: string;
}

/** Thrown by a check when waiting longer is pointless (the process being waited for has died). */
export class StopWaiting extends Error {}

/**
 * Polls `check` until it returns true. Errors count as "not yet" (a server refusing connections
 * while it starts), except StopWaiting, which ends the wait at once. Throws after `timeoutMs`.
 */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      lastError = error;
    }
    await sleep(options.intervalMs ?? 200);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${reason}`, {
    cause: lastError,
  });
}

/** True when `url` answers with any HTTP status below 500 (the server is up and routing). */
export async function answersHttp(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.status < 500;
}

/**
 * Waits for `promise` at most `timeoutMs`. The timer keeps the process alive meanwhile (a promise
 * alone does not) and is cleared as soon as the promise settles.
 */
export async function withinTimeout(
  promise: Promise<unknown>,
  timeoutMs: number,
): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([promise.then(() => 'done' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
