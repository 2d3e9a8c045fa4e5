// vitest globalSetup of every integration project (see vitest.workspace.ts). Runs once per project
// in the main vitest process: reuses the backing services named in the environment (run-all starts
// them once for the whole suite) or starts private ones, then gives the project a fresh, migrated
// database of its own so that projects running side by side never truncate each other's rows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '@shop/db';
import type { TestProject } from 'vitest/node';
import { startBackingServices } from '../lib/backing-services';
import { deleteStream, ensureStream } from '../lib/kinesalite';
import { dropDatabase, ensureDatabase, withDatabase } from '../lib/postgres';
import { Supervisor } from '../lib/supervisor';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const supervisor = new Supervisor();
  const tempDir = mkdtempSync(join(tmpdir(), 'shop-test-'));
  let databaseName: string | undefined;
  let serverUrl: string | undefined;
  let stream: { endpoint: string; name: string } | undefined;

  const teardown = async () => {
    if (stream) await deleteStream(stream.endpoint, stream.name).catch(() => undefined);
    if (serverUrl && databaseName) await dropDatabase(serverUrl, databaseName).catch(() => undefined);
    await supervisor.stopAll();
    rmSync(tempDir, { recursive: true, force: true });
  };

  try {
    const services = await startBackingServices(tempDir, supervisor);
    serverUrl = services.databaseUrl;
    databaseName = testDatabaseName(project.name);
    await ensureDatabase(serverUrl, databaseName);
    const databaseUrl = withDatabase(serverUrl, databaseName);
    await migrateToLatest(databaseUrl);
    // Named like the database: projects sharing one kinesalite never read each other's events.
    stream = {
      endpoint: services.kinesisEndpoint,
      name: databaseName.replace(/^test_/, 'test-stock-events-'),
    };
    await ensureStream(stream.endpoint, stream.name);

    project.provide('databaseUrl', databaseUrl);
    project.provide('redisUrl', services.redisUrl);
    project.provide('redisServerBin', services.redisServerBin);
    project.provide('s3Endpoint', services.s3Endpoint);
    project.provide('assetsBucket', services.assetsBucket);
    project.provide('kinesisEndpoint', services.kinesisEndpoint);
    project.provide('streamName', stream.name);
    project.provide('snsEndpoint', services.snsEndpoint);
    project.provide('sesEndpoint', services.sesEndpoint);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** e.g. `test_catalog_integration_1a2b3c`: unique per run, recognisable when left behind. */
function testDatabaseName(projectName: string): string {
  const slug = projectName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  return `test_${slug}_${randomBytes(3).toString('hex')}`;
}
