import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { WorkerSlotError } from './errors.ts';
import { processAlive } from '../util/process-alive.ts';

/** What a lock file holds. */
export interface SlotOwner {
  readonly pid: number;
  /** Start time of the process (clock ticks since boot, /proc/<pid>/stat field 22); null where /proc is absent. */
  readonly startTime: number | null;
  readonly host: string;
}

/** Where a slot lives and whether its owner still runs. */
export interface ProcessProbe {
  /** Start time of a running process, or undefined if no such process; null when it runs but the start time is unknown. */
  startTimeOf(pid: number): number | null | undefined;
}

/** Linux: /proc/<pid>/stat (a stopped process is still there); elsewhere: signal 0. */
export const systemProbe: ProcessProbe = {
  startTimeOf(pid: number): number | null | undefined {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = fields[0];
      if (state === 'Z' || state === 'X') return undefined; // a zombie or dead process holds nothing
      return Number(fields[19]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return probeBySignal(pid);
      try {
        readFileSync('/proc/self/stat');
        return undefined; // /proc exists, the process does not
      } catch {
        return probeBySignal(pid);
      }
    }
  },
};

function probeBySignal(pid: number): null | undefined {
  return processAlive(pid) ? null : undefined;
}

const SAFE_ID = /^[A-Za-z0-9._-]+$/;

/**
 * A worker's identity: the first free slot `<stateDir>/<jobId>/worker-<n>/` it can lock. The lock
 * file names the owner (pid and process start time); a slot whose owner no longer runs — killed,
 * crashed — is free again, while a stopped (SIGSTOP) or merely slow owner keeps it. So a worker
 * restarted after kill -9 takes its old slot (same transactional id: it fences its previous
 * incarnation by epoch), and a replacement started while a zombie still runs takes a new slot.
 *
 * @example
 * ```ts
 * const me = WorkerIdentity.acquire({ stateDir: '.sluice/state', jobId: 'orders' });
 * const transactionalId = me.transactionalId('orders'); // 'orders-0'
 * me.release();
 * ```
 */
export class WorkerIdentity {
  readonly slot: number;
  /** The slot's directory (local state of this worker lives here). */
  readonly dir: string;
  readonly #lock: string;
  readonly #owner: SlotOwner;
  #released = false;

  private constructor(slot: number, dir: string, owner: SlotOwner) {
    this.slot = slot;
    this.dir = dir;
    this.#lock = join(dir, 'lock');
    this.#owner = owner;
  }

  /** Locks the first free slot (0, 1, 2, ...). */
  static acquire(options: { stateDir: string; jobId: string; maxSlots?: number; probe?: ProcessProbe; pid?: number }): WorkerIdentity {
    const { stateDir, jobId } = options;
    if (!SAFE_ID.test(jobId) || jobId === '.' || jobId === '..') {
      throw new WorkerSlotError(`job id ${JSON.stringify(jobId)} cannot name a directory; use letters, digits, '.', '_' and '-'`);
    }
    const probe = options.probe ?? systemProbe;
    const pid = options.pid ?? process.pid;
    const owner: SlotOwner = { pid, startTime: probe.startTimeOf(pid) ?? null, host: hostname() };
    const maxSlots = options.maxSlots ?? 1024;
    const jobDir = join(stateDir, jobId);
    try {
      mkdirSync(jobDir, { recursive: true });
    } catch (e) {
      throw new WorkerSlotError(`cannot create the state directory ${jobDir}: ${(e as Error).message}; set state.dir to a writable directory`, e);
    }
    for (let slot = 0; slot < maxSlots; slot++) {
      const dir = join(jobDir, `worker-${slot}`);
      mkdirSync(dir, { recursive: true });
      if (tryLock(join(dir, 'lock'), owner, probe)) return new WorkerIdentity(slot, dir, owner);
    }
    throw new WorkerSlotError(`all ${maxSlots} worker slots under ${jobDir} are held by running processes; stop some workers, or remove slots of processes you know are gone`);
  }

  /** `<prefix>-<slot>`: the transactional id of this worker. */
  transactionalId(prefix: string): string {
    return `${prefix}-${this.slot}`;
  }

  /** Releases the slot (removes the lock if it is still ours). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    const current = readOwner(this.#lock);
    if (current !== undefined && current.pid === this.#owner.pid && current.startTime === this.#owner.startTime) {
      try {
        unlinkSync(this.#lock);
      } catch {
        // already gone
      }
    }
  }
}

/** Takes the lock at `path` if free or stale; false when a running process holds it. */
function tryLock(path: string, owner: SlotOwner, probe: ProcessProbe): boolean {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createLock(path, owner)) return true;
    const holder = readOwner(path);
    if (holder === undefined) continue; // removed meanwhile: try again
    if (isAlive(holder, probe)) return false;
    // Stale: move it aside atomically (only one contender wins the rename), then check we moved
    // the stale one and not a lock a faster contender just created.
    const aside = `${path}.stale-${owner.pid}-${threadId}-${attempt}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readOwner(aside);
    if (moved !== undefined && isAlive(moved, probe)) {
      try {
        linkSync(aside, path); // put the live lock back
      } catch {
        // someone else locked meanwhile; theirs stands
      }
      unlinkQuiet(aside);
      return false;
    }
    unlinkQuiet(aside);
  }
  return false;
}

/** Creates the lock with its content in one step (write a temp file, then link it into place). */
function createLock(path: string, owner: SlotOwner): boolean {
  const tmp = `${path}.${owner.pid}-${threadId}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(owner));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new WorkerSlotError(`cannot create the worker lock ${path}: ${(e as Error).message}`, e);
  } finally {
    unlinkQuiet(tmp);
  }
}

function readOwner(path: string): SlotOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as SlotOwner;
    return typeof o.pid === 'number' ? o : { pid: -1, startTime: null, host: '' };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { pid: -1, startTime: null, host: '' }; // unreadable: treated as stale
  }
}

function isAlive(owner: SlotOwner, probe: ProcessProbe): boolean {
  if (owner.pid <= 0) return false;
  const start = probe.startTimeOf(owner.pid);
  if (start === undefined) return false;
  // A recycled pid is another process: its start time differs.
  return start === null || owner.startTime === null || start === owner.startTime;
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone
  }
}
