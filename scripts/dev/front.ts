// The local front: one base URL (http://localhost:3000) for every service, like the shared REST API
// stage on AWS. A small reverse proxy that picks a service's serverless-offline by path prefix and
// streams the request and the response through, minus what only serverless-offline would act on.
//
// It answers only requests addressed to a loopback name (`Host`), so a web page cannot use DNS
// rebinding (its own name re-pointed at 127.0.0.1) to drive the local API from a browser, and it
// drops the request headers that make serverless-offline authorise a caller differently from API
// Gateway (SERVERLESS_OFFLINE_AUTH_HEADERS).
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { LOCAL_HOST } from '../lib/ports';
import type { StaticPage } from './api-docs';
import { type ConcurrencyLimit, functionKeyOf, type Release } from './function-concurrency';

export interface Upstream {
  name: string;
  /** `/products` matches `/products`, `/products/...` and `/products?...`, not `/productsx`. */
  prefixes: readonly string[];
  port: number;
}

/** An answer given by the front itself, in the error shape of api.md. */
export interface Rejection {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  details?: ReadonlyArray<{ path: string; message: string }>;
}

/**
 * Runs before a request is proxied: return a Rejection to answer it at the front, or undefined
 * to let it through (a guard may edit `req.headers`).
 *
 * start.ts installs the bearer-token guard (bearer-token.guard.ts): serverless-offline decodes any
 * JWT into the authorizer claims without checking its signature (toolchain.md), so locally the
 * front verifies it (jose against the cognito-local JWKS) and answers 401 itself.
 */
export type RequestGuard = (req: IncomingMessage, upstream: Upstream) => Promise<Rejection | undefined>;

export interface FrontOptions {
  port: number;
  upstreams: readonly Upstream[];
  guards?: readonly RequestGuard[];
  /** Documents the front answers itself on GET (the OpenAPI document and the reference page). */
  pages?: ReadonlyMap<string, StaticPage>;
  /**
   * Lambda's concurrency per function (function-concurrency.ts): a request waits for one of its
   * function's slots before it is proxied. Without it every request goes straight through.
   */
  concurrency?: ConcurrencyLimit;
  /** Which function a request reaches, the key of its slots; `functionKeyOf` (the API routes) by default. */
  functionOf?: (req: IncomingMessage, upstream: Upstream) => string;
  /** Where the front writes one JSON line per answer it gives itself; stdout by default. */
  log?: (line: string) => void;
}

export interface RunningFront {
  url: string;
  close(): Promise<void>;
}

/**
 * Request headers that serverless-offline 14.8.2 turns into who the caller is, and that API Gateway
 * ignores (or never takes from a client); read in its source, `src/events/http/`:
 * - `sls-offline-authorizer-override`: JSON that replaces `requestContext.authorizer` whole
 *   (LambdaProxyIntegrationEvent.js, LambdaProxyIntegrationEventV2.js), claims included, and keeps
 *   it on routes without an authorizer (HttpServer.js). Sent by anyone, it made them an admin.
 * - `cognito-identity-id`, `cognito-authentication-provider`: copied into
 *   `requestContext.identity` (LambdaProxyIntegrationEvent.js); on AWS only IAM authorisation with
 *   a Cognito identity pool sets those fields.
 * Not here: `Authorization`, which the bearer-token guard verifies before anything is forwarded
 * (serverless-offline would decode any JWT in it into claims unchecked); and `x-api-key`, which
 * serverless-offline checks against the configured API keys just as API Gateway does on private
 * routes, so it cannot grant more locally than on AWS.
 * tests/unit/front.test.ts pins the serverless-offline version this list was read from.
 */
export const SERVERLESS_OFFLINE_AUTH_HEADERS: ReadonlySet<string> = new Set([
  'sls-offline-authorizer-override',
  'cognito-identity-id',
  'cognito-authentication-provider',
]);

// Headers that describe one connection, not the message (RFC 9110 7.6.1); never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The upstream whose longest prefix matches `url`'s path. */
export function matchUpstream(url: string, upstreams: readonly Upstream[]): Upstream | undefined {
  const path = url.split('?')[0] ?? '/';
  let best: { upstream: Upstream; length: number } | undefined;
  for (const upstream of upstreams) {
    for (const prefix of upstream.prefixes) {
      const matches = path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
      if (matches && prefix.length > (best?.length ?? -1)) best = { upstream, length: prefix.length };
    }
  }
  return best?.upstream;
}

export function createFront(options: FrontOptions): Server {
  const log = options.log ?? ((line: string) => console.log(line));
  // Node's own 400 for a request without Host has no body; ours is in the API's error shape.
  return createServer({ requireHostHeader: false }, (req, res) => {
    handle(req, res, options, log).catch((error: unknown) => {
      console.error('[front] unexpected error', error);
      reject(res, { status: 500, code: 'INTERNAL', message: 'Internal error in the local front' }, log);
    });
  });
}

