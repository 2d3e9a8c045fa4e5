// Lambda's concurrency model for the local front: at most `reserved` requests of one function in
// flight at a time; the rest wait their turn (for at most `maxWaitMs`) instead of reaching
// serverless-offline. serverless-offline already runs one request per handler instance and reuses
// an idle instance before starting a new one (LambdaFunctionPool), so holding each function's
// in-flight requests to `reserved` holds its instances to `reserved` too: a burst of 48 costs
// `reserved` cold starts, not 48 (docs/local-stack.md says why this way).
import type { IncomingMessage } from 'node:http';
import { ROUTES } from '@shop/contracts';

/** Gives the slot back; calling it again does nothing. */
export type Release = () => void;

export interface ConcurrencyLimit {
  /** A slot for `functionKey`, or undefined when none freed up within the wait. */
  acquire(functionKey: string): Promise<Release | undefined>;
  /** Requests in flight and waiting per function, for tests and diagnostics. */
  snapshot(): Record<string, { inFlight: number; waiting: number }>;
}

export interface ConcurrencyLimitOptions {
  /** Instances per function (Lambda's reserved concurrency), at least 1. */
  reserved: number;
  /** How long a request may wait for a slot before the front answers 503 itself. */
  maxWaitMs: number;
}

interface Slots {
  inFlight: number;
  /** First come, first served, as the Lambda service hands a freed instance to the next event. */
  waiting: Array<(release: Release) => void>;
}

export function concurrencyLimit(options: ConcurrencyLimitOptions): ConcurrencyLimit {
  if (!Number.isInteger(options.reserved) || options.reserved < 1) {
    throw new Error(`reserved concurrency must be a positive integer, got ${options.reserved}`);
  }
  const byFunction = new Map<string, Slots>();

  const releaseOf = (slots: Slots): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slots.waiting.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      if (next) next(releaseOf(slots));
      else slots.inFlight -= 1;
    };
  };

  return {
    acquire(functionKey) {
      let slots = byFunction.get(functionKey);
      if (!slots) {
        slots = { inFlight: 0, waiting: [] };
        byFunction.set(functionKey, slots);
      }
      if (slots.inFlight < options.reserved) {
        slots.inFlight += 1;
        return Promise.resolve(releaseOf(slots));
      }
      const queue = slots.waiting;
      return new Promise((resolve) => {
        const grant = (release: Release) => {
          clearTimeout(timer);
          resolve(release);
        };
        const timer = setTimeout(() => {
          queue.splice(queue.indexOf(grant), 1);
          resolve(undefined);
        }, options.maxWaitMs);
        queue.push(grant);
      });
    },
    snapshot() {
      return Object.fromEntries(
        [...byFunction].map(([key, slots]) => [
          key,
          { inFlight: slots.inFlight, waiting: slots.waiting.length },
        ]),
      );
    },
  };
}

interface RoutePattern {
  method: string;
  pattern: RegExp;
  functionName: string;
}

/**
 * The deployed routes as patterns: each route's operationId is the name of the function serving it
 * (services/*\/serverless.yml; tests/contract checks the route table against them).
 */
const ROUTE_PATTERNS: readonly RoutePattern[] = ROUTES.map((route) => ({
  method: route.method.toUpperCase(),
  pattern: new RegExp(`^${route.path.replace(/\{[^/]+\}/g, '[^/]+')}$`),
  functionName: route.operationId,
}));

/**
 * The function a request reaches: `<service>:<function>`. A path no route matches (serverless-offline
 * answers those without invoking anything) shares one key per service, so it stays bounded too.
 */
export function functionKeyOf(req: Pick<IncomingMessage, 'method' | 'url'>, service: string): string {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = (req.method ?? 'GET').toUpperCase();
  const route = ROUTE_PATTERNS.find(
    (candidate) =>
      (candidate.method === method || (method === 'HEAD' && candidate.method === 'GET')) &&
      candidate.pattern.test(path),
  );
  return `${service}:${route?.functionName ?? '(no route)'}`;
}

const INVOCATION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** The function a Lambda Invoke request names (serverless-offline's Lambda port), `<service>:<name>`. */
export function invokedFunctionOf(req: Pick<IncomingMessage, 'url'>, service: string): string {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const name = INVOCATION_PATH.exec(path)?.[1];
  return `${service}:${name ? decodeURIComponent(name) : '(no function)'}`;
}
