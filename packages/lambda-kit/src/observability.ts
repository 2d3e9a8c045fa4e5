import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { isTracingRequested, LazyTracer } from './lazy-tracer';

type MetricsLogger = NonNullable<NonNullable<ConstructorParameters<typeof Metrics>[0]>['logger']>;

// Powertools warns on every flush without application metrics. Most HTTP requests record none, so
// that notice is only worth a debug line; other metric warnings (invalid dimension, no namespace)
// stay warnings, and all of them become JSON log lines instead of bare console text.
const EMPTY_FLUSH_NOTICE = 'No application metrics to publish';

const metricsLoggerOver = (log: Logger): MetricsLogger => ({
  debug: (message: unknown) => log.debug(String(message)),
  info: (message: unknown) => log.info(String(message)),
  warn: (message: unknown) => {
    const text = String(message);
    if (text.startsWith(EMPTY_FLUSH_NOTICE)) {
      log.debug(text);
    } else {
      log.warn(text);
    }
  },
  error: (message: unknown) => log.error(String(message)),
});

/**
 * The shared JSON logger. Service name and level come from `POWERTOOLS_SERVICE_NAME` and
 * `POWERTOOLS_LOG_LEVEL`; HTTP handlers get `requestId` and `correlationId` on every line.
 */
export const logger = new Logger();

/**
 * Builds a Metrics instance configured from the environment: `POWERTOOLS_SERVICE_NAME`,
 * `POWERTOOLS_METRICS_NAMESPACE` (a missing namespace is a warning, never an error) and
 * `POWERTOOLS_METRICS_DISABLED=true` (nothing is written, for tests and local runs).
 */
export const createMetrics = (): Metrics => new Metrics({ logger: metricsLoggerOver(logger) });

/** The shared CloudWatch EMF metrics, flushed after every HTTP invocation. */
export const metrics = createMetrics();

/**
 * The shared X-Ray tracer. The Powertools Tracer is only loaded where Powertools would trace: on
 * Lambda with `POWERTOOLS_TRACE_ENABLED` not `false`. See {@link LazyTracer} for why and what it offers.
 *
 * The tracer package is external to the bundles and comes from the Powertools Lambda layer (see
 * `packages/serverless-config/esbuild.yml`). Its middleware entry is imported here too, during the
 * init phase, so the tracing middleware finds it cached, and a layer without it counts as a failed
 * load (logged, requests served untraced) instead of failing requests.
 */
export const tracer = new LazyTracer({
  enabled: isTracingRequested(process.env),
  load: async () => {
    const [{ Tracer }] = await Promise.all([
      import('@aws-lambda-powertools/tracer'),
      import('@aws-lambda-powertools/tracer/middleware'),
    ]);
    return new Tracer();
  },
  onLoadError: (error) => logger.error('X-Ray tracer failed to load; continuing without traces', { error }),
});
