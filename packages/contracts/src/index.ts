/**
 * The public contract (api.md) as code: the field types every route shares (text without control
 * characters, integer ranges, ids, paging), the request and response schemas of every route, the
 * event schemas, and the route table the OpenAPI document is generated from
 * (`@shop/contracts/openapi`, kept out of function bundles). Producers and consumers import the
 * same definitions, so a rule of the contract is written once.
 * @packageDocumentation
 */
export * from './catalog.requests';
export { stockAlertMessage, stockChangedEvent } from './events';
export { idPath, intBetween, multilineText, page, plainString, text, uuid } from './fields';
export * from './orders.requests';
export * from './responses';
export { errorStatusesOf, type ResponseHeader, ROUTES, type RouteAccess, type RouteContract } from './routes';
