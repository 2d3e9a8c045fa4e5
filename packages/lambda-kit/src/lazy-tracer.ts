import type { Tracer } from '@aws-lambda-powertools/tracer';

type Env = Readonly<Record<string, string | undefined>>;

export interface LazyTracerOptions {
  /** Whether to load the tracer at all; see {@link isTracingRequested}. */
  readonly enabled: boolean;
  readonly load: () => Promise<Tracer>;
  /** Tracing is not worth failing requests for: a tracer that cannot load is reported and skipped. */
  readonly onLoadError: (error: unknown) => void;
}

/**
 * Whether Powertools Tracer would switch itself on in this environment. Mirrors its own rules
 * (`POWERTOOLS_TRACE_ENABLED` not `false`, running on Lambda, not SAM local or Amplify mock) so that
 * the X-Ray SDK is only loaded where it will be used.
 */
export const isTracingRequested = (env: Env): boolean => {
  const executionEnv = env.AWS_EXECUTION_ENV?.trim() ?? '';
  return (
    env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== 'false' &&
    executionEnv !== '' &&
    executionEnv !== 'AWS_Lambda_amplify-mock' &&
    (env.AWS_SAM_LOCAL?.trim() ?? '') === ''
  );
};

/**
 * A stand-in for the Powertools Tracer that evaluates it (and the X-Ray SDK under it) only when
 * tracing is on. Why: in an esbuild bundle of a health handler, evaluating the tracer at import made
 * import plus first invocation take about 50 ms instead of 35 ms (an empty handler: 5 ms), for a
 * tracer that is off in tests, locally and wherever `POWERTOOLS_TRACE_ENABLED=false`. The tracer is
 * not even in the bundles: the functions get it from the Powertools Lambda layer (see
 * `packages/serverless-config/esbuild.yml`), so where tracing is off nothing of it is read at all.
 *
 * When tracing is on, loading starts as soon as this is built, during the function's init phase, and
 * the tracing middleware waits for it before the first request, so traces are complete. Until then,
 * SDK clients passed to {@link LazyTracer.captureAWSv3Client} are instrumented once it has loaded.
 * The X-Ray SDK is CommonJS: an ESM bundle must define `require` (esbuild banner with
 * `createRequire`) or loading fails, which is logged, and the function serves requests untraced.
 */
export class LazyTracer {
  readonly #options: LazyTracerOptions;
  readonly #waitingClients: unknown[] = [];
  #loading: Promise<Tracer | undefined> | undefined;
  #tracer: Tracer | undefined;
  #failed = false;

  constructor(options: LazyTracerOptions) {
    this.#options = options;
    if (options.enabled) {
      void this.load();
    }
  }

  /** The Powertools Tracer once loaded; `undefined` while tracing is off, loading or broken. */
  get current(): Tracer | undefined {
    return this.#tracer;
  }

  /** Resolves to the Powertools Tracer, or to `undefined` when tracing is off or it failed to load. */
  load(): Promise<Tracer | undefined> {
    if (!this.#options.enabled) {
      return Promise.resolve(undefined);
    }
    this.#loading ??= this.#options.load().then(
      (tracer) => {
        this.#tracer = tracer;
        for (const client of this.#waitingClients.splice(0)) {
          tracer.captureAWSv3Client(client);
        }
        return tracer;
      },
      (error: unknown) => {
        this.#failed = true;
        this.#waitingClients.length = 0;
        this.#options.onLoadError(error);
        return undefined;
      },
    );
    return this.#loading;
  }

  isTracingEnabled(): boolean {
    return this.#tracer?.isTracingEnabled() ?? false;
  }

  /** Traces an AWS SDK v3 client's calls. The client is changed in place and returned. */
  captureAWSv3Client<T>(client: T): T {
    if (this.#tracer) {
      return this.#tracer.captureAWSv3Client(client);
    }
    if (this.#options.enabled && !this.#failed) {
      this.#waitingClients.push(client);
    }
    return client;
  }

  putAnnotation(key: string, value: string | number | boolean): void {
    this.#tracer?.putAnnotation(key, value);
  }

  putMetadata(key: string, value: unknown, namespace?: string): void {
    this.#tracer?.putMetadata(key, value, namespace);
  }
}
