// Where the generated document is kept in the repository, and its exact text: one definition for
// `pnpm openapi` (writes it), the up-to-date test (compares) and `npm start` (serves it).
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from './openapi';

/** docs/openapi.json at the repository root. */
export const OPENAPI_FILE = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));

/** The committed document: servers name the local stack; a deployment serves its own URL. */
export const renderOpenApiFile = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
