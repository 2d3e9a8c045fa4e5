import { logger } from '@shop/lambda-kit';
import { afterEach, beforeEach, type MockInstance, vi } from 'vitest';

export interface LogSpies {
  info: MockInstance<typeof logger.info>;
  warn: MockInstance<typeof logger.warn>;
  error: MockInstance<typeof logger.error>;
}

/**
 * Replaces the shared logger's info/warn/error with spies for every test of the calling file: the
 * tests can check what was logged, and expected failures do not flood the output.
 */
export const spyOnLogs = (): LogSpies => {
  const spies = {} as LogSpies;
  beforeEach(() => {
    spies.info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    spies.warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    spies.error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return spies;
};

/** Everything the spies were given, as one string, to check that no personal data was logged. */
export const loggedText = (spies: LogSpies): string =>
  JSON.stringify(
    [...spies.info.mock.calls, ...spies.warn.mock.calls, ...spies.error.mock.calls],
    (_, value) => (value instanceof Error ? { message: value.message } : value),
  );
