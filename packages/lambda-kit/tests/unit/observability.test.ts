import { readFileSync } from 'node:fs';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, logger, tracer } from '../../src/observability';

const repoFile = (path: string) => readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8');

const tracerModule = vi.hoisted(() => ({ imported: false }));

vi.mock('@aws-lambda-powertools/tracer', () => {
  tracerModule.imported = true;
  return { Tracer: class {} };
});

const captureStdout = () => {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
};

describe('observability', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('does not even import the X-Ray tracer when tracing is off', async () => {
    expect(await tracer.load()).toBeUndefined();
    expect(tracer.current).toBeUndefined();
    expect(tracerModule.imported).toBe(false);
  });

  it('publishes metrics without a namespace instead of throwing', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', '');
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const stdout = captureStdout();
    const metrics = createMetrics();
    metrics.addMetric('OrdersPlaced', MetricUnit.Count, 1);

    // Act
    const publish = () => metrics.publishStoredMetrics();

    // Assess
    expect(publish).not.toThrow();
    expect(stdout.join('')).toContain('"OrdersPlaced":1');
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Namespace should be defined/));
  });

  it('writes nothing when POWERTOOLS_METRICS_DISABLED is true', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const stdout = captureStdout();
    const metrics = createMetrics();
    metrics.addMetric('OrdersPlaced', MetricUnit.Count, 1);

    metrics.publishStoredMetrics();

    expect(stdout).toEqual([]);
  });

  it('treats a flush without application metrics as routine, not as a warning', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const debug = vi.spyOn(logger, 'debug').mockImplementation(() => undefined);

    // Act
    createMetrics().publishStoredMetrics();

    // Assess
    expect(warn).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith(expect.stringMatching(/^No application metrics to publish/));
  });
});

describe('the X-Ray tracer on Lambda', () => {
  afterEach(() => {
    vi.doUnmock('@aws-lambda-powertools/tracer/middleware');
    vi.resetModules();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const onLambdaWithTracing = () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
    vi.resetModules();
  };

  it('loads the tracer and its middleware entry as soon as the module is imported', async () => {
    // Prepare
    onLambdaWithTracing();
    const middleware = { imported: false };
    vi.doMock('@aws-lambda-powertools/tracer/middleware', () => {
      middleware.imported = true;
      return { captureLambdaHandler: vi.fn() };
    });

    // Act
    const { tracer: fresh } = await import('../../src/observability');

    // Assess
    expect(await fresh.load()).toBeDefined();
    expect(middleware.imported).toBe(true);
  });

  it('counts a layer without the middleware entry as a failed load: logged once, requests untraced', async () => {
    // Prepare
    onLambdaWithTracing();
    vi.doMock('@aws-lambda-powertools/tracer/middleware', () => {
      throw new Error("Cannot find module '@aws-lambda-powertools/tracer/middleware'");
    });
    // Error lines go to stderr (Powertools writes them with console.error).
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });

    // Act
    const { tracer: fresh } = await import('../../src/observability');
    const loaded = await fresh.load();

    // Assess
    expect(loaded).toBeUndefined();
    expect(fresh.isTracingEnabled()).toBe(false);
    const errors = stderr.filter((line) => line.includes('X-Ray tracer failed to load'));
    expect(errors).toHaveLength(1);
  });

  it('deploys with the Powertools layer of the exact tracer version this kit is built against', () => {
    // Prepare
    const kit = JSON.parse(repoFile('packages/lambda-kit/package.json')) as {
      dependencies: Record<string, string>;
    };
    const provider = repoFile('packages/serverless-config/provider.yml');

    // Act
    const layerVersion = /\/aws\/service\/powertools\/typescript\/generic\/all\/([\w.-]+)/.exec(
      provider,
    )?.[1];

    // Assess
    expect(layerVersion).toBe(kit.dependencies['@aws-lambda-powertools/tracer']);
  });
});
