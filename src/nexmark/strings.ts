import { SeededRandom } from './random.ts';

const MIN_STRING_LENGTH = 3;
const A = 97; // 'a'

/**
 * Random text as Nexmark makes it: words of lower-case letters with an occasional separator, and
 * `extra` padding cut from one long random string made once per generator (cheap per event).
 */
export class StringsGenerator {
  readonly #pool: string;
  readonly #codes: number[] = [];

  constructor(seed: number, poolLength = 1 << 20) {
    const r = new SeededRandom();
    r.reseed(seed, -1);
    const parts: string[] = [];
    for (let i = 0; i < poolLength; i += 4096) {
      const n = Math.min(4096, poolLength - i);
      const codes = new Array<number>(n);
      for (let j = 0; j < n; j++) codes[j] = A + r.nextInt(26);
      parts.push(String.fromCharCode(...codes));
    }
    this.#pool = parts.join('');
  }

  /** 3 to `maxLength - 1` characters: letters, 1 in 13 being `special`; trimmed. */
  nextString(r: SeededRandom, maxLength: number, special = ' '): string {
    let len = MIN_STRING_LENGTH + r.nextInt(maxLength - MIN_STRING_LENGTH);
    const codes = this.#codes;
    codes.length = 0;
    const sp = special.charCodeAt(0);
    while (len-- > 0) codes.push(r.nextInt(13) === 0 ? sp : A + r.nextInt(26));
    const s = String.fromCharCode(...codes);
    return special === ' ' ? s.trim() : s;
  }

  /** Exactly `length` random letters. */
  nextExactString(r: SeededRandom, length: number): string {
    const offset = r.nextInt(this.#pool.length - length);
    return this.#pool.slice(offset, offset + length);
  }

  /** Padding such that `currentSize` plus its length is on average `averageSize` (±20%). */
  nextExtra(r: SeededRandom, currentSize: number, averageSize: number): string {
    if (currentSize > averageSize) return '';
    const desired = averageSize - currentSize;
    const delta = Math.round(desired * 0.2);
    const size = desired - delta + (delta === 0 ? 0 : r.nextInt(2 * delta));
    return this.nextExactString(r, size);
  }
}
