import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `data` so that a crash leaves either the old or the new content:
 * write a temp file, fsync it, rename over the target, fsync the directory. `mode` sets the
 * permissions of a new file (e.g. 0o600 for secrets; the umask applies).
 */
export function writeFileAtomic(path: string, data: string | Buffer, options: { mode?: number } = {}): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', options.mode ?? 0o666);
  try {
    if (options.mode !== undefined) fchmodSync(fd, options.mode); // a leftover temp file keeps its old mode
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
