/**
 * Ways out of the `sluice` process that lose nothing it wrote. Writes to a pipe are asynchronous
 * in Node: `process.exit()` drops whatever the reader has not taken yet, so every exit first
 * waits until stdout and stderr handed everything to the operating system (however slow the
 * reader), unless the reader is gone.
 */

/** Resolves when everything written to `stream` so far has left the process (or cannot: the reader closed). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('error', done);
    stream.once('close', done);
    // Writes complete in order: this callback runs once every earlier write has been flushed.
    stream.write('', done);
  });
}

/** Waits until stdout, then stderr, drained. */
export async function drainStdio(): Promise<void> {
  await drained(process.stdout);
  await drained(process.stderr);
}

/** Exits with `code` once stdout and stderr drained. */
export async function exitWhenDrained(code: number): Promise<never> {
  await drainStdio();
  process.exit(code);
}
