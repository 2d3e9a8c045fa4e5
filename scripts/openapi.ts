// `pnpm openapi`: writes the OpenAPI document generated from packages/contracts to
// docs/openapi.json (what the reference page and clients read) and the typed client's types
// (packages/api-client/src/paths.ts, by openapi-typescript). `npm test` fails when either is stale.
import { writeFileSync } from 'node:fs';
import { PATHS_FILE, renderPaths } from '../packages/api-client/src/generate';
import { buildOpenApiDocument } from '../packages/contracts/src/openapi';
import { OPENAPI_FILE, renderOpenApiFile } from '../packages/contracts/src/openapi.file';

writeFileSync(OPENAPI_FILE, renderOpenApiFile());
writeFileSync(PATHS_FILE, await renderPaths(buildOpenApiDocument()));
console.log(`wrote ${OPENAPI_FILE} and ${PATHS_FILE}`);
