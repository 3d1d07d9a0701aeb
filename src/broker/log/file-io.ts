import { closeSync, constants, fsync, fsyncSync, ftruncateSync, openSync, read, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '../../util/atomic-file.ts';

/**
 * The calls through which the log writes, reads and removes its files. Production uses the
 * plain `node:fs` calls below; tests can swap in a layer that fails like a full disk (ENOSPC)
 * to check that the broker answers with error codes and loses nothing (see `useFileIO`).
 */
export interface FileIO {
  /** Opens (creating if needed) a file for reading and positional writing. */
  openReadWrite(path: string): number;
  openRead(path: string): number;
  write(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  readSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  read(fd: number, buf: Buffer, offset: number, length: number, position: number, done: (err: Error | null, bytesRead: number) => void): void;
  truncate(fd: number, length: number): void;
  fsync(fd: number): void;
  /** fsync on the thread pool. */
  fsyncAsync(fd: number, done: (err: Error | null) => void): void;
  close(fd: number): void;
  /** Replaces a small file atomically and durably (temp file, fsync, rename, fsync dir). */
  writeFileAtomic(path: string, data: string | Buffer): void;
  /** Replaces a file atomically but without fsync (a file that can be rebuilt if lost). */
  replaceFile(path: string, data: string | Buffer): void;
  rename(from: string, to: string): void;
  /** Removes a file or a directory tree; missing paths are fine. */
  remove(path: string): void;
}

export const nodeFileIO: FileIO = {
  openReadWrite: (path) => openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644),
  openRead: (path) => openSync(path, 'r'),
  write: (fd, buf, offset, length, position) => writeSync(fd, buf, offset, length, position),
  readSync: (fd, buf, offset, length, position) => readSync(fd, buf, offset, length, position),
  read: (fd, buf, offset, length, position, done) => read(fd, buf, offset, length, position, (err, n) => done(err, n)),
  truncate: (fd, length) => ftruncateSync(fd, length),
  fsync: (fd) => fsyncSync(fd),
  fsyncAsync: (fd, done) => fsync(fd, (err) => done(err)),
  close: (fd) => closeSync(fd),
  writeFileAtomic: (path, data) => writeFileAtomic(path, data),
  replaceFile: (path, data) => {
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  },
  rename: (from, to) => renameSync(from, to),
  remove: (path) => rmSync(path, { recursive: true, force: true }),
};

let current: FileIO = nodeFileIO;

/** The file layer in use. */
export function fileIO(): FileIO {
  return current;
}

/**
 * Swaps the file layer of every log in this process (tests only: fault injection such as a
 * full disk). Returns a function that restores the previous layer.
 */
export function useFileIO(io: FileIO): () => void {
  const previous = current;
  current = io;
  return () => {
    current = previous;
  };
}

/** Errors that mean the storage, not the request, failed: the disk is full or broken. */
export function isStorageFailure(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO' || code === 'EROFS' || code === 'EFBIG';
}
