// A stand-in for serverless-offline's Lambda port in tests: serves
// POST /2015-03-31/functions/<name>/invocations, records every event and answers what the test's
// handler returns, in serverless-offline's shapes (a thrown error becomes 200 with
// `X-Amz-Function-Error: Unhandled`; an unknown function 404 ResourceNotFoundException).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

export type FakeHandler = (event: unknown, invocation: number) => unknown | Promise<unknown>;

export interface FakeLambda {
  readonly url: string;
  readonly functionName: string;
  readonly events: unknown[];
  /** Replaces the handler (the default returns nothing: a full success). */
  handle(handler: FakeHandler): void;
  close(): Promise<void>;
}

export async function startFakeLambda(functionName: string): Promise<FakeLambda> {
  const events: unknown[] = [];
  let handler: FakeHandler = () => undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match || decodeURIComponent(match[1]!) !== functionName) {
        res.writeHead(404, { 'x-amzn-ErrorType': 'ResourceNotFoundException' });
        res.end(JSON.stringify({ Message: `Function not found: ${match?.[1]}`, Type: 'User' }));
        return;
      }
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      events.push(event);
      try {
        const result = await handler(event, events.length);
        res.writeHead(200).end(result === undefined ? '' : JSON.stringify(result));
      } catch (error) {
        res.writeHead(200, { 'X-Amz-Function-Error': 'Unhandled' });
        res.end(JSON.stringify({ errorMessage: (error as Error).message, errorType: 'Error', trace: [] }));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    functionName,
    events,
    handle: (next) => {
      handler = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
