// The API's documents through `npm start`: the OpenAPI document at `openapiUrl` is valid OpenAPI
// 3.1 and names this stack as its server; the reference page at `apiDocsUrl` renders it in a real
// browser (Debian's Chromium driven by playwright-core), from local files only, and we keep a
// screenshot of it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ROUTES } from '@shop/contracts';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium } from '../../scripts/lib/chromium';
import { randomFreePort } from '../../scripts/lib/ports';
import { type StartedStack, startStack } from './stack';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-api-docs-'));
/** Screenshots of the pages the tests looked at (git-ignored). */
const SCREENSHOTS = join(ROOT, '.dev', 'screenshots');

let stack: StartedStack;
let browser: Browser;

beforeAll(async () => {
  const executablePath = ensureChromium((line) => console.log(`[chromium] ${line}`));
  if (!executablePath) throw new Error("no Chromium: install Debian's `chromium` (npm test does it as root)");
  [stack, browser] = await Promise.all([
    startStack({ root: ROOT, dataDir, port: await randomFreePort(), args: ['--fresh'] }),
    chromium.launch({ executablePath, args: CHROMIUM_ARGS }),
  ]);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the API documents on the local stack', () => {
  test('openapiUrl serves a valid OpenAPI 3.1 document whose server is this stack', async () => {
    const response = await fetch(stack.endpoints.openapiUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const document = (await response.json()) as { openapi: string; servers: { url: string }[] };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.servers[0]?.url).toBe(stack.endpoints.apiUrl);
    await expect(SwaggerParser.validate(document as never)).resolves.toBeTruthy();
  });

  test('apiDocsUrl renders every route in a browser, loading nothing from outside this machine', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const origins = new Set<string>();
    page.on('request', (request) => {
      if (!request.url().startsWith('data:')) origins.add(new URL(request.url()).origin);
    });
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));

    await page.goto(stack.endpoints.apiDocsUrl);

    // Every operation of the route table is listed by its summary (the navigation has all tags open).
    await expect
      .poll(() => page.getByText(ROUTES[0]!.summary, { exact: true }).count(), { timeout: 60_000 })
      .toBeGreaterThan(0);
    for (const route of ROUTES) {
      expect(await page.getByText(route.summary, { exact: true }).count(), route.operationId).toBeGreaterThan(
        0,
      );
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'api-docs.png') });
    expect([...origins]).toEqual([new URL(stack.endpoints.apiUrl).origin]);
    expect(failed).toEqual([]);
    await page.close();
  });
});
