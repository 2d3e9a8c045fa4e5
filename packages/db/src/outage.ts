import { ServiceUnavailableError } from '@shop/domain';
import { isDatabaseUnavailable } from './connection';

export interface OutageOptions {
  /** The 503's message, e.g. "The catalog is unavailable". */
  readonly message: string;
  /** The 503's Retry-After. */
  readonly retryAfterSeconds: number;
  /** Which errors are the infrastructure's trouble; {@link isDatabaseUnavailable} by default. */
  readonly isRetryable?: (error: unknown) => boolean;
}

/**
 * Wraps every method of `service`: infrastructure trouble becomes a {@link ServiceUnavailableError}
 * (a 503 with Retry-After, the original error as its cause); everything else passes through.
 */
export const withOutageAs503 = <S extends Record<string, (...args: never[]) => Promise<unknown>>>(
  service: S,
  { message, retryAfterSeconds, isRetryable = isDatabaseUnavailable }: OutageOptions,
): S =>
  Object.fromEntries(
    Object.entries(service).map(([name, method]) => [
      name,
      async (...args: never[]) => {
        try {
          return await method(...args);
        } catch (error) {
          if (isRetryable(error)) throw new ServiceUnavailableError(message, retryAfterSeconds, error);
          throw error;
        }
      },
    ]),
  ) as S;
