// SNS stand-in: the SNS server of serverless-offline-sns (toolchain.md), run in-process without
// the plugin. It answers the SNS Query API (CreateTopic, Subscribe, Publish, ListTopics, ...) that
// SDK v3's SNSClient speaks and delivers each Publish to the topic's `http` subscribers (with
// `RawMessageDelivery`, the bare message). It keeps topics and subscriptions in memory.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import express from 'express';
import { LOCAL_HOST } from './ports';
import type { Supervisor } from './supervisor';

/** The account id in local topic ARNs. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface SnsServer {
  endpoint: string;
}

interface SnsServerModule {
  SNSServer: new (
    debug: (message: string) => void,
    app: express.Express,
    region: string,
    accountId: string,
  ) => unknown;
}

/** The package exports only its plugin; its server class lives beside it in `dist/`. */
async function loadSnsServer(): Promise<SnsServerModule['SNSServer']> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('serverless-offline-sns'));
  const module = (await import(pathToFileURL(join(dist, 'sns-server.js')).href)) as SnsServerModule;
  return module.SNSServer;
}

export async function startSnsLocal(options: { port: number; supervisor: Supervisor }): Promise<SnsServer> {
  const SNSServer = await loadSnsServer();
  const app = express();
  new SNSServer(() => undefined, app, 'us-east-1', LOCAL_ACCOUNT_ID);
  const server: Server = app.listen(options.port, LOCAL_HOST);
  await once(server, 'listening');
  options.supervisor.defer(
    'sns',
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections from SDK clients would hold close() open.
        server.closeAllConnections();
      }),
  );
  const endpoint = `http://${LOCAL_HOST}:${options.port}`;
  options.supervisor.log('sns', `SNS (serverless-offline-sns) ready on ${endpoint}`);
  return { endpoint };
}

/** A client for the stand-in: it checks no signatures, but the SDK wants credentials to sign with. */
export function localSnsClient(endpoint: string): SNSClient {
  return new SNSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' },
  });
}

/** Creates (or finds) topic `name`; answers its ARN. */
export async function ensureTopic(endpoint: string, name: string): Promise<string> {
  const client = localSnsClient(endpoint);
  try {
    const { TopicArn } = await client.send(new CreateTopicCommand({ Name: name }));
    if (!TopicArn) throw new Error(`CreateTopic ${name} answered no ARN`);
    return TopicArn;
  } finally {
    client.destroy();
  }
}

/** Subscribes an http endpoint with raw message delivery: it receives each message body as published. */
export async function subscribeHttp(endpoint: string, topicArn: string, url: string): Promise<void> {
  const client = localSnsClient(endpoint);
  try {
    await client.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'http',
        Endpoint: url,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
  } finally {
    client.destroy();
  }
}
