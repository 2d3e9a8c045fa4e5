// `npm start`: the whole shop on one machine. PostgreSQL (embedded unless DATABASE_URL), Redis
// when it can be had, s3rver, kinesalite (stream `stock-events`, in memory, with a local outbox
// sweeper standing in for the scheduled one), the SNS stand-in (topic `stock-alerts`) and
// aws-ses-v2-local (mail viewer), cognito-local (user pool, app client, groups, triggers wired to
// auth-hooks), migrations and seed data, every service under serverless-offline, the two event
// source mappings serverless-offline lacks (stock-events -> inventory-stream, stock-alerts ->
// queue -> notifier; see stock-alerts.ts), dev-only users, and the front on
// http://localhost:3000, which verifies bearer tokens as API Gateway would. Data
// lives in .dev/ (SHOP_DATA_DIR) across restarts; `--fresh` wipes it first. Ctrl-C stops
// everything this started.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateToLatest } from '@shop/db';
import { type CognitoTriggers, issuerOf, jwksUrlOf, startCognitoLocal } from '../lib/cognito-local';
import { ensureIdempotencyTable, LOCAL_IDEMPOTENCY_TABLE, startDynalite } from '../lib/dynalite';
import { ensureStream, STOCK_EVENTS_STREAM, startKinesalite } from '../lib/kinesalite';
import { findFreePort, isPortFree, LOCAL_HOST } from '../lib/ports';
import { ensureDatabase, startEmbeddedPostgres } from '../lib/postgres';
import { findRedisServer, pingUrl, startRedisServer } from '../lib/redis';
import { startS3 } from '../lib/s3';
import { startSesLocal } from '../lib/ses-local';
import { ensureTopic, startSnsLocal } from '../lib/sns-local';
import { type ManagedProcess, reapLeftovers, Supervisor } from '../lib/supervisor';
import { answersHttp, StopWaiting, waitUntil } from '../lib/wait';
import { API_DOCS_PATH, apiDocsPages, OPENAPI_PATH } from './api-docs';
import { bearerTokenGuard } from './bearer-token.guard';
import type { Endpoints } from './endpoints';
import { startFront } from './front';
import { concurrencyLimit, invokedFunctionOf } from './function-concurrency';
import { startLocalOutboxSweeper } from './outbox-sweeper';
import { seedCatalog } from './seed';
import { SEEDED_USERS, seedUsers } from './seed-users';
import { LOCAL_SERVICES, type LocalService } from './services';
import {
  DEAD_LETTERS_DIR,
  STOCK_ALERTS_TOPIC,
  STREAM_STATE_DIR,
  startAlertQueue,
  startStockAlertChain,
} from './stock-alerts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVERLESS_BIN = join(ROOT, 'node_modules', '.bin', 'serverless');
const DATABASE_NAME = 'shop';
const ASSETS_BUCKET = 'shop-assets';
// Preferred ports, chosen away from common defaults; any free port is used when one is taken.
// (cognito-local's own default, 9229, is also Node's --inspect port.)
const PREFERRED_PORTS = {
  postgres: 54329,
  redis: 63799,
  s3: 4569,
  cognito: 9329,
  cognitoTriggers: 9330,
  kinesis: 4577,
  dynamodb: 4578,
  sns: 4579,
  alertsQueue: 4580,
  // aws-ses-v2-local's own default, so the mail viewer stays at the URL its docs give.
  ses: 8005,
} as const;
// Mail settings the notifier reads (locally through params.yml's `local` stage and the env).
// Alerts go to the seeded admin; the sender only has to be a valid address for the SES stand-in.
const MAIL_FROM_ADDRESS = 'shop@localhost.test';
const ADMIN_ALERT_RECIPIENTS = SEEDED_USERS.filter((user) => user.extraGroups.includes('admin'))
  .map((user) => user.email)
  .join(',');
// As services/notifier/serverless.yml names it for the stage (shop-<stage>-mail); the stand-in ignores it.
const SES_CONFIGURATION_SET = 'shop-local-mail';
const SERVICE_START_TIMEOUT_MS = 180_000;
/**
 * Instances per function behind the front (a local reserved concurrency; SHOP_CONCURRENCY overrides
 * it): on 2 cores more instances only add cold starts. A request waits for a free one at most
 * CONCURRENCY_WAIT_MS, a little beyond the longest function timeout (60 s), then gets a 503.
 */
const DEFAULT_CONCURRENCY = 4;
const CONCURRENCY_WAIT_MS = 65_000;
/** The value of REDIS_URL that tells services to run with the cache disabled. */
const REDIS_OFF = 'off';

