import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { InputStatus, type Boundedness, type Source, type SourceReader } from '../../core/source.ts';

/**
 * A bounded source of the lines of text files (UTF-8). Files are split over the parallel
 * subtasks (file i goes to subtask i % parallelism); each file is read in chunks.
 *
 * @example
 * ```ts
 * import { FileSource, WatermarkStrategy } from 'sluice';
 * env.fromSource(FileSource.forLines('input.txt'), WatermarkStrategy.noWatermarks(), 'lines');
 * ```
 */
export class FileSource implements Source<string> {
  readonly paths: readonly string[];
  readonly chunkSize: number;
  private constructor(paths: readonly string[], chunkSize: number) {
    this.paths = paths;
    this.chunkSize = chunkSize;
  }
  static forLines(...paths: string[]): FileSource {
    if (paths.length === 0) throw new TypeError('FileSource.forLines needs at least one path');
    return new FileSource(paths, 64 * 1024);
  }
  get maxParallelism(): number {
    return this.paths.length;
  }
  getBoundedness(): Boundedness {
    return 'bounded';
  }
  createReader(ctx: { subtaskIndex: number; parallelism: number }): SourceReader<string> {
    const mine = this.paths.filter((_, i) => i % ctx.parallelism === ctx.subtaskIndex);
    const chunkSize = this.chunkSize;
    let fileIdx = 0;
    let handle: FileHandle | undefined;
    let decoder = new StringDecoder('utf8');
    let lines: string[] = [];
    let lineIdx = 0;
    let partial = '';
    let eof = false;
    let pending: Promise<void> | undefined;
    let failure: unknown;
    const buf = Buffer.allocUnsafe(chunkSize);

    const readMore = async (): Promise<void> => {
      if (handle === undefined) {
        handle = await open(mine[fileIdx]!, 'r');
        decoder = new StringDecoder('utf8');
        partial = '';
        eof = false;
      }
      const { bytesRead } = await handle.read(buf, 0, chunkSize, null);
      let text: string;
      if (bytesRead === 0) {
        text = partial + decoder.end();
        eof = true;
        await handle.close();
        handle = undefined;
        fileIdx++;
        lines = text.length > 0 ? text.split(/\r?\n/) : [];
        if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
        partial = '';
      } else {
        text = partial + decoder.write(buf.subarray(0, bytesRead));
        const parts = text.split(/\r?\n/);
        partial = parts.pop()!;
        lines = parts;
      }
      lineIdx = 0;
    };

    return {
      pollNext(out) {
        if (failure !== undefined) throw failure;
        if (lineIdx < lines.length) {
          out.collect(lines[lineIdx++]!);
          return InputStatus.MORE_AVAILABLE;
        }
        if (fileIdx >= mine.length && handle === undefined && (eof || mine.length === 0)) return InputStatus.END_OF_INPUT;
        pending ??= readMore().then(
          () => void (pending = undefined),
          (e: unknown) => {
            failure = e;
            pending = undefined;
          },
        );
        return InputStatus.NOTHING_AVAILABLE;
      },
      isAvailable: () => pending ?? Promise.resolve(),
      close: async () => {
        await handle?.close();
      },
    };
  }
}
