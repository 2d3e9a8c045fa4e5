import { parseGroupsClaim } from '@shop/lambda-kit';
import { lambdaContext } from '@shop/lambda-kit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/pre-token-generation';
import { spyOnLogs } from '../support/logs';
import { events } from './support/events';

const context = lambdaContext('shop-auth-hooks-test-preTokenGeneration');
const logs = spyOnLogs();

describe('pre token generation', () => {
  it('hands the groups Cognito sent back as the ID token groups', async () => {
    const result = await handler(events.preTokenGeneration(), context);

    expect(result.response).toEqual({
      claimsOverrideDetails: {
        groupOverrideDetails: { groupsToOverride: ['customer'], iamRolesToOverride: [] },
      },
    });
    const groups = result.response.claimsOverrideDetails.groupOverrideDetails?.groupsToOverride;
    expect(parseGroupsClaim(groups)).toEqual(['customer']);
  });

  it('leaves the rest of the event as it was and gives the same answer every time', async () => {
    const first = await handler(events.preTokenGeneration(), context);
    const second = await handler(events.preTokenGeneration(), context);

    expect(second).toEqual(first);
    expect({ ...first, response: undefined }).toEqual({
      ...events.preTokenGeneration(),
      response: undefined,
    });
  });

  it('keeps every group of an admin who is also a customer, once each', async () => {
    const event = events.preTokenGeneration();
    event.request.groupConfiguration.groupsToOverride = ['admin', 'customer', 'admin'];

    const result = await handler(event, context);

    expect(result.response.claimsOverrideDetails.groupOverrideDetails?.groupsToOverride).toEqual([
      'admin',
      'customer',
    ]);
  });

  it('passes IAM roles through unchanged', async () => {
    const event = events.preTokenGeneration();
    event.request.groupConfiguration = {
      groupsToOverride: ['admin'],
      iamRolesToOverride: ['arn:aws:iam::123456789012:role/shop-admin'],
      preferredRole: 'arn:aws:iam::123456789012:role/shop-admin',
    };

    const result = await handler(event, context);

    expect(result.response.claimsOverrideDetails.groupOverrideDetails).toEqual(
      event.request.groupConfiguration,
    );
  });

  it('gives a user without groups an ID token without groups', async () => {
    const event = events.preTokenGeneration();
    event.request.groupConfiguration.groupsToOverride = [];

    const result = await handler(event, context);

    expect(result.response.claimsOverrideDetails.groupOverrideDetails?.groupsToOverride).toEqual([]);
  });

  it("leaves cognito-local's own cognito:groups claim alone (it sends no group configuration)", async () => {
    const result = await handler(events.preTokenGenerationCognitoLocal(), context);

    expect(result.response).toEqual({ claimsOverrideDetails: {} });
  });

  it('never blocks a sign-in over a group configuration it does not understand', async () => {
    const event = events.preTokenGeneration();
    (event.request.groupConfiguration as unknown as Record<string, unknown>).groupsToOverride = 'customer';

    const result = await handler(event, context);

    expect(result.response).toEqual(events.preTokenGeneration().response);
    expect(logs.warn).toHaveBeenCalledOnce();
  });
});
