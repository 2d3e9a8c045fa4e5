// The API's own documents on the local front: the OpenAPI document (`openapiUrl`) and a reference
// page (`apiDocsUrl`) rendered by Scalar from its npm package's prebuilt browser bundle: nothing
// is fetched from a CDN, and the page reads the document the front serves.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../../packages/contracts/src/openapi';

export interface StaticPage {
  readonly contentType: string;
  readonly body: Buffer;
}

export const OPENAPI_PATH = '/openapi.json';
export const API_DOCS_PATH = '/docs';
const SCALAR_PATH = '/docs/scalar.js';

const scalarBundle = (): Buffer => {
  const entry = fileURLToPath(import.meta.resolve('@scalar/api-reference'));
  return readFileSync(join(dirname(entry), 'browser', 'standalone.js'));
};

const page = (): string => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>shop API reference</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <noscript>The reference page needs JavaScript; the document itself is at <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a>.</noscript>
    <script id="api-reference" data-url="${OPENAPI_PATH}" data-configuration='{"withDefaultFonts":false,"hideClientButton":true,"telemetry":false,"showDeveloperTools":"never","agent":{"disabled":true},"mcp":{"disabled":true},"defaultOpenAllTags":true}'></script>
    <script src="${SCALAR_PATH}"></script>
  </body>
</html>
`;

/** The pages the front answers itself, by path; `apiUrl` is the front's own URL (the document's server). */
export const apiDocsPages = (apiUrl: string): ReadonlyMap<string, StaticPage> =>
  new Map([
    [
      OPENAPI_PATH,
      {
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify(buildOpenApiDocument(apiUrl), null, 2)),
      },
    ],
    [API_DOCS_PATH, { contentType: 'text/html; charset=utf-8', body: Buffer.from(page()) }],
    [SCALAR_PATH, { contentType: 'text/javascript; charset=utf-8', body: scalarBundle() }],
  ]);
