import { describe, expect, it } from 'vitest';
import { InvalidStockAlertError, parseStockAlert } from '../../src/stock-alert.schema';
import lowStock from '../fixtures/low-stock.alert.json';

const problemsOf = (body: string): readonly string[] => {
  try {
    parseStockAlert(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidStockAlertError);
    return (error as InvalidStockAlertError).problems;
  }
  return expect.fail('should have thrown');
};

describe('parseStockAlert', () => {
  it('accepts a schemaVersion 1 stock-alerts message', () => {
    expect(parseStockAlert(JSON.stringify(lowStock))).toEqual(lowStock);
  });

  it('drops fields it does not know, so producers can add fields', () => {
    expect(parseStockAlert(JSON.stringify({ ...lowStock, warehouse: 'north' }))).toEqual(lowStock);
  });

  it('accepts every alert type and an offset timestamp', () => {
    for (const type of ['LowStock', 'OutOfStock', 'BackInStock']) {
      expect(parseStockAlert(JSON.stringify({ ...lowStock, type })).type).toBe(type);
    }
    expect(
      parseStockAlert(JSON.stringify({ ...lowStock, occurredAt: '2026-11-26T11:15:30+01:00' })).occurredAt,
    ).toBe('2026-11-26T11:15:30+01:00');
  });

  it('refuses a body that is not JSON', () => {
    expect(problemsOf('{"schemaVersion": 1,')).toEqual(['body is not JSON']);
  });

  it('refuses another schema version, an unknown type and wrong field types, naming each field', () => {
    const problems = problemsOf(
      JSON.stringify({
        ...lowStock,
        schemaVersion: 2,
        type: 'Restocked',
        stock: -1,
        threshold: 1.5,
        id: 'x',
      }),
    );

    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['schemaVersion', 'type', 'stock', 'threshold', 'id']),
    );
  });

  it('refuses a message without required fields', () => {
    const { name: _name, productId: _productId, ...rest } = lowStock;
    expect(problemsOf(JSON.stringify(rest)).map((p) => p.split(':')[0])).toEqual(['productId', 'name']);
  });

  it('refuses an SNS envelope (the subscription must use raw message delivery)', () => {
    const envelope = { Type: 'Notification', Message: JSON.stringify(lowStock) };
    expect(problemsOf(JSON.stringify(envelope)).map((p) => p.split(':')[0])).toContain('schemaVersion');
  });
});
