import { fstatSync, statSync } from 'node:fs';
import { nodeFileIO, type FileIO } from '../../../src/broker/log/file-io.ts';

/**
 * A file layer with a capacity: the bytes of the files the log writes are counted, and a write
 * that would go past the capacity writes what fits and fails with ENOSPC, as a full disk does.
 * Removing files gives their bytes back. (A size-limited file system made without root.)
 */
export class DiskQuota implements FileIO {
  capacity: number;
  readonly #sizes = new Map<string, number>();
  readonly #paths = new Map<number, string>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get used(): number {
    let n = 0;
    for (const s of this.#sizes.values()) n += s;
    return n;
  }

  #full(path: string): NodeJS.ErrnoException {
    const err = new Error(`ENOSPC: no space left on device, write '${path}'`) as NodeJS.ErrnoException;
    err.code = 'ENOSPC';
    err.errno = -28;
    return err;
  }

  #track(fd: number, path: string): number {
    this.#paths.set(fd, path);
    this.#sizes.set(path, fstatSync(fd).size);
    return fd;
  }

  openReadWrite = (path: string) => this.#track(nodeFileIO.openReadWrite(path), path);
  openRead = (path: string) => nodeFileIO.openRead(path);
  readSync = nodeFileIO.readSync;
  read = nodeFileIO.read;
  fsync = nodeFileIO.fsync;
  fsyncAsync = nodeFileIO.fsyncAsync;

  write = (fd: number, buf: Buffer, offset: number, length: number, position: number): number => {
    const path = this.#paths.get(fd);
    if (path === undefined) return nodeFileIO.write(fd, buf, offset, length, position);
    const size = this.#sizes.get(path) ?? 0;
    const grow = Math.max(0, position + length - size);
    const room = this.capacity - this.used;
    if (grow > room) {
      const fits = Math.max(0, length - (grow - room));
      if (fits > 0) this.write(fd, buf, offset, fits, position);
      throw this.#full(path);
    }
    const n = nodeFileIO.write(fd, buf, offset, length, position);
    this.#sizes.set(path, Math.max(size, position + n));
    return n;
  };

  truncate = (fd: number, length: number): void => {
    nodeFileIO.truncate(fd, length);
    const path = this.#paths.get(fd);
    if (path !== undefined) this.#sizes.set(path, length);
  };

  close = (fd: number): void => {
    this.#paths.delete(fd);
    nodeFileIO.close(fd);
  };

  #replace(path: string, data: string | Buffer, write: (p: string, d: string | Buffer) => void): void {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    // The temp file needs its whole size until the rename frees the old one.
    if (bytes > this.capacity - this.used) throw this.#full(path);
    write(path, data);
    this.#sizes.set(path, bytes);
  }

  writeFileAtomic = (path: string, data: string | Buffer) => this.#replace(path, data, nodeFileIO.writeFileAtomic);
  replaceFile = (path: string, data: string | Buffer) => this.#replace(path, data, nodeFileIO.replaceFile);

  rename = (from: string, to: string): void => {
    nodeFileIO.rename(from, to);
    for (const [p, s] of [...this.#sizes]) {
      if (p === from || p.startsWith(`${from}/`)) {
        this.#sizes.delete(p);
        this.#sizes.set(to + p.slice(from.length), s);
      }
    }
    for (const [fd, p] of this.#paths) if (p === from || p.startsWith(`${from}/`)) this.#paths.set(fd, to + p.slice(from.length));
  };

  remove = (path: string): void => {
    nodeFileIO.remove(path);
    for (const p of [...this.#sizes.keys()]) if (p === path || p.startsWith(`${path}/`)) this.#sizes.delete(p);
  };

  /** Counts files already on disk (a restart on a full disk). */
  adopt(paths: string[]): void {
    for (const p of paths) this.#sizes.set(p, statSync(p).size);
  }
}
