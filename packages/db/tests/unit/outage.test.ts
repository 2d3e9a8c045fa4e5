import { ServiceUnavailableError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { withOutageAs503 } from '../../src/outage';

const pgError = (code: string) => Object.assign(new Error('pg'), { code });

const failing = (error: unknown) => ({
  async run(value: number): Promise<number> {
    if (value < 0) throw error;
    return value * 2;
  },
});

describe('withOutageAs503', () => {
  it('passes results through', async () => {
    const service = withOutageAs503(failing(new Error('never')), { message: 'down', retryAfterSeconds: 2 });
    await expect(service.run(21)).resolves.toBe(42);
  });

  it('turns a database outage into a 503 with Retry-After and the cause', async () => {
    const outage = pgError('ECONNREFUSED');
    const service = withOutageAs503(failing(outage), {
      message: 'The thing is unavailable',
      retryAfterSeconds: 2,
    });
    const error = await service.run(-1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ message: 'The thing is unavailable', retryAfterSeconds: 2, cause: outage });
  });

  it('lets every other error through untouched', async () => {
    const conflict = pgError('40P01');
    const service = withOutageAs503(failing(conflict), { message: 'down', retryAfterSeconds: 1 });
    await expect(service.run(-1)).rejects.toBe(conflict);
  });

  it('asks the given predicate which errors are retryable', async () => {
    const deadlock = pgError('40P01');
    const service = withOutageAs503(failing(deadlock), {
      message: 'down',
      retryAfterSeconds: 1,
      isRetryable: (error) => (error as { code?: unknown }).code === '40P01',
    });
    await expect(service.run(-1)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
