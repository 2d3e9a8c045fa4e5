import { ValidationError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { parseWith } from '../../src/schema';

const catchError = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

describe('parseWith', () => {
  it('returns the parsed value, with coercion and defaults applied', () => {
    const schema = z.strictObject({ limit: z.coerce.number().int().default(20), q: z.string().optional() });

    expect(parseWith(schema, { q: 'shirt' }, 'Invalid query')).toEqual({ limit: 20, q: 'shirt' });
  });

  it('reports a nested problem with its path joined by dots', () => {
    // Prepare
    const schema = z.strictObject({
      items: z.array(z.strictObject({ productId: z.string(), quantity: z.number().int().max(100) })),
    });

    // Act
    const error = catchError(() =>
      parseWith(schema, { items: [{ productId: 'p', quantity: 101 }] }, 'Invalid body'),
    );

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Invalid body',
      details: [{ path: 'items.0.quantity', message: expect.any(String) }],
    });
  });

  it('reports a problem with the whole value at the empty path', () => {
    const error = catchError(() => parseWith(z.strictObject({}), 'not an object', 'Invalid body'));

    expect(error).toMatchObject({ details: [{ path: '', message: expect.any(String) }] });
  });

  it('reports each unknown field of a strict object with its own path', () => {
    const schema = z.strictObject({ address: z.strictObject({ city: z.string() }) });

    const error = catchError(() =>
      parseWith(schema, { address: { city: 'Oslo', zip: '1' }, admin: true }, 'Bad'),
    );

    expect((error as ValidationError).details).toEqual(
      expect.arrayContaining([
        { path: 'address.zip', message: 'Unknown field' },
        { path: 'admin', message: 'Unknown field' },
      ]),
    );
    expect((error as ValidationError).details).toHaveLength(2);
  });

  it('reports every problem, not just the first', () => {
    const schema = z.strictObject({ name: z.string().min(1), stock: z.number().int().min(0) });

    const error = catchError(() => parseWith(schema, { name: '', stock: -1 }, 'Bad'));

    expect((error as ValidationError).details?.map((detail) => detail.path)).toEqual(['name', 'stock']);
  });

  it('accepts zod mini schemas, which are cheaper to load', () => {
    const schema = zm.strictObject({ id: zm.string() });

    expect(parseWith(schema, { id: 'a' }, 'Bad')).toEqual({ id: 'a' });
    expect(catchError(() => parseWith(schema, { id: 'a', x: 1 }, 'Bad'))).toMatchObject({
      details: [{ path: 'x', message: 'Unknown field' }],
    });
  });
});
