import { ConfigError } from '@shop/lambda-kit';
import { describe, expect, it } from 'vitest';
import { loadCognitoConfig, loadDatabaseConfig, loadSignUpConfig } from '../../src/config';

describe('sign-up config', () => {
  it('reads the blocked domains normalised and without duplicates', () => {
    const config = loadSignUpConfig({
      BLOCKED_EMAIL_DOMAINS: ' Example.INVALID, @mailinator.com ,example.invalid',
    });

    expect(config.blockedDomains).toEqual(['example.invalid', 'mailinator.com']);
    expect(Object.isFrozen(config.blockedDomains)).toBe(true);
  });

  it('blocks nothing only when told so explicitly', () => {
    expect(loadSignUpConfig({ BLOCKED_EMAIL_DOMAINS: 'none' }).blockedDomains).toEqual([]);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['only commas', ' , ,'],
    ['not domains', 'mailinator.com, not a domain'],
  ])('fails fast when the list is %s', (_, value) => {
    expect(() => loadSignUpConfig({ BLOCKED_EMAIL_DOMAINS: value })).toThrow(ConfigError);
    expect(() => loadSignUpConfig({ BLOCKED_EMAIL_DOMAINS: value })).toThrow('BLOCKED_EMAIL_DOMAINS');
  });
});

describe('database config', () => {
  it('uses the URL locally', () => {
    expect(
      loadDatabaseConfig({ AWS_REGION: 'us-east-1', DATABASE_URL: 'postgres://localhost/shop' }),
    ).toEqual({
      url: 'postgres://localhost/shop',
    });
  });

  it('uses the Aurora writer with IAM auth as auth_hooks on AWS', () => {
    const config = loadDatabaseConfig({
      AWS_REGION: 'eu-west-1',
      DATABASE_HOST: 'writer.example',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'shop',
      DATABASE_USER: 'auth_hooks',
    });

    expect(config).toEqual({
      host: 'writer.example',
      port: 5432,
      database: 'shop',
      user: 'auth_hooks',
      region: 'eu-west-1',
    });
  });

  it('names every missing Aurora variable', () => {
    expect(() => loadDatabaseConfig({ AWS_REGION: 'eu-west-1', DATABASE_HOST: 'writer.example' })).toThrow(
      /DATABASE_PORT.*DATABASE_NAME.*DATABASE_USER/,
    );
  });
});

describe('cognito config', () => {
  it("has no endpoint on AWS and cognito-local's locally", () => {
    expect(loadCognitoConfig({ AWS_REGION: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
      endpoint: undefined,
    });
    expect(
      loadCognitoConfig({ AWS_REGION: 'us-east-1', COGNITO_ENDPOINT: 'http://127.0.0.1:9229' }).endpoint,
    ).toBe('http://127.0.0.1:9229');
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(() => loadCognitoConfig({ AWS_REGION: 'us-east-1', COGNITO_ENDPOINT: 'localhost:9229' })).toThrow(
      'COGNITO_ENDPOINT',
    );
  });
});
