// scripts/lib/lambda-invoke.ts: how serverless-offline's invoke answers map to results, and AWS's
// rules for partial batch responses.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { batchItemFailures, lambdaInvoker } from '../../scripts/lib/lambda-invoke';
import { randomFreePort } from '../../scripts/lib/ports';
import { type FakeLambda, startFakeLambda } from './fake-lambda';

let lambda: FakeLambda;

beforeAll(async () => {
  lambda = await startFakeLambda('shop-test-local-fn');
});

afterAll(async () => {
  await lambda?.close();
});

describe('lambdaInvoker', () => {
  test('posts the event and answers the handler result', async () => {
    lambda.handle((event) => ({ echoed: event }));
    const invoke = lambdaInvoker({ lambdaUrl: lambda.url, functionName: 'shop-test-local-fn' });

    expect(await invoke({ Records: [1] })).toEqual({ ok: true, payload: { echoed: { Records: [1] } } });
  });

  test('a handler that returns nothing is a success with no payload', async () => {
    lambda.handle(() => undefined);
    const invoke = lambdaInvoker({ lambdaUrl: lambda.url, functionName: 'shop-test-local-fn' });

    expect(await invoke({})).toEqual({ ok: true, payload: undefined });
  });

  test('a thrown error (X-Amz-Function-Error) is a failed invocation naming the message', async () => {
    lambda.handle(() => {
      throw new Error('database is down');
    });
    const invoke = lambdaInvoker({ lambdaUrl: lambda.url, functionName: 'shop-test-local-fn' });

    expect(await invoke({})).toEqual({
      ok: false,
      error: 'shop-test-local-fn failed (Unhandled): database is down',
    });
  });

  test('an unknown function and a closed port are failed invocations, not exceptions', async () => {
    const unknown = lambdaInvoker({ lambdaUrl: lambda.url, functionName: 'nope' });
    const closed = lambdaInvoker({
      lambdaUrl: `http://127.0.0.1:${await randomFreePort()}`,
      functionName: 'x',
    });

    expect(await unknown({})).toMatchObject({ ok: false, error: expect.stringContaining('404') });
    expect(await closed({})).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('batchItemFailures', () => {
  const ids = new Set(['a', 'b']);

  test.each([
    ['no payload', undefined],
    ['null', null],
    ['no list', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('%s is a full success', (_label, payload) => {
    expect(batchItemFailures(payload, ids)).toEqual(new Set());
  });

  test('lists the failed ids', () => {
    expect(batchItemFailures({ batchItemFailures: [{ itemIdentifier: 'b' }] }, ids)).toEqual(new Set(['b']));
  });

  test.each([
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null id', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['an id not in the batch', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }],
    ['a list that is not a list', { batchItemFailures: 'a' }],
  ])('%s fails the whole batch', (_label, payload) => {
    expect(batchItemFailures(payload, ids)).toBe('all');
  });
});
