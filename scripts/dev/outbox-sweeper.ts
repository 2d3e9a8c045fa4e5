// Locally nothing runs the orders service's scheduled sweeper (`relayOutbox`, rate(1 minute) on
// AWS; serverless-offline runs that schedule too, but once a minute is far from the contract's
// "within a second"), so start runs the same relay in-process, four times a second, against the
// stack's database and kinesalite. It publishes what the kicks after commits (orders, catalog)
// left behind. An idle tick is four cheap queries.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createKinesisClient,
  createKinesisPublisher,
  createOutboxRelay,
  createRelayDb,
  type RelayLogger,
} from '@shop/outbox';
import type { Supervisor } from '../lib/supervisor';

export interface LocalSweeperOptions {
  databaseUrl: string;
  kinesisEndpoint: string;
  streamName: string;
  supervisor: Supervisor;
  intervalMs?: number;
}

const describe = (value: unknown): string =>
  value instanceof Error ? value.message : typeof value === 'object' ? JSON.stringify(value) : String(value);

export function startLocalOutboxSweeper(options: LocalSweeperOptions): void {
  const { supervisor } = options;
  const say = (message: string, attributes?: Record<string, unknown>) =>
    supervisor.log(
      'outbox',
      attributes
        ? `${message} ${Object.entries(attributes)
            .map(([key, value]) => `${key}=${describe(value)}`)
            .join(' ')}`
        : message,
    );
  const logger: RelayLogger = { debug: () => undefined, warn: say, error: say };
  // A Ctrl-C reaches PostgreSQL too; the connection it then drops must not crash start.
  const db = createRelayDb({ url: options.databaseUrl }, (error) =>
    say(`database connection lost: ${error.message}`),
  );
  const client = createKinesisClient({
    region: 'us-east-1',
    endpoint: options.kinesisEndpoint,
    // kinesalite checks no signatures; these only keep the SDK from looking for real credentials.
    credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' },
  });
  const relay = createOutboxRelay({
    db,
    publisher: createKinesisPublisher(client, options.streamName),
    logger,
    maxDrainMs: 5_000,
  });
  const interval = options.intervalMs ?? 250;
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      const { published } = await relay.drain({ signal: stop.signal });
      if (published > 0) say(`sweeper published ${published} event(s) to ${options.streamName}`);
      await sleep(interval, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  })();
  supervisor.defer('outbox', async () => {
    stop.abort();
    await loop;
    await db.destroy();
    client.destroy();
  });
  say(`local sweeper relays the outbox to ${options.streamName} every ${interval} ms`);
}