const dataDir = resolve(process.env.SHOP_DATA_DIR || join(ROOT, '.dev'));
/** The running children, so a run after one that was killed outright can reap them first. */
const processFile = join(dataDir, 'processes.json');
const supervisor = new Supervisor({ processFile });
const log = (message: string) => supervisor.log('shop', message);

async function main(): Promise<void> {
  const fresh = process.argv.slice(2).includes('--fresh');
  const frontPort = Number(process.env.SHOP_PORT || 3000);
  if (!Number.isInteger(frontPort) || frontPort < 1 || frontPort > 65_535) {
    throw new Error(`SHOP_PORT must be a port number, got "${process.env.SHOP_PORT}"`);
  }
  const endpointsFile = join(dataDir, 'endpoints.json');
  const reserved = Number(process.env.SHOP_CONCURRENCY || DEFAULT_CONCURRENCY);
  if (!Number.isInteger(reserved) || reserved < 1) {
    throw new Error(`SHOP_CONCURRENCY must be a positive integer, got "${process.env.SHOP_CONCURRENCY}"`);
  }

  // Checked first so a second `npm start` fails at once instead of after starting databases.
  if (!(await isPortFree(frontPort))) {
    throw new Error(`port ${frontPort} is in use (another npm start?). Stop it or set SHOP_PORT.`);
  }
  const reaped = reapLeftovers(processFile);
  if (reaped.length) log(`stopped what a killed earlier run left running: ${reaped.join(', ')}`);
  if (fresh) wipe(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  // A file left by a killed run must not look like readiness to whoever waits for it.
  rmSync(endpointsFile, { force: true });
  supervisor.defer('endpoints', async () => rmSync(endpointsFile, { force: true }));

  const databaseUrl = await startDatabase(dataDir);
  const redisUrl = await startRedis(dataDir);
  const s3 = await startS3({
    port: await findFreePort(PREFERRED_PORTS.s3),
    dir: join(dataDir, 's3'),
    bucket: ASSETS_BUCKET,
    supervisor,
  });

  const kinesis = await startKinesalite({ port: await findFreePort(PREFERRED_PORTS.kinesis), supervisor });
  await ensureStream(kinesis.endpoint, STOCK_EVENTS_STREAM);
  supervisor.log('kinesis', `stream ${STOCK_EVENTS_STREAM} is ACTIVE`);
  // dynalite plays DynamoDB for Idempotency-Key records (in memory: keys do not outlive a restart).
  const dynamodb = await startDynalite({ port: await findFreePort(PREFERRED_PORTS.dynamodb), supervisor });
  await ensureIdempotencyTable(dynamodb.endpoint, LOCAL_IDEMPOTENCY_TABLE);
  // SNS and SES stand-ins, in memory; the notifier's queue is subscribed to the topic before any
  // service starts, so an alert published while the notifier builds waits for it.
  const sns = await startSnsLocal({ port: await findFreePort(PREFERRED_PORTS.sns), supervisor });
  const stockAlertsTopicArn = await ensureTopic(sns.endpoint, STOCK_ALERTS_TOPIC);
  supervisor.log('sns', `topic ${STOCK_ALERTS_TOPIC}: ${stockAlertsTopicArn}`);
  const ses = await startSesLocal({ port: await findFreePort(PREFERRED_PORTS.ses), supervisor });
  const alertsQueue = await startAlertQueue({
    port: await findFreePort(PREFERRED_PORTS.alertsQueue),
    snsEndpoint: sns.endpoint,
    topicArn: stockAlertsTopicArn,
    dataDir,
    supervisor,
  });

  const applied = await migrateToLatest(databaseUrl);
  log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
  const { inserted } = await seedCatalog(databaseUrl);
  log(inserted ? `seeded ${inserted} products` : 'catalog already has products: not seeding');
  // kinesalite keeps nothing across restarts: rows published by an earlier run are not re-sent.
  startLocalOutboxSweeper({
    databaseUrl,
    kinesisEndpoint: kinesis.endpoint,
    streamName: STOCK_EVENTS_STREAM,
    supervisor,
  });

  const cognitoPort = await findFreePort(PREFERRED_PORTS.cognito);
  const triggersPort = await findFreePort(PREFERRED_PORTS.cognitoTriggers);
  const services = await planServices(availableServices(), [cognitoPort, triggersPort]);
  const concurrency = concurrencyLimit({ reserved, maxWaitMs: CONCURRENCY_WAIT_MS });
  // Before the services, which need the pool's ids; the triggers go to auth-hooks' Lambda port,
  // which is known now and answers once auth-hooks is up (nothing signs up before that), through a
  // gate that holds them to the same concurrency as the API's functions (cognito-local calls them
  // as they come: a burst of sign-ups would otherwise start one instance each).
  const triggerService = services.find(({ service }) => service.cognitoTriggers);
  let triggers: CognitoTriggers | undefined;
  const triggerFunctions = triggerService?.service.cognitoTriggers;
  if (triggerService && triggerFunctions) {
    const { service, lambdaPort } = triggerService;
    const gate = await startFront({
      port: triggersPort,
      upstreams: [{ name: service.name, prefixes: ['/'], port: lambdaPort }],
      concurrency,
      functionOf: (req, upstream) => invokedFunctionOf(req, upstream.name),
    });
    supervisor.defer('cognito triggers gate', gate.close);
    triggers = {
      lambdaEndpoint: `http://${LOCAL_HOST}:${triggersPort}`,
      functions: triggerFunctions,
    } satisfies CognitoTriggers;
  }
  const { process: cognitoProcess, ...cognito } = await startCognitoLocal({
    port: cognitoPort,
    dir: join(dataDir, 'cognito'),
    supervisor,
    triggers,
  });

  const serviceEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    // Aurora has a reader endpoint; locally the same server plays both parts.
    DATABASE_READER_URL: databaseUrl,
    REDIS_URL: redisUrl,
    S3_ENDPOINT: s3.endpoint,
    ASSETS_BUCKET: s3.bucket,
    ASSETS_PUBLIC_URL: `${s3.endpoint}/${s3.bucket}`,
    AWS_REGION: 'us-east-1',
    // s3rver checks no signatures; these only keep the SDK from looking for real credentials.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // cognito-local plays the user pool (auth-hooks adds users to groups, reads them for /me).
    COGNITO_ENDPOINT: cognito.endpoint,
    COGNITO_USER_POOL_ID: cognito.userPoolId,
    COGNITO_CLIENT_ID: cognito.clientId,
    // kinesalite plays Kinesis; orders and catalog kick the outbox relay after each commit.
    KINESIS_ENDPOINT: kinesis.endpoint,
    STOCK_EVENTS_STREAM,
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    IDEMPOTENCY_TABLE: LOCAL_IDEMPOTENCY_TABLE,
    // inventory-stream publishes alerts to the SNS stand-in; the notifier sends mail through the
    // SES stand-in. params.yml's `local` stage reads the last four (STOCK_ALERTS_TOPIC_ARN, ...).
    SNS_ENDPOINT: sns.endpoint,
    SES_ENDPOINT: ses.endpoint,
    SES_CONFIGURATION_SET,
    STOCK_ALERTS_TOPIC_ARN: stockAlertsTopicArn,
    MAIL_FROM_ADDRESS,
    ADMIN_ALERT_RECIPIENTS,
    STOREFRONT_URL: `http://localhost:${frontPort}`,
  };
  const running = services.map((planned) => startService(planned, serviceEnv));

  const front = await startFront({
    port: frontPort,
    pages: apiDocsPages(`http://localhost:${frontPort}`),
    concurrency,
    upstreams: running.flatMap(({ service, httpPort }) =>
      service.routes ? [{ name: service.name, prefixes: service.routes, port: httpPort }] : [],
    ),
    // serverless-offline trusts any JWT; this checks it the way API Gateway's authorizer does.
    guards: [
      bearerTokenGuard({
        jwksUrl: jwksUrlOf(cognito),
        issuer: issuerOf(cognito),
        audience: cognito.clientId,
      }),
    ],
  });
  supervisor.defer('front', front.close);

  await Promise.all(running.map((service) => waitForService(service)));

  if (triggers) {
    const { created } = await seedUsers({
      cognito,
      postConfirmation: {
        lambdaEndpoint: triggers.lambdaEndpoint,
        functionName: triggers.functions.PostConfirmation,
      },
      log: (message) => supervisor.log('cognito', message),
    });
    log(created.length ? `seeded users: ${created.join(', ')}` : 'dev users already exist: not seeding');
  } else {
    log('no service provides the Cognito triggers (auth-hooks): dev users are NOT seeded');
  }

  // Only now: the functions answer on their Lambda ports.
  await startStockAlertChain({
    queue: alertsQueue,
    kinesis: { endpoint: kinesis.endpoint, streamName: STOCK_EVENTS_STREAM },
    sesEndpoint: ses.endpoint,
    mailUrl: ses.mailUrl,
    dataDir,
    supervisor,
    consumers: running.map(({ service, lambdaPort }) => ({
      lambdaUrl: `http://${LOCAL_HOST}:${lambdaPort}`,
      eventSources: service.eventSources,
    })),
  });

  const stack: Endpoints = {
    apiUrl: front.url,
    openapiUrl: `${front.url}${OPENAPI_PATH}`,
    apiDocsUrl: `${front.url}${API_DOCS_PATH}`,
    databaseUrl,
    redisUrl,
    s3: { endpoint: s3.endpoint, assetsBucket: s3.bucket },
    kinesis: { endpoint: kinesis.endpoint, streamName: STOCK_EVENTS_STREAM },
    dynamodb: { endpoint: dynamodb.endpoint, idempotencyTable: LOCAL_IDEMPOTENCY_TABLE },
    cognito,
    mailUrl: ses.mailUrl,
    mailStoreUrl: ses.mailStoreUrl,
    ses: { endpoint: ses.endpoint },
    sns: { endpoint: sns.endpoint, stockAlertsTopicArn },
    services: Object.fromEntries(
      running.map(({ service, httpPort, lambdaPort }) => [
        service.name,
        {
          ...(service.routes ? { url: `http://${LOCAL_HOST}:${httpPort}` } : {}),
          lambdaUrl: `http://${LOCAL_HOST}:${lambdaPort}`,
        },
      ]),
    ),
  };
  writeFileSync(endpointsFile, `${JSON.stringify(stack, null, 2)}\n`);
  printBanner(stack, endpointsFile, Boolean(triggers));

  // A service (or cognito-local) that dies takes the stack down: a half-working shop is harder to debug than none.
  const watched = [cognitoProcess, ...running.map(({ process: child }) => child)];
  const crashed = await Promise.race(watched.map((child) => child.exited.then(() => child)));
  if (!exiting) throw new Error(`${crashed.name} stopped unexpectedly:\n${crashed.recentOutput()}`);
}

