// Port helpers for the local stack. Everything binds to 127.0.0.1: the dev stack trusts unsigned
// tokens (see toolchain.md), so it must never be reachable from the network.
import { createServer } from 'node:net';
import { waitUntil } from './wait';

export const LOCAL_HOST = '127.0.0.1';

/** True when nothing listens on `port` (we can bind it ourselves). */
export function isPortFree(port: number, host = LOCAL_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS reports as free right now. */
export function randomFreePort(host = LOCAL_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the assigned port'))));
    });
  });
}

/**
 * `preferred` when it is free, otherwise any free port. Fixed ports keep URLs stable across
 * restarts (bookmarks, .dev/endpoints.json); falling back keeps a second checkout usable.
 */
export async function findFreePort(preferred?: number, host = LOCAL_HOST): Promise<number> {
  if (preferred !== undefined && (await isPortFree(preferred, host))) return preferred;
  return randomFreePort(host);
}

/** Resolves once `port` can be bound again (a stopped server released it). */
export async function waitForPortFree(port: number, timeoutMs = 10_000): Promise<void> {
  await waitUntil(() => isPortFree(port), { timeoutMs, what: `port ${port} to be released` });
}
