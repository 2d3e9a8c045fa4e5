/**
 * The shop's pure domain: entities, value objects, rules and errors. No AWS SDK, no database, no
 * `process.env` — adapters in the services bring those.
 * @packageDocumentation
 */
export * from './customer';
export * from './errors';
export * from './money';
export * from './order';
export * from './product';
export * from './stock';
export * from './stock-alert';
