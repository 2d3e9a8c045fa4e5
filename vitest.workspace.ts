// The test projects. `vitest.config.ts` reads this list as `test.projects`.
// Unit projects need no network; integration projects run against real PostgreSQL, Redis and the
// local AWS stand-ins, which `scripts/test/global-setup.ts` starts when they are not running.
import type { TestProjectInlineConfiguration } from 'vitest/config';

// Lambda-like environment for every test: local stand-ins take any credentials (s3rver checks
// none), and tracing and metrics stay off outside AWS.
const env = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  POWERTOOLS_SERVICE_NAME: 'shop-test',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
  // Idempotent routes read it at first use; requests without Idempotency-Key never reach DynamoDB.
  IDEMPOTENCY_TABLE: 'shop-idempotency-test',
};

// The projects whose responses tests/contract checks against the OpenAPI document (under npm test,
// which sets SHOP_RESPONSE_LOG_DIR): the services' HTTP routes in process, and the e2e suite.
const RECORDS_RESPONSES = ['catalog:integration', 'orders:integration', 'auth-hooks:integration'];

const integration = (name: string, root: string): TestProjectInlineConfiguration => ({
  test: {
    name,
    root,
    // Unexpected errors still show; the expected warnings of outage tests do not.
    env: {
      ...env,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...(RECORDS_RESPONSES.includes(name) ? { SHOP_RECORD_RESPONSES: name } : {}),
    },
    include: ['tests/integration/**/*.test.ts'],
    globalSetup: ['../../scripts/test/global-setup.ts'],
    // Integration files share one database and truncate it between tests: run them one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

// Every unit project is named `<name>:unit`, so `pnpm test:unit` (`--project '*:unit'`) runs them all.
const unit = (name: string, root: string): TestProjectInlineConfiguration => ({
  test: {
    name: name.endsWith(':unit') ? name : `${name}:unit`,
    root,
    env,
    include: ['tests/unit/**/*.test.ts'],
  },
});

export const projects: TestProjectInlineConfiguration[] = [
  unit('domain', 'packages/domain'),
  unit('contracts', 'packages/contracts'),
  unit('api-client', 'packages/api-client'),
  unit('lambda-kit', 'packages/lambda-kit'),
  integration('lambda-kit:integration', 'packages/lambda-kit'),
  unit('db', 'packages/db'),
  unit('outbox', 'packages/outbox'),
  unit('catalog-cache', 'packages/catalog-cache'),
  integration('db:integration', 'packages/db'),
  unit('catalog:unit', 'services/catalog'),
  integration('catalog:integration', 'services/catalog'),
  unit('auth-hooks:unit', 'services/auth-hooks'),
  integration('auth-hooks:integration', 'services/auth-hooks'),
  unit('orders:unit', 'services/orders'),
  integration('orders:integration', 'services/orders'),
  unit('inventory-stream:unit', 'services/inventory-stream'),
  integration('inventory-stream:integration', 'services/inventory-stream'),
  unit('notifier:unit', 'services/notifier'),
  integration('notifier:integration', 'services/notifier'),
  unit('scripts', '.'),
  // The API fuzzer (tests/fuzz): every route through its real handler on the integration services;
  // FUZZ_RUNS cases per route (`pnpm fuzz` runs ten times CI's).
  {
    test: {
      ...integration('fuzz', '.').test,
      include: ['tests/fuzz/**/*.test.ts'],
      globalSetup: ['scripts/test/global-setup.ts'],
      testTimeout: 1_200_000,
    },
  },
  // Run as their own steps by scripts/test/run-all.ts: packaging needs `pnpm package` first, and
  // e2e starts the whole shop with `npm start`.
  { test: { name: 'packaging', root: '.', env, include: ['tests/packaging/**/*.test.ts'] } },
  // Last in npm test: every response the integration and e2e projects saw, against the document.
  { test: { name: 'contract', root: '.', include: ['tests/contract/**/*.test.ts'] } },
  {
    test: {
      name: 'e2e',
      root: '.',
      env: { SHOP_RECORD_RESPONSES: 'e2e' },
      include: ['tests/e2e/**/*.test.ts'],
      // Each file starts a whole shop on the preferred ports: one at a time.
      fileParallelism: false,
      testTimeout: 300_000,
      hookTimeout: 120_000,
    },
  },
];

export default projects;
