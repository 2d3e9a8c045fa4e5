// Debian's Chromium for the browser tests (Playwright drives it through playwright-core, which
// cannot download a browser here): installed with apt-get when missing and we are root.
import { aptInstall, canAptInstall } from './apt';
import { isExecutable, whichOnPath } from './which';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

const whichChromium = (): string | null =>
  whichOnPath('chromium') ?? (isExecutable(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : null);

/** Path of a usable Chromium, installing Debian's when missing and possible; null otherwise. */
export function ensureChromium(log: (message: string) => void): string | null {
  const found = whichChromium();
  if (found || !canAptInstall()) return found;
  aptInstall(['chromium'], 'Chromium for the browser tests (about 1 min)', log);
  return whichChromium();
}

/** Launch flags for headless Chromium on this kind of machine (toolchain.md): no network of its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
