import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { safeParse } from 'zod/mini';
import { databaseConnectionFromEnv, databaseEnv, databaseWithReaderEnv } from '../../src/connection.config';

const writerOnly = z.object(databaseEnv.shape).check(databaseEnv.check);
const withReader = z.object(databaseWithReaderEnv.shape).check(databaseWithReaderEnv.check);

const aws = {
  AWS_REGION: 'eu-west-1',
  DATABASE_HOST: 'writer.example',
  DATABASE_READER_HOST: 'reader.example',
  DATABASE_PORT: '5432',
  DATABASE_NAME: 'shop',
  DATABASE_USER: 'catalog',
};

const issuePaths = (result: { error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.'));

describe('databaseEnv', () => {
  it('maps a URL to a URL connection', () => {
    const env = writerOnly.parse({ AWS_REGION: 'us-east-1', DATABASE_URL: 'postgres://localhost/shop' });
    expect(databaseConnectionFromEnv(env)).toEqual({ url: 'postgres://localhost/shop' });
  });

  it('maps the Aurora variables to an IAM-auth endpoint', () => {
    const env = writerOnly.parse(aws);
    expect(databaseConnectionFromEnv(env)).toEqual({
      host: 'writer.example',
      port: 5432,
      database: 'shop',
      user: 'catalog',
      region: 'eu-west-1',
    });
  });

  it('names every missing endpoint variable when there is no URL', () => {
    const result = safeParse(writerOnly, { AWS_REGION: 'us-east-1', DATABASE_HOST: 'writer.example' });
    expect(issuePaths(result)).toEqual(['DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER']);
  });
});

describe('databaseWithReaderEnv', () => {
  it('maps the writer and reader endpoints', () => {
    const env = withReader.parse(aws);
    expect(databaseConnectionFromEnv(env, 'writer')).toMatchObject({ host: 'writer.example' });
    expect(databaseConnectionFromEnv(env, 'reader')).toMatchObject({ host: 'reader.example', port: 5432 });
  });

  it('maps the writer and reader URLs', () => {
    const env = withReader.parse({
      AWS_REGION: 'us-east-1',
      DATABASE_URL: 'postgres://writer/shop',
      DATABASE_READER_URL: 'postgres://reader/shop',
    });
    expect(databaseConnectionFromEnv(env, 'writer')).toEqual({ url: 'postgres://writer/shop' });
    expect(databaseConnectionFromEnv(env, 'reader')).toEqual({ url: 'postgres://reader/shop' });
  });

  it('requires the reader URL with a writer URL, and the reader host with a writer host', () => {
    expect(
      issuePaths(safeParse(withReader, { AWS_REGION: 'us-east-1', DATABASE_URL: 'postgres://writer/shop' })),
    ).toEqual(['DATABASE_READER_URL']);
    expect(issuePaths(safeParse(withReader, { ...aws, DATABASE_READER_HOST: undefined }))).toEqual([
      'DATABASE_READER_HOST',
    ]);
  });
});
