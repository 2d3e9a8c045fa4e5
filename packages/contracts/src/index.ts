/**
 * The public contract's schemas (api.md) in one place: the field types every route shares (text
 * without control characters, integer ranges, ids, paging). The services build their request
 * schemas from these, so a rule of the contract is written once.
 * @packageDocumentation
 */
export { idPath, intBetween, multilineText, page, plainString, text, uuid } from './fields';
