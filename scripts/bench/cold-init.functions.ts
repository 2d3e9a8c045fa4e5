// What the cold-init benchmark needs to know per function, keyed `<service>.<function>`: the request
// that makes the handler build its clients and answer (so the measured process does the work of a
// real first invocation), and the targets of issue 2. A function without a request here is still
// measured, from process start to a loaded handler only. Later services add their entries here.
import type { ApiRequest } from '@shop/lambda-kit/testing';
import type { BenchStack } from './bench.stack';

export interface ColdInitTarget {
  /** Median start-to-first-response of the function over that of an empty handler. */
  readonly maxRatio: number;
  /** Size of the handler's .js file inside the zip, in KiB. */
  readonly maxBundleKiB: number;
}

/** Builds the request of one measured run; may prepare data (called before the process starts). */
export type ColdInitRequest = (stack: BenchStack, run: number) => Promise<ApiRequest>;

const ADMIN_CLAIMS = {
  sub: '00000000-0000-4000-8000-00000000be01',
  email: 'bench-admin@example.com',
  'cognito:groups': ['admin'],
  token_use: 'id',
};

/** One product per function that changes it, made on first use. */
const productsByStack = new WeakMap<BenchStack, Map<string, Promise<string>>>();
const productFor = (stack: BenchStack, purpose: string): Promise<string> => {
  const products = productsByStack.get(stack) ?? new Map<string, Promise<string>>();
  productsByStack.set(stack, products);
  const id = products.get(purpose) ?? stack.insertProduct();
  products.set(purpose, id);
  return id;
};

const onProduct = (method: string, id: string, suffix = '', extra: Partial<ApiRequest> = {}): ApiRequest => ({
  method,
  path: `/products/${id}${suffix}`,
  pathParameters: { id },
  ...extra,
});

export const coldInitRequests: Readonly<Record<string, ColdInitRequest>> = {
  'catalog.health': async () => ({ method: 'GET', path: '/health' }),
  'catalog.listProducts': async () => ({ method: 'GET', path: '/products' }),
  'catalog.getProduct': async (stack) => onProduct('GET', stack.productId),
  'catalog.createProduct': async (_stack, run) => ({
    method: 'POST',
    path: '/products',
    claims: ADMIN_CLAIMS,
    body: {
      sku: `BENCH-COLD-${Date.now().toString(36)}-${run}`,
      name: 'Cold start benchmark product',
      category: 'bench',
      price: { amount: 1000, currency: 'USD' },
      stock: 5,
    },
  }),
  'catalog.updateProduct': async (stack, run) =>
    onProduct('PATCH', await productFor(stack, 'update'), '', {
      claims: ADMIN_CLAIMS,
      body: { name: `Cold start benchmark product, update ${run}` },
    }),
  // Archiving twice changes nothing the second time: give every run a product of its own.
  'catalog.archiveProduct': async (stack) =>
    onProduct('DELETE', await stack.insertProduct(), '', { claims: ADMIN_CLAIMS }),
  'catalog.adjustStock': async (stack) =>
    onProduct('POST', await productFor(stack, 'adjust'), '/stock-adjustments', {
      claims: ADMIN_CLAIMS,
      body: { delta: 1, reason: 'restock' },
    }),
  'catalog.createImageUpload': async (stack) =>
    onProduct('POST', await productFor(stack, 'image'), '/image-uploads', {
      claims: ADMIN_CLAIMS,
      body: { contentType: 'image/png', contentLength: 1024 },
    }),
};

/** Issue 2: the catalog's read functions start within 1.5x of an empty handler from <= 500 KB. */
export const coldInitTargets: Readonly<Record<string, ColdInitTarget>> = {
  'catalog.listProducts': { maxRatio: 1.5, maxBundleKiB: 500 },
  'catalog.getProduct': { maxRatio: 1.5, maxBundleKiB: 500 },
};

/**
 * The function's deployed environment with the AWS-only resource settings replaced by the local
 * stack's: URLs instead of IAM-authenticated Aurora hosts, s3rver with its fixed credentials, and
 * tracing and metrics off (no X-Ray daemon or CloudWatch here).
 */
export const localFunctionEnvironment = (
  deployed: Readonly<Record<string, string>>,
  stack: BenchStack,
): Record<string, string> => {
  const env: Record<string, string> = { ...deployed };
  for (const awsOnly of [
    'DATABASE_HOST',
    'DATABASE_READER_HOST',
    'DATABASE_PORT',
    'DATABASE_NAME',
    'DATABASE_USER',
    // Names the RDS CA bundle of the Lambda image, which does not exist here.
    'NODE_EXTRA_CA_CERTS',
  ]) {
    delete env[awsOnly];
  }
  return {
    ...env,
    DATABASE_URL: stack.databaseUrl,
    DATABASE_READER_URL: stack.databaseUrl,
    REDIS_URL: stack.redisUrl,
    ASSETS_BUCKET: stack.assetsBucket,
    ASSETS_PUBLIC_URL: stack.assetsPublicUrl,
    S3_ENDPOINT: stack.s3Endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
};
