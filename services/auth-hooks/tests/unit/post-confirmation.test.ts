import { lambdaContext } from '@shop/lambda-kit/testing';
import { describe, expect, it } from 'vitest';
import { createCustomerService } from '../../src/customer.service';
import { postConfirmationHandler } from '../../src/handlers/post-confirmation';
import { TRIGGER_FAILED_MESSAGE } from '../../src/trigger-handler';
import { failureOf } from '../support/failure';
import { loggedText, spyOnLogs } from '../support/logs';
import { events } from './support/events';
import { fakeGroups } from './support/fake-groups';
import { type Answers, recordingDb } from './support/recording-db';

const context = lambdaContext('shop-auth-hooks-test-postConfirmation');
const sub = '7d1c3f6e-2b4a-4c8e-9f10-3a5b6c7d8e9f';
const logs = spyOnLogs();

/** The handler over a recording database and a fake Cognito that share one journal. */
const setUp = (answers: Answers = {}, groupFailure?: Error) => {
  const recording = recordingDb(answers);
  const groups = fakeGroups(recording.journal, groupFailure);
  const service = createCustomerService({ db: recording.db, groups });
  return { ...recording, groups, handler: postConfirmationHandler(() => service) };
};

describe('post confirmation', () => {
  it('inserts the customer, adds them to the customer group, then commits', async () => {
    const { handler, journal, queries, groups } = setUp();

    const result = await handler(events.postConfirmation(), context);

    expect(result).toEqual(events.postConfirmation());
    expect(journal).toEqual(['begin', 'insert into customers', 'addUserToGroup customer', 'commit']);
    expect(queries[0]!.sql).toMatch(/on conflict \("id"\) do nothing/);
    expect(queries[0]!.parameters).toEqual([sub, 'jane.doe@example.com', 'Jane Doe']);
    expect(groups.calls).toEqual([{ userPoolId: 'us-east-1_Ab1Cd2Ef3', username: sub, group: 'customer' }]);
    expect(logs.info).toHaveBeenCalledWith('customer created', { customerId: sub });
  });

  it('on a retry finds the row already there and still makes sure of the group', async () => {
    const { handler, journal } = setUp({ insertedRows: 0n });

    await expect(handler(events.postConfirmation(), context)).resolves.toEqual(events.postConfirmation());

    expect(journal).toEqual(['begin', 'insert into customers', 'addUserToGroup customer', 'commit']);
    expect(logs.info).toHaveBeenCalledWith('customer already existed', { customerId: sub });
  });

  it('rolls the insert back and fails with a generic message when the group cannot be added', async () => {
    const { handler, journal } = setUp({}, new Error('AccessDeniedException: not authorized on arn:aws:...'));

    const error = await failureOf(handler(events.postConfirmation(), context));

    expect(journal).toEqual(['begin', 'insert into customers', 'addUserToGroup customer', 'rollback']);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(TRIGGER_FAILED_MESSAGE);
    expect(logs.error).toHaveBeenCalledExactlyOnceWith('post confirmation failed', {
      error: expect.objectContaining({ message: expect.stringMatching(/^AccessDeniedException/) }),
    });
    expect(loggedText(logs)).not.toMatch(/jane\.doe@/i);
  });

  it('names the customer after the email local part when there is no name attribute', async () => {
    const { handler, queries } = setUp();
    const event = events.postConfirmation();
    delete event.request.userAttributes.name;

    await handler(event, context);

    expect(queries[0]!.parameters).toEqual([sub, 'jane.doe@example.com', 'jane.doe']);
  });

  it('does nothing when a password reset is confirmed', async () => {
    const { handler, journal } = setUp();

    const result = await handler(events.postConfirmationForgotPassword(), context);

    expect(result).toEqual(events.postConfirmationForgotPassword());
    expect(journal).toEqual([]);
  });

  it('writes nothing for an event without a usable sub', async () => {
    const { handler, journal } = setUp();
    const event = events.postConfirmation();
    event.request.userAttributes.sub = 'not-a-uuid';

    await expect(handler(event, context)).rejects.toThrow(TRIGGER_FAILED_MESSAGE);
    expect(journal).toEqual([]);
  });
});
