import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';

/** Debian's chromium package (installed by .ci/run). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where browser tests write screenshots (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results/dashboard/', import.meta.url));

/** Why browser tests cannot run here, or undefined. On CI a missing browser is a failure, not a skip. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs the chromium package`);
  return `${CHROMIUM} is not installed (apt-get install chromium)`;
}

/**
 * Headless Chromium driven by playwright-core, with a fresh profile and nothing that talks to the
 * network by itself (no sync, updates or background requests). `close()` removes the profile.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