/** What start keeps in its data folder; --fresh refuses to wipe a folder holding anything else. */
const DATA_ENTRIES = new Set([
  'postgres',
  'redis',
  's3',
  'cognito',
  'endpoints.json',
  'processes.json',
  STREAM_STATE_DIR,
  DEAD_LETTERS_DIR,
]);

function wipe(dataDir: string): void {
  const foreign = existsSync(dataDir) ? readdirSync(dataDir).filter((entry) => !DATA_ENTRIES.has(entry)) : [];
  if (foreign.length > 0) {
    throw new Error(
      `--fresh refuses to wipe ${dataDir}: it holds files start did not write (${foreign.join(', ')})`,
    );
  }
  log(`--fresh: wiping ${dataDir}`);
  rmSync(dataDir, { recursive: true, force: true });
}

async function startDatabase(dataDir: string): Promise<string> {
  if (process.env.DATABASE_URL) {
    log('using DATABASE_URL');
    return process.env.DATABASE_URL;
  }
  const server = await startEmbeddedPostgres({
    dataDir: join(dataDir, 'postgres'),
    port: await findFreePort(PREFERRED_PORTS.postgres),
    supervisor,
    durable: true,
  });
  await ensureDatabase(server.url('postgres'), DATABASE_NAME);
  return server.url(DATABASE_NAME);
}

