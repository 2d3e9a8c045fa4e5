import type { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { LazyTracer } from './lazy-tracer';

type CaptureLambdaHandler = typeof captureLambdaHandler;
type CaptureMiddleware = ReturnType<CaptureLambdaHandler>;
type PowertoolsRequest = Parameters<NonNullable<CaptureMiddleware['before']>>[0];

/**
 * Imported on first traced request, never at module load: the tracer package is not in the bundle
 * (it comes from the Powertools Lambda layer, see `packages/serverless-config/esbuild.yml`), so a
 * static import would be a top-level `require` that fails wherever the layer is absent. The tracer
 * loader in `observability.ts` imports this module together with the Tracer, so here it is a cache hit.
 */
const importCaptureLambdaHandler = async (): Promise<CaptureLambdaHandler> =>
  (await import('@aws-lambda-powertools/tracer/middleware')).captureLambdaHandler;

/**
 * Powertools' `captureLambdaHandler` over a {@link LazyTracer}: waits for the tracer before the
 * handler runs, then lets Powertools open and close the handler's X-Ray subsegment. A no-op when
 * tracing is off.
 */
export const tracingMiddleware = (
  tracer: LazyTracer,
  loadCapture: () => Promise<CaptureLambdaHandler> = importCaptureLambdaHandler,
): MiddlewareObj => {
  let capture: CaptureMiddleware | undefined;
  return {
    before: async (request) => {
      const loaded = await tracer.load();
      if (loaded !== undefined) {
        capture ??= (await loadCapture())(loaded);
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
