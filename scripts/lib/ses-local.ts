// SES stand-in: aws-ses-v2-local, in-process (toolchain.md). It accepts SESv2 SendEmail (and v1),
// keeps sent mail in memory, serves a mail viewer at `/` and the JSON store at `/store`
// (`?since=<epoch seconds>`); `POST /clear-store` empties it.
import type { Server } from 'node:http';
import sesLocal from 'aws-ses-v2-local';
import { LOCAL_HOST } from './ports';
import type { Supervisor } from './supervisor';

export interface SesServer {
  /** SDK endpoint, mail viewer (`/`) and store (`/store`) share it. */
  endpoint: string;
  mailUrl: string;
  mailStoreUrl: string;
}

/** One email as the store lists it. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Epoch seconds. */
  at: number;
}

// A CommonJS module with `exports.default`: under Node's ESM interop the function is one level down.
const startSesServer = ((sesLocal as unknown as { default?: typeof sesLocal }).default ??
  sesLocal) as typeof sesLocal;

export async function startSesLocal(options: { port: number; supervisor: Supervisor }): Promise<SesServer> {
  const server: Server = await startSesServer({ host: LOCAL_HOST, port: options.port });
  options.supervisor.defer(
    'ses',
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections (SDK clients, mail viewer tabs) would hold close() open.
        server.closeAllConnections();
      }),
  );
  const endpoint = `http://${LOCAL_HOST}:${options.port}`;
  options.supervisor.log('ses', `aws-ses-v2-local ready on ${endpoint} (mail viewer at /)`);
  return sesUrls(endpoint);
}

export const sesUrls = (endpoint: string): SesServer => ({
  endpoint,
  mailUrl: `${endpoint}/`,
  mailStoreUrl: `${endpoint}/store`,
});

/** Every email in the store (optionally only those sent at or after `sinceEpochSeconds`). */
export async function readSentEmails(endpoint: string, sinceEpochSeconds?: number): Promise<StoredEmail[]> {
  const query = sinceEpochSeconds === undefined ? '' : `?since=${Math.floor(sinceEpochSeconds)}`;
  const response = await fetch(`${endpoint}/store${query}`);
  if (!response.ok) throw new Error(`SES store answered ${response.status}`);
  const body = (await response.json()) as { emails: StoredEmail[] };
  return body.emails;
}
