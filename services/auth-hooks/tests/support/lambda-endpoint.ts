// A minimal Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`) over in-process
// handlers: what serverless-offline's Lambda port is to cognito-local in the local stack, so the
// triggers run in the test process against the test database.
import { createServer, type Server } from 'node:http';
import { lambdaContext } from '@shop/lambda-kit/testing';
import type { Context } from 'aws-lambda';
import { freePort } from './ports';

// biome-ignore lint/suspicious/noExplicitAny: trigger events differ per function
type Trigger = (event: any, context: Context) => Promise<unknown>;

export interface LambdaEndpoint {
  readonly url: string;
  /** Function names invoked, in order. */
  readonly invocations: string[];
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export const startLambdaEndpoint = async (functions: Record<string, Trigger>): Promise<LambdaEndpoint> => {
  const invocations: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const name = decodeURIComponent(INVOKE_PATH.exec(req.url ?? '')?.[1] ?? '');
    const fn = functions[name];
    if (req.method !== 'POST' || fn === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Function not found: ${name}` }));
      return;
    }
    invocations.push(name);
    try {
      const result = await fn(JSON.parse(Buffer.concat(chunks).toString('utf8')), lambdaContext(name));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    } catch (error) {
      // How Lambda reports a function error: status 200, the error in the payload and a header.
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
      res.end(JSON.stringify({ errorType: 'Error', errorMessage: (error as Error).message }));
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    invocations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
