// `npm start` end to end: a fresh start serves seeded products on one base URL, Ctrl-C leaves no
// process and no port behind, and a second start finds the same data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { findFreePort } from '../../scripts/lib/ports';
import { type StartedStack, startStack } from './stack';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-'));
let running: StartedStack | undefined;

interface ProductPage {
  items: Array<{ id: string; sku: string }>;
  nextCursor: string | null;
}

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// Tests in a file run in order; each step builds on the previous one.
describe('npm start', () => {
  let firstIds: string[] = [];

  test('a fresh start serves the seeded catalog on one base URL', async () => {
    running = await startStack({ root: ROOT, dataDir, port: await findFreePort(3000), args: ['--fresh'] });
    const { endpoints } = running;
    expect(endpoints.s3.assetsBucket).toBeTruthy();

    const response = await fetch(`${endpoints.apiUrl}/products`);

    expect(response.status, running.output()).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const page = (await response.json()) as ProductPage;
    expect(page.items.length).toBeGreaterThan(0);
    firstIds = page.items.map((product) => product.id);
  });

  test('an unknown path is a 404 in the API error shape', async () => {
    const response = await fetch(`${running!.endpoints.apiUrl}/no-such-route`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  test('Ctrl-C stops every process it started and releases every port', async () => {
    await running!.stop();
    running = undefined;
  });

  test('a second start without --fresh keeps the data and does not seed twice', async () => {
    running = await startStack({ root: ROOT, dataDir, port: await findFreePort(3000), args: [] });

    const response = await fetch(`${running.endpoints.apiUrl}/products`);

    expect(response.status, running.output()).toBe(200);
    const page = (await response.json()) as ProductPage;
    expect(page.items.map((product) => product.id)).toEqual(firstIds);
    expect(running.output()).toMatch(/not seeding/);

    await running.stop();
    running = undefined;
  });
});
