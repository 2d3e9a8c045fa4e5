// Invokes a function on serverless-offline's Lambda port the way an event source mapping invokes
// it on AWS: a synchronous (RequestResponse) Invoke whose response body is the handler's result.
// What serverless-offline 14 answers (src/lambda/routes/invocations):
// - 200 with the result as JSON; an empty body when the handler returned nothing;
// - 200 with `X-Amz-Function-Error: Unhandled` and `{ errorMessage, errorType, trace }` when the
//   handler threw (as AWS does);
// - 404 with `x-amzn-ErrorType: ResourceNotFoundException` for an unknown function name;
// - 400 for an unsupported invocation type.
// Anything but a clean 200 is an invocation error: the caller retries the whole batch, as Lambda does.
import { setTimeout as sleep } from 'node:timers/promises';

export type InvokeResult =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly error: string };

/** Calls one function with `event`; never throws (connection refused, timeouts and errors are results). */
export type Invoke = (event: unknown) => Promise<InvokeResult>;

export interface LambdaTarget {
  /** serverless-offline's Lambda port, e.g. http://127.0.0.1:3204 */
  lambdaUrl: string;
  /** `<service>-<stage>-<function>`, e.g. shop-notifier-local-sendStockAlerts */
  functionName: string;
  /** Gives up on one invocation after this long (Lambda's own timeout is 10 s here). */
  timeoutMs?: number;
}

export function lambdaInvoker(target: LambdaTarget): Invoke {
  const url = `${target.lambdaUrl}/2015-03-31/functions/${encodeURIComponent(target.functionName)}/invocations`;
  return async (event) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(target.timeoutMs ?? 30_000),
      });
    } catch (error) {
      return { ok: false, error: `could not invoke ${target.functionName}: ${describeFetchError(error)}` };
    }
    const text = await response.text();
    const payload = parseJson(text);
    const functionError = response.headers.get('x-amz-function-error');
    if (functionError) {
      const message = (payload as { errorMessage?: unknown } | undefined)?.errorMessage;
      return {
        ok: false,
        error: `${target.functionName} failed (${functionError}): ${typeof message === 'string' ? message : text}`,
      };
    }
    if (response.status !== 200) {
      const type = response.headers.get('x-amzn-errortype');
      return {
        ok: false,
        error: `invoking ${target.functionName} answered ${response.status}${type ? ` ${type}` : ''}: ${text}`,
      };
    }
    return { ok: true, payload };
  };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

/**
 * The ids a partial batch response lists (`{ batchItemFailures: [{ itemIdentifier }] }`), or
 * `'all'` when the response makes the whole batch a failure. AWS's rules (Lambda developer guide,
 * "partial batch response"): no response, a null or empty list is a full success; an item whose
 * identifier is empty, null or not in the batch fails the whole batch.
 */
export function batchItemFailures(payload: unknown, idsInBatch: ReadonlySet<string>): Set<string> | 'all' {
  if (payload === undefined || payload === null || typeof payload !== 'object') return new Set();
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !idsInBatch.has(id)) return 'all';
    ids.add(id);
  }
  return ids;
}

/** Sleeps `ms` unless `signal` aborts first; never throws. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
