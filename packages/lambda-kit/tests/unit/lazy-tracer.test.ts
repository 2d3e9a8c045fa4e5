import type { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it, vi } from 'vitest';
import { isTracingRequested, LazyTracer } from '../../src/lazy-tracer';

const fakeTracer = () => {
  const captured: unknown[] = [];
  const tracer = {
    isTracingEnabled: () => true,
    captureAWSv3Client: vi.fn(<T>(client: T): T => {
      captured.push(client);
      return client;
    }),
    putAnnotation: vi.fn(),
    putMetadata: vi.fn(),
  };
  return { tracer: tracer as unknown as Tracer, captured, spies: tracer };
};

describe('isTracingRequested', () => {
  it.each([
    ['on Lambda', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, true],
    [
      'on Lambda with tracing explicitly on',
      { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'true' },
      true,
    ],
    [
      'on Lambda with tracing off',
      { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'false' },
      false,
    ],
    [
      'on Lambda with tracing OFF in capitals',
      { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'FALSE' },
      false,
    ],
    ['outside Lambda', {}, false],
    ['under SAM local', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_SAM_LOCAL: 'true' }, false],
    ['under the Amplify mock', { AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
  ])('is %s: %o -> %s', (_case, env, expected) => {
    expect(isTracingRequested(env)).toBe(expected);
  });
});

describe('LazyTracer', () => {
  it('never loads the tracer when tracing is off', async () => {
    // Prepare
    const load = vi.fn();
    const client = { middlewareStack: {} };

    // Act
    const lazy = new LazyTracer({ enabled: false, load, onLoadError: vi.fn() });
    const returned = lazy.captureAWSv3Client(client);
    lazy.putAnnotation('orderId', 'o-1');

    // Assess
    expect(await lazy.load()).toBeUndefined();
    expect(load).not.toHaveBeenCalled();
    expect(returned).toBe(client);
    expect(lazy.isTracingEnabled()).toBe(false);
  });

  it('starts loading the tracer as soon as it is built when tracing is on, and only once', async () => {
    // Prepare
    const { tracer } = fakeTracer();
    const load = vi.fn(async () => tracer);

    // Act
    const lazy = new LazyTracer({ enabled: true, load, onLoadError: vi.fn() });

    // Assess
    expect(load).toHaveBeenCalledTimes(1);
    expect(await lazy.load()).toBe(tracer);
    expect(await lazy.load()).toBe(tracer);
    expect(load).toHaveBeenCalledTimes(1);
    expect(lazy.current).toBe(tracer);
  });

  it('instruments SDK clients created before the tracer finished loading', async () => {
    // Prepare
    const { tracer, captured } = fakeTracer();
    const lazy = new LazyTracer({ enabled: true, load: async () => tracer, onLoadError: vi.fn() });
    const early = { name: 'created at init' };

    // Act
    const returned = lazy.captureAWSv3Client(early);
    await lazy.load();
    const late = lazy.captureAWSv3Client({ name: 'created later' });

    // Assess
    expect(returned).toBe(early);
    expect(captured).toEqual([early, late]);
  });

  it('forwards annotations and metadata once loaded', async () => {
    const { tracer, spies } = fakeTracer();
    const lazy = new LazyTracer({ enabled: true, load: async () => tracer, onLoadError: vi.fn() });
    await lazy.load();

    lazy.putAnnotation('orderId', 'o-1');
    lazy.putMetadata('order', { id: 'o-1' }, 'orders');

    expect(spies.putAnnotation).toHaveBeenCalledWith('orderId', 'o-1');
    expect(spies.putMetadata).toHaveBeenCalledWith('order', { id: 'o-1' }, 'orders');
  });

  it('reports a tracer that fails to load and carries on without tracing', async () => {
    // Prepare
    const failure = new Error('Cannot find module aws-xray-sdk-core');
    const onLoadError = vi.fn();

    // Act
    const lazy = new LazyTracer({ enabled: true, load: async () => Promise.reject(failure), onLoadError });

    // Assess
    expect(await lazy.load()).toBeUndefined();
    expect(onLoadError).toHaveBeenCalledExactlyOnceWith(failure);
    expect(lazy.captureAWSv3Client('client')).toBe('client');
  });
});
