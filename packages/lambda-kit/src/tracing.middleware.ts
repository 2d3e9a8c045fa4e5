import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { LazyTracer } from './lazy-tracer';

type CaptureMiddleware = ReturnType<typeof captureLambdaHandler>;
type PowertoolsRequest = Parameters<NonNullable<CaptureMiddleware['before']>>[0];

/**
 * Powertools' `captureLambdaHandler` over a {@link LazyTracer}: waits for the tracer before the
 * handler runs, then lets Powertools open and close the handler's X-Ray subsegment. A no-op when
 * tracing is off. (Importing the Powertools middleware is cheap: it does not pull in the X-Ray SDK.)
 */
export const tracingMiddleware = (tracer: LazyTracer): MiddlewareObj => {
  let capture: CaptureMiddleware | undefined;
  return {
    before: async (request) => {
      const loaded = await tracer.load();
      if (loaded !== undefined) {
        capture ??= captureLambdaHandler(loaded);
        await capture.before?.(request as PowertoolsRequest);
      }
    },
    after: async (request) => {
      await capture?.after?.(request as PowertoolsRequest);
    },
    onError: async (request) => {
      await capture?.onError?.(request as PowertoolsRequest);
    },
  };
};
