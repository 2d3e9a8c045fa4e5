// An http subscriber for the SNS stand-in: collects every notification delivered to it. Subscribed
// WITHOUT raw delivery, so each body is the SNS envelope and the message attributes can be checked.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { localSnsClient } from '../../../../scripts/lib/sns-local';

export interface SnsNotification {
  readonly TopicArn: string;
  readonly Message: string;
  readonly MessageAttributes: Record<string, { Type: string; Value: string }>;
}

export interface SnsSink {
  readonly url: string;
  /** Notifications delivered so far for `topicArn`, in arrival order. */
  received(topicArn: string): SnsNotification[];
  /** Subscribes the sink to `topicArn` on the stand-in at `snsEndpoint`. */
  subscribe(snsEndpoint: string, topicArn: string): Promise<void>;
  /**
   * Waits until `count` notifications arrived for `topicArn`, then a little longer to catch any
   * extra one (delivery is asynchronous), and answers them all.
   */
  settle(
    topicArn: string,
    count: number,
    options?: { timeoutMs?: number; quietMs?: number },
  ): Promise<SnsNotification[]>;
  close(): Promise<void>;
}

export const startSnsSink = async (): Promise<SnsSink> => {
  const notifications: SnsNotification[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      notifications.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SnsNotification);
      res.writeHead(200).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`;
  const received = (topicArn: string) => notifications.filter((n) => n.TopicArn === topicArn);
  return {
    url,
    received,
    async subscribe(snsEndpoint, topicArn) {
      const client = localSnsClient(snsEndpoint);
      try {
        await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: url }));
      } finally {
        client.destroy();
      }
    },
    async settle(topicArn, count, { timeoutMs = 5_000, quietMs = 250 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (received(topicArn).length < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      return received(topicArn);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