async function startRedis(dataDir: string): Promise<string> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    if (fromEnv === REDIS_OFF) log('REDIS_URL=off: the cache is OFF');
    else if (!(await pingUrl(fromEnv))) log(`warning: REDIS_URL=${fromEnv} does not answer yet`);
    return fromEnv;
  }
  const bin = findRedisServer({ allowInstall: true, log: (message) => supervisor.log('redis', message) });
  if (!bin) {
    log('no Redis (no REDIS_URL, no redis-server, cannot install one): the cache is OFF');
    return REDIS_OFF;
  }
  const port = await findFreePort(PREFERRED_PORTS.redis);
  return (await startRedisServer({ bin, port, dir: join(dataDir, 'redis'), supervisor })).url;
}

/** The services whose serverless.yml exists; one still being written is skipped, with a warning. */
function availableServices(): LocalService[] {
  return LOCAL_SERVICES.filter((service) => {
    const present = existsSync(join(ROOT, service.folder, 'serverless.yml'));
    if (!present)
      log(`warning: ${service.folder}/serverless.yml does not exist: not starting ${service.name}`);
    return present;
  });
}

interface PlannedService {
  service: LocalService;
  httpPort: number;
  lambdaPort: number;
}

interface RunningService extends PlannedService {
  process: ManagedProcess;
}

