import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * The web UI's files, read once at start: everything under `web/` (served at `/` and `/app/...`)
 * and uPlot's distribution files from the `uplot` package (at `/vendor/...`). Only these paths
 * exist; nothing else on disk can be reached through a URL.
 */
export function loadStaticFiles(): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  // Beside the package's entry, not this module: bundled, this code lives in a chunk elsewhere.
  const webDir = fileURLToPath(new URL('./dashboard/web/', import.meta.resolve('sluice')));
  const add = (urlPath: string, file: string) => files.set(urlPath, { body: readFileSync(file), contentType: TYPES[extname(file)] ?? 'application/octet-stream' });
  for (const entry of readdirSync(webDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    add(`/app/${relative(webDir, file).split(sep).join('/')}`, file);
  }
  const index = files.get('/app/index.html');
  if (index !== undefined) files.set('/', index);
  const require = createRequire(import.meta.url);
  add('/vendor/uPlot.esm.js', require.resolve('uplot/dist/uPlot.esm.js'));
  add('/vendor/uPlot.min.css', require.resolve('uplot/dist/uPlot.min.css'));
  return files;
}
