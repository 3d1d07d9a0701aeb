/**
 * Writes lines to stdout respecting back-pressure. A closed pipe (`sluice consume ... | head`)
 * is not an error: `closed` becomes true and the consumer stops.
 */
export class StdoutWriter {
  #closed = false;

  constructor() {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.#closed = true;
      else throw err;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  async write(lines: string[]): Promise<void> {
    if (lines.length === 0 || this.#closed) return;
    if (!process.stdout.write(lines.join('\n') + '\n')) {
      await new Promise<void>((resolve) => {
        const done = () => {
          process.stdout.off('drain', done);
          process.stdout.off('error', done);
          resolve();
        };
        process.stdout.once('drain', done);
        process.stdout.once('error', done);
      });
    }
  }
}
