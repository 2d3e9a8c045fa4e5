// `pnpm package`: every service to CloudFormation, offline. Clears serverless-esbuild's build
// folders first: they keep outputs of earlier builds, which would otherwise be zipped again.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
for (const service of readdirSync(join(root, 'services'))) {
  rmSync(join(root, 'services', service, '.esbuild'), { recursive: true, force: true });
}
const result = spawnSync('osls-compose', ['package', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
