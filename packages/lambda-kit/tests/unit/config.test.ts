import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigError, readConfig } from '../../src/config';

const schema = z.object({
  TABLE_NAME: z.string().min(1),
  PORT: z.coerce.number().int().positive(),
  STAGE: z.enum(['dev', 'prod']),
  LOG_SAMPLE_RATE: z.coerce.number().optional(),
});

const catchError = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

describe('readConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('returns the typed, validated configuration', () => {
    const config = readConfig(schema, { TABLE_NAME: 'products', PORT: '5432', STAGE: 'dev', OTHER: 'x' });

    expect(config).toEqual({ TABLE_NAME: 'products', PORT: 5432, STAGE: 'dev' });
  });

  it('freezes the configuration, nested values included', () => {
    const nested = z.object({ DB: z.string().transform((url) => ({ url, options: { ssl: true } })) });

    const config = readConfig(nested, { DB: 'postgres://db' });

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.DB.options)).toBe(true);
  });

  it('names every missing and invalid variable in one error', () => {
    // Act
    const error = catchError(() => readConfig(schema, { PORT: 'eighty', STAGE: 'qa' }));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['TABLE_NAME', 'PORT', 'STAGE']);
    expect((error as ConfigError).message).toMatch(/TABLE_NAME is missing/);
    expect((error as ConfigError).message).toMatch(/PORT is invalid/);
    expect((error as ConfigError).message).toMatch(/STAGE is invalid/);
  });

  it('treats an empty variable as missing rather than defaulting a resource to ""', () => {
    const error = catchError(() => readConfig(schema, { TABLE_NAME: '', PORT: '1', STAGE: 'dev' }));

    expect((error as ConfigError).variables).toEqual(['TABLE_NAME']);
    expect((error as ConfigError).message).toMatch(/TABLE_NAME is missing/);
  });

  it('never repeats the values it rejects, which may be secrets', () => {
    const error = catchError(() =>
      readConfig(schema, { TABLE_NAME: 't', PORT: 'hunter2', STAGE: 'sup3rsecret' }),
    );

    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).not.toContain('sup3rsecret');
  });

  it('reads process.env by default', () => {
    // Prepare
    vi.stubEnv('TABLE_NAME', 'from-env');
    vi.stubEnv('PORT', '8080');
    vi.stubEnv('STAGE', 'prod');

    // Act
    const config = readConfig(schema);

    // Assess
    expect(config).toMatchObject({ TABLE_NAME: 'from-env', PORT: 8080, STAGE: 'prod' });
  });
});
