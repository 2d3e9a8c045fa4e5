import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Request } from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { LazyTracer } from '../../src/lazy-tracer';
import { tracingMiddleware } from '../../src/tracing.middleware';
import { lambdaContext } from './support/lambda';

const middyRequest = (): Request => ({
  event: {},
  context: lambdaContext(),
  response: undefined,
  error: undefined,
  internal: {},
});

const enabledTracer = () => {
  const handlerSegment = { name: '## handler', close: vi.fn() };
  const lambdaSegment = { addNewSubsegment: vi.fn(() => handlerSegment) };
  const tracer = {
    isTracingEnabled: () => true,
    getSegment: () => lambdaSegment,
    setSegment: vi.fn(),
    annotateColdStart: vi.fn(),
    addServiceNameAnnotation: vi.fn(),
    addResponseAsMetadata: vi.fn(),
    addErrorAsMetadata: vi.fn(),
  };
  return { tracer, handlerSegment, lambdaSegment };
};

describe('tracingMiddleware', () => {
  it('opens and closes the handler subsegment through Powertools when tracing is on', async () => {
    // Prepare
    const { tracer, handlerSegment } = enabledTracer();
    const lazy = new LazyTracer({
      enabled: true,
      load: async () => tracer as unknown as Tracer,
      onLoadError: vi.fn(),
    });
    const middleware = tracingMiddleware(lazy);
    const request = middyRequest();

    // Act
    await middleware.before?.(request);
    request.response = { statusCode: 200 };
    await middleware.after?.(request);

    // Assess
    expect(tracer.annotateColdStart).toHaveBeenCalledOnce();
    expect(tracer.addServiceNameAnnotation).toHaveBeenCalledOnce();
    expect(tracer.addResponseAsMetadata).toHaveBeenCalledWith({ statusCode: 200 }, process.env._HANDLER);
    expect(handlerSegment.close).toHaveBeenCalledOnce();
  });

  it('records the error on the trace when the handler fails', async () => {
    const { tracer, handlerSegment } = enabledTracer();
    const lazy = new LazyTracer({
      enabled: true,
      load: async () => tracer as unknown as Tracer,
      onLoadError: vi.fn(),
    });
    const middleware = tracingMiddleware(lazy);
    const request = middyRequest();
    const failure = new Error('boom');

    await middleware.before?.(request);
    request.error = failure;
    await middleware.onError?.(request);

    expect(tracer.addErrorAsMetadata).toHaveBeenCalledWith(failure);
    expect(handlerSegment.close).toHaveBeenCalledOnce();
  });

  it('imports the Powertools capture middleware once, not per request', async () => {
    // Prepare
    const { tracer } = enabledTracer();
    const lazy = new LazyTracer({
      enabled: true,
      load: async () => tracer as unknown as Tracer,
      onLoadError: vi.fn(),
    });
    const capture = { before: vi.fn(), after: vi.fn(), onError: vi.fn() };
    const loadCapture = vi.fn(async () => vi.fn(() => capture));
    const middleware = tracingMiddleware(lazy, loadCapture);

    // Act
    for (const request of [middyRequest(), middyRequest()]) {
      await middleware.before?.(request);
      await middleware.after?.(request);
    }

    // Assess
    expect(loadCapture).toHaveBeenCalledOnce();
    expect(capture.before).toHaveBeenCalledTimes(2);
    expect(capture.after).toHaveBeenCalledTimes(2);
  });

  it('does nothing when tracing is off', async () => {
    // Prepare
    const load = vi.fn();
    const loadCapture = vi.fn();
    const middleware = tracingMiddleware(
      new LazyTracer({ enabled: false, load, onLoadError: vi.fn() }),
      loadCapture,
    );
    const request = middyRequest();

    // Act
    await middleware.before?.(request);
    await middleware.after?.(request);
    await middleware.onError?.(request);

    // Assess
    expect(load).not.toHaveBeenCalled();
    expect(loadCapture).not.toHaveBeenCalled();
    expect(request.internal).toEqual({});
  });
});
