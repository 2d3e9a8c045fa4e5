import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, logger, tracer } from '../../src/observability';

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
