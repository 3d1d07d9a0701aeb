/**
 * Whether a process with this pid exists on this machine (signal 0 probes without sending; EPERM
 * means it exists but belongs to another user). Used to tell a lock or directory left by a dead
 * process from one a live process holds.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
