// aws-ses-v2-local accepts every address, so it cannot fail for one recipient. This proxy sits
// between the real SES adapter and the stand-in: it forwards every request, except a SendEmail
// to an address in `rejecting`, which it answers as SES answers a refused message (400
// MessageRejected). The adapter and the SDK's error handling stay real; only the refusal is staged.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SesProxy {
  readonly endpoint: string;
  /** Addresses to refuse; change it between invocations. */
  readonly rejecting: Set<string>;
  /** SendEmail requests seen, per address (refused or forwarded). */
  readonly attempts: Map<string, number>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'expect']);

const forwardedHeaders = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([name, value]) => !HOP_BY_HOP.has(name) && typeof value === 'string')
      .map(([name, value]) => [name, value as string]),
  );

export const startSesProxy = async (target: string): Promise<SesProxy> => {
  const rejecting = new Set<string>();
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const to: string[] = (() => {
          try {
            return (
              (JSON.parse(body.toString('utf8')) as { Destination?: { ToAddresses?: string[] } }).Destination
                ?.ToAddresses ?? []
            );
          } catch {
            return [];
          }
        })();
        for (const address of to) attempts.set(address, (attempts.get(address) ?? 0) + 1);
        if (to.some((address) => rejecting.has(address))) {
          res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' });
          res.end(JSON.stringify({ message: 'Email address is not verified.' }));
          return;
        }
        const upstream = await fetch(new URL(req.url ?? '/', target), {
          method: req.method ?? 'GET',
          // The stand-in wants the request's Authorization (any credentials will do).
          headers: forwardedHeaders(req.headers),
          ...(body.length > 0 ? { body } : {}),
        });
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/json',
        });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      })().catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    rejecting,
    attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** An endpoint where nothing listens: connections are refused at once. */
export const closedPortEndpoint = async (): Promise<string> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
};
