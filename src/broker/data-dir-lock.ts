import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { SluiceError } from '../core/errors/sluice-error.ts';
import { processAlive } from '../util/process-alive.ts';

/** A second broker tried to use a data directory that a running broker holds. */
export class DataDirLockedError extends SluiceError {
  constructor(dataDir: string, holder: string) {
    super(
      'SLUICE_DATA_DIR_LOCKED',
      `data directory ${dataDir} is in use by another broker (${holder}); stop it first, or give this broker another --data-dir`,
    );
  }
}

const PID_FILE = '.lock';

/** The lock of a data directory, held until `release()` (or until the process dies). */
export interface DataDirLock {
  release(): Promise<void>;
}

function holderOf(dataDir: string): string {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, PID_FILE), 'utf8')) as { pid: number; host: string; port?: number };
    return `pid ${info.pid}${info.port ? `, port ${info.port}` : ''}`;
  } catch {
    return 'its pid is unknown';
  }
}

/**
 * Locks a data directory for this process, as Kafka locks its log directories. On Linux the lock
 * is an abstract Unix socket named after the directory's real path: the kernel frees it when the
 * process ends, however it ends (kill -9 included), so a crash never leaves a stale lock. On
 * other systems a `.lock` file with the holder's pid is used, and a lock whose process is gone
 * is taken over. Either way `.lock` names the holder for the error message.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const real = realpathSync(dataDir);
  const pidFile = join(dataDir, PID_FILE);
  let server: Server | null = null;
  if (process.platform === 'linux') {
    const name = `\0sluice-data-dir-${createHash('sha256').update(real).digest('hex').slice(0, 40)}`;
    server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(name, () => {
          server!.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new DataDirLockedError(dataDir, holderOf(dataDir));
      throw err;
    }
    server.unref();
  } else if (existsSync(pidFile)) {
    let pid = -1;
    try {
      pid = (JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number }).pid;
    } catch {
      // unreadable: treated as stale
    }
    if (pid > 0 && pid !== process.pid && processAlive(pid)) throw new DataDirLockedError(dataDir, holderOf(dataDir));
  }
  writeFileSync(pidFile, JSON.stringify({ pid: process.pid, host: process.env.HOSTNAME ?? '' }));
  return {
    async release() {
      rmSync(pidFile, { force: true });
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

/** Adds the broker's port to the `.lock` file (for the message a second broker prints). */
export function recordLockPort(dataDir: string, port: number): void {
  const pidFile = join(dataDir, PID_FILE);
  try {
    const info = JSON.parse(readFileSync(pidFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(pidFile, JSON.stringify({ ...info, port }));
  } catch {
    // informational only
  }
}
