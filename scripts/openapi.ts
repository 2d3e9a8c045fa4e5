// `pnpm openapi`: writes the OpenAPI document generated from packages/contracts to
// docs/openapi.json (what the reference page and clients read; `npm test` fails when it is stale)
// and the typed client's paths (packages/api-client/src/paths.ts, by openapi-typescript).
import { writeFileSync } from 'node:fs';
import { OPENAPI_FILE, renderOpenApiFile } from '../packages/contracts/src/openapi.file';

writeFileSync(OPENAPI_FILE, renderOpenApiFile());
console.log(`wrote ${OPENAPI_FILE}`);
