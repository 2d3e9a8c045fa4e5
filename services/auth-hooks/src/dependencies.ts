// The auth-hooks composition root. Built once per cold start and reused by warm invocations; each
// piece is created on first use, so a function only pays for what it touches (pre sign-up reads one
// variable, GET /me never loads the Cognito client).
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createDb } from '@shop/db';
import { lazy } from '@shop/lambda-kit';
import { type CognitoConfig, loadCognitoConfig, loadDatabaseConfig, loadSignUpConfig } from './config';
import { type CustomerService, createCustomerService } from './customer.service';
import { createCognitoUserGroupDirectory, type UserGroupDirectory } from './user-group.directory';

/**
 * Cognito waits 5 seconds for a trigger and then fails the user's request: the group call must
 * answer well within that, so it gets short timeouts and a single retry.
 */
export const createCognitoClient = (config: CognitoConfig): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_500 },
  });

/** Blocked sign-up domains, for pre sign-up. */
export const signUpConfig = /* @__PURE__ */ lazy(() => loadSignUpConfig());

// One request at a time per Lambda container: one connection is enough.
const db = /* @__PURE__ */ lazy(() => createDb(loadDatabaseConfig(), { max: 1 }));

const noGroupDirectory: UserGroupDirectory = {
  addUserToGroup: () => {
    throw new Error('this function was built without Cognito; use customerServiceWithCognito');
  },
};

/** The service GET /me uses by default; tests pass their own. */
export const customerService = /* @__PURE__ */ lazy(
  (): CustomerService => createCustomerService({ db: db(), groups: noGroupDirectory }),
);

/** The same service with Cognito groups wired in, for the post-confirmation trigger only. */
export const customerServiceWithCognito = /* @__PURE__ */ lazy(
  (): CustomerService =>
    createCustomerService({
      db: db(),
      groups: createCognitoUserGroupDirectory(createCognitoClient(loadCognitoConfig())),
    }),
);