/** Listens on 127.0.0.1:`port` (never on the network: local auth is not real auth). */
export function startFront(options: FrontOptions): Promise<RunningFront> {
  const server = createFront(options);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOCAL_HOST, () => {
      server.off('error', reject);
      resolve({
        url: `http://localhost:${options.port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * Whether `host` (a `Host` header) names this front by a loopback name and the port the request came
 * in on: `localhost`, `127.0.0.1` or `[::1]`, any case. A rebinding page's requests carry its own name.
 */
export function isLoopbackHost(host: string | undefined, port: number | undefined): boolean {
  if (host === undefined || port === undefined) return false;
  return LOOPBACK_NAMES.some((name) => host.toLowerCase() === `${name}:${port}`);
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: FrontOptions,
  log: (line: string) => void,
): Promise<void> {
  const answer = (rejection: Rejection) => reject(res, rejection, log);
  if (!isLoopbackHost(req.headers.host, req.socket.localPort)) {
    const expected = `localhost:${req.socket.localPort}`;
    return answer({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: `The local API answers only requests to a loopback name, such as ${expected}`,
      details: [
        {
          path: 'headers.host',
          message: `must be localhost, 127.0.0.1 or [::1] with port ${req.socket.localPort}`,
        },
      ],
    });
  }
  const page = options.pages?.get((req.url ?? '/').split('?')[0] ?? '/');
  if (page && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, { 'content-type': page.contentType, 'content-length': page.body.length });
    res.end(req.method === 'HEAD' ? undefined : page.body);
    return;
  }
  const upstream = matchUpstream(req.url ?? '/', options.upstreams);
  if (!upstream) {
    const path = (req.url ?? '/').split('?')[0];
    return answer({ status: 404, code: 'NOT_FOUND', message: `No route for ${req.method} ${path}` });
  }
  for (const guard of options.guards ?? []) {
    const rejection = await guard(req, upstream);
    if (rejection) return answer(rejection);
  }
  const functionKey = (options.functionOf ?? ((request, { name }) => functionKeyOf(request, name)))(
    req,
    upstream,
  );
  const release = options.concurrency ? await options.concurrency.acquire(functionKey) : () => undefined;
  if (!release) {
    return answer({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: `Every instance of ${functionKey} stayed busy; try again`,
      headers: { 'retry-after': '1' },
    });
  }
  if (res.destroyed) {
    // The client gave up while it waited: nothing to run.
    release();
    return;
  }
  proxy(req, res, upstream, answer, release);
}

function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
  answer: (rejection: Rejection) => void,
  release: Release,
): void {
  const headers: IncomingHttpHeaders = {
    ...forwardable(req.headers),
    'x-forwarded-for': req.socket.remoteAddress ?? LOCAL_HOST,
    'x-forwarded-proto': 'http',
    'x-forwarded-host': req.headers.host ?? '',
  };
  const upstreamRequest = request({
    host: LOCAL_HOST,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers,
  });
  upstreamRequest.on('response', (upstreamResponse) => {
    // serverless-offline answers once the handler has returned and its instance is idle again.
    release();
    if (res.destroyed) {
      upstreamResponse.resume();
      return;
    }
    res.on('close', () => {
      if (!upstreamResponse.complete) upstreamResponse.resume();
    });
    res.writeHead(upstreamResponse.statusCode ?? 502, withoutHopByHop(upstreamResponse.headers));
    upstreamResponse.pipe(res);
  });
  upstreamRequest.on('error', (error: NodeJS.ErrnoException) => {
    release();
    if (res.destroyed) return;
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    if (error.code === 'ECONNREFUSED') {
      answer({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: `The ${upstream.name} service is not running`,
        headers: { 'retry-after': '1' },
      });
    } else {
      answer({
        status: 502,
        code: 'BAD_GATEWAY',
        message: `The ${upstream.name} service failed to answer`,
      });
    }
  });
  // A body cut short never reached the function (serverless-offline waits for the whole payload).
  req.on('close', () => {
    if (!req.complete) upstreamRequest.destroy();
  });
  // A client that goes away does not stop the function (serverless-offline runs it to the end, as
  // Lambda does): the request stays open until it answers, so its slot stays taken until then.
  req.pipe(upstreamRequest);
}

function reject(res: ServerResponse, rejection: Rejection, log: (line: string) => void): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, code, message, details } = rejection;
  // Every response carries a request id that is also in a log line (api.md), including the
  // answers no service saw; like API Gateway's, it is never the client's own x-request-id.
  const requestId = randomUUID();
  const body = JSON.stringify({ error: details ? { code, message, details } : { code, message } });
  res.writeHead(status, {
    ...rejection.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
  });
  res.end(body);
  const path = (res.req?.url ?? '/').split('?')[0];
  log(
    JSON.stringify({
      level: 'INFO',
      message: 'answered by the front',
      requestId,
      status,
      code,
      method: res.req?.method,
      path,
    }),
  );
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

/** What goes on to serverless-offline: no hop-by-hop headers and none it would authorise by. */
function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(withoutHopByHop(headers)).filter(
      ([name]) => !SERVERLESS_OFFLINE_AUTH_HEADERS.has(name.toLowerCase()),
    ),
  );
}
