import { ConfigError } from '@shop/lambda-kit';
import { describe, expect, it } from 'vitest';
import { loadNotifierConfig, parseEmailList } from '../../src/config';

const valid = {
  AWS_REGION: 'us-east-1',
  DATABASE_URL: 'postgres://localhost/shop',
  MAIL_FROM_ADDRESS: 'no-reply@example.com',
  ADMIN_ALERT_RECIPIENTS: 'ops@example.com',
  STOREFRONT_URL: 'https://shop.example.com',
};

/** The ConfigError that loading `env` throws; fails the test when it loads. */
const configErrorOf = (env: Record<string, string | undefined>): ConfigError => {
  try {
    loadNotifierConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  // Outside the try: an assertion failure thrown inside it would be caught as "the error".
  return expect.fail('the configuration loaded, it should have thrown');
};

const problemsOf = (env: Record<string, string | undefined>): readonly string[] =>
  configErrorOf(env).variables;

describe('notifier config', () => {
  it('reads a local configuration, frozen', () => {
    const config = loadNotifierConfig({
      ...valid,
      ADMIN_ALERT_RECIPIENTS: ' Ops@Example.com, stock@example.com ,ops@example.com,',
      STOREFRONT_URL: 'http://localhost:5173/',
      SES_ENDPOINT: 'http://127.0.0.1:8005',
    });

    expect(config).toEqual({
      database: { url: 'postgres://localhost/shop' },
      region: 'us-east-1',
      mailFrom: 'no-reply@example.com',
      adminRecipients: ['Ops@Example.com', 'stock@example.com'],
      storefrontUrl: 'http://localhost:5173',
      sesConfigurationSet: undefined,
      sesEndpoint: 'http://127.0.0.1:8005',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.adminRecipients)).toBe(true);
  });

  it('uses Aurora with IAM auth and the configuration set on AWS', () => {
    const config = loadNotifierConfig({
      ...valid,
      DATABASE_URL: undefined,
      DATABASE_HOST: 'writer.example',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'shop',
      DATABASE_USER: 'notifier',
      SES_CONFIGURATION_SET: 'shop-dev-mail',
    });

    expect(config.database).toEqual({
      host: 'writer.example',
      port: 5432,
      database: 'shop',
      user: 'notifier',
      region: 'us-east-1',
    });
    expect(config.sesConfigurationSet).toBe('shop-dev-mail');
    expect(config.sesEndpoint).toBeUndefined();
  });

  it('fails fast naming every missing variable at once', () => {
    expect(problemsOf({ AWS_REGION: 'us-east-1', DATABASE_URL: 'postgres://localhost/shop' })).toEqual(
      expect.arrayContaining(['MAIL_FROM_ADDRESS', 'ADMIN_ALERT_RECIPIENTS', 'STOREFRONT_URL']),
    );
  });

  it('refuses an admin list with a malformed address, or no address at all', () => {
    expect(problemsOf({ ...valid, ADMIN_ALERT_RECIPIENTS: 'ops@example.com, not-an-address' })).toEqual([
      'ADMIN_ALERT_RECIPIENTS',
    ]);
    expect(problemsOf({ ...valid, ADMIN_ALERT_RECIPIENTS: ' , ,' })).toEqual(['ADMIN_ALERT_RECIPIENTS']);
    // Empty counts as missing (readConfig).
    expect(problemsOf({ ...valid, ADMIN_ALERT_RECIPIENTS: '' })).toEqual(['ADMIN_ALERT_RECIPIENTS']);
  });

  it('refuses a sender that is not an address and links that are not http(s)', () => {
    expect(problemsOf({ ...valid, MAIL_FROM_ADDRESS: 'shop' })).toEqual(['MAIL_FROM_ADDRESS']);
    expect(problemsOf({ ...valid, STOREFRONT_URL: 'javascript:alert(1)' })).toEqual(['STOREFRONT_URL']);
    expect(problemsOf({ ...valid, SES_ENDPOINT: 'localhost:8005' })).toEqual(['SES_ENDPOINT']);
  });

  it('never echoes values in the error', () => {
    const error = configErrorOf({ ...valid, ADMIN_ALERT_RECIPIENTS: 'secret-list@@example.com' });

    expect(error.variables).toEqual(['ADMIN_ALERT_RECIPIENTS']);
    expect(error.message).toContain('ADMIN_ALERT_RECIPIENTS');
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain('secret-list');
  });
});

describe('parseEmailList', () => {
  it('trims, keeps the first spelling and drops repeats that differ only in case, and empty entries', () => {
    expect(parseEmailList('A@x.com,,b@x.com , a@X.com')).toEqual(['A@x.com', 'b@x.com']);
  });
});