/** Ports for every service, chosen one after another so that no two (nor `reserved`) coincide. */
async function planServices(services: LocalService[], reserved: number[]): Promise<PlannedService[]> {
  const taken = new Set<number>(reserved);
  const pick = async (preferred: number) => {
    let port = await findFreePort(preferred);
    while (taken.has(port)) port = await findFreePort();
    taken.add(port);
    return port;
  };
  const planned: PlannedService[] = [];
  for (const service of services) {
    planned.push({
      service,
      httpPort: await pick(service.httpPort),
      lambdaPort: await pick(service.lambdaPort),
    });
  }
  return planned;
}

function startService(planned: PlannedService, env: NodeJS.ProcessEnv): RunningService {
  const { service, httpPort, lambdaPort } = planned;
  // --localEnvironment: offline otherwise hands functions only the AWS_* variables of its own
  // environment, and the stack's URLs (DATABASE_URL, S3_ENDPOINT, ...) would never reach them.
  const args = ['offline', 'start', '--stage', 'local', '--host', LOCAL_HOST, '--localEnvironment'];
  args.push('--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort));
  const child = supervisor.spawn(service.name, SERVERLESS_BIN, args, {
    cwd: resolve(ROOT, service.folder),
    env,
  });
  return { ...planned, process: child };
}

async function waitForService({
  service,
  httpPort,
  lambdaPort,
  process: child,
}: RunningService): Promise<void> {
  // A service without routes has no HTTP server; its Lambda port answers (404 on `/`) once built.
  const url = service.healthPath
    ? `http://${LOCAL_HOST}:${httpPort}${service.healthPath}`
    : `http://${LOCAL_HOST}:${lambdaPort}/`;
  await waitUntil(
    async () => {
      if (!child.running()) throw new StopWaiting(`${service.name} exited during start-up`);
      return answersHttp(url);
    },
    { timeoutMs: SERVICE_START_TIMEOUT_MS, intervalMs: 500, what: `${service.name} to answer on ${url}` },
  );
}

function printBanner(stack: Endpoints, endpointsFile: string, usersSeeded: boolean): void {
  const { cognito } = stack;
  const lines = [
    '',
    `The shop is running: ${stack.apiUrl}`,
    `  try:      curl ${stack.apiUrl}/products`,
    `  API docs: ${stack.apiDocsUrl} (OpenAPI 3.1: ${stack.openapiUrl})`,
    `  database: ${stack.databaseUrl}`,
    `  redis:    ${stack.redisUrl === REDIS_OFF ? 'OFF (cache disabled)' : stack.redisUrl}`,
    `  s3:       ${stack.s3.endpoint} (bucket ${stack.s3.assetsBucket})`,
    `  kinesis:  ${stack.kinesis.endpoint} (stream ${stack.kinesis.streamName}; outbox swept every 250 ms)`,
    `  dynamodb: ${stack.dynamodb.endpoint} (table ${stack.dynamodb.idempotencyTable})`,
    `  cognito:  ${cognito.endpoint} (pool ${cognito.userPoolId}, client ${cognito.clientId}, region ${cognito.region})`,
    `  sns:      ${stack.sns.endpoint} (topic ${stack.sns.stockAlertsTopicArn})`,
    `  mail:     ${stack.mailUrl} (sent mail as JSON: ${stack.mailStoreUrl})`,
    `  dead letters of the local stream/queue: ${join(dirname(endpointsFile), DEAD_LETTERS_DIR)}`,
    ...Object.entries(stack.services).map(
      ([name, urls]) => `  ${name}: ${urls.url ?? `(no routes) Lambda port ${urls.lambdaUrl}`}`,
    ),
    ...(usersSeeded
      ? [
          `  users (local only): ${SEEDED_USERS.map((user) => `${user.email} / ${user.password}`).join(', ')}`,
          `  token:    TOKEN=$(pnpm -s token customer@example.com) && curl -H "authorization: Bearer $TOKEN" ${stack.apiUrl}/me`,
        ]
      : []),
    `  endpoints: ${endpointsFile}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  for (const line of lines) log(line);
}

let exiting: Promise<never> | undefined;

/** The first caller decides the exit code; a failure caused by the shutdown itself changes nothing. */
function shutdown(exitCode: number): Promise<never> {
  exiting ??= (async () => {
    log('stopping...');
    await supervisor.stopAll();
    log('stopped');
    process.exit(exitCode);
  })();
  return exiting;
}

supervisor.onShutdownSignal(() => void shutdown(0));
main().catch(async (error: unknown) => {
  if (exiting) return;
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
