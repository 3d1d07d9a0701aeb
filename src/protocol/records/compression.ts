import { createRequire } from 'node:module';
import {
  COMPRESSION_GZIP,
  COMPRESSION_LZ4,
  COMPRESSION_NONE,
  COMPRESSION_SNAPPY,
  COMPRESSION_ZSTD,
} from './batch-header.ts';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** node:zlib, loaded on the first gzip or zstd batch (a process that never sees one does not pay for it). */
const zlib = (): typeof import('node:zlib') => process.getBuiltinModule('node:zlib');

type WasmCodecs = typeof import('@platformatic/wasm-utils');
let wasmCodecs: WasmCodecs | undefined;
/** Snappy and LZ4 (WebAssembly that compiles as its module loads), loaded on the first batch that uses them. */
const wasm = (): WasmCodecs => (wasmCodecs ??= createRequire(import.meta.url)('@platformatic/wasm-utils') as WasmCodecs);

/** A codec number outside Kafka's five (none, gzip, snappy, lz4, zstd). */
export class UnsupportedCompressionError extends SluiceError {
  constructor(codec: number) {
    super(
      'SLUICE_UNSUPPORTED_COMPRESSION',
      `records use compression codec ${codec}, which Kafka does not define; use none, gzip, snappy, lz4 or zstd`,
    );
  }
}

/** Thrown when a compressed records section does not decode. */
export class CorruptCompressedDataError extends SluiceError {
  constructor(codec: string, why: string) {
    super('SLUICE_CORRUPT_COMPRESSED_DATA', `${codec} records section does not decode: ${why}`);
  }
}

/**
 * Snappy in Kafka: the Java client writes xerial's stream framing (a 16-byte header, then chunks
 * of `int32 length | raw snappy block`); librdkafka and others may write one raw block. Both are
 * read; xerial framing is written, as the Java producer does, so every client reads it back.
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** xerial's default block size, which the Java producer uses. */
const XERIAL_BLOCK = 32 * 1024;

function snappyDecode(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER_SIZE || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return wasm().snappyDecompress(data);
  const chunks: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new CorruptCompressedDataError('snappy', `truncated chunk length at byte ${pos}`);
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new CorruptCompressedDataError('snappy', `chunk of ${len} bytes at byte ${pos} runs past the end`);
    chunks.push(wasm().snappyDecompress(data.subarray(pos, pos + len)));
    pos += len;
  }
  return Buffer.concat(chunks);
}

function snappyEncode(data: Buffer): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8); // version
  header.writeInt32BE(1, 12); // minimum compatible version
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK) {
    const block = wasm().snappyCompress(data.subarray(pos, Math.min(pos + XERIAL_BLOCK, data.length)));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

/** Decompresses the records section of a batch (LZ4 is the LZ4 frame format Kafka uses since KIP-57). */
export function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case COMPRESSION_NONE:
      return data;
    case COMPRESSION_GZIP:
      return zlib().gunzipSync(data);
    case COMPRESSION_ZSTD:
      return zlib().zstdDecompressSync(data);
    case COMPRESSION_SNAPPY:
      return snappyDecode(data);
    case COMPRESSION_LZ4:
      return wasm().lz4Decompress(data);
    default:
      throw new UnsupportedCompressionError(codec);
  }
}

/** Compresses a records section with one of Kafka's codecs. */
export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case COMPRESSION_NONE:
      return data;
    case COMPRESSION_GZIP:
      return zlib().gzipSync(data);
    case COMPRESSION_ZSTD:
      return zlib().zstdCompressSync(data);
    case COMPRESSION_SNAPPY:
      return snappyEncode(data);
    case COMPRESSION_LZ4:
      return wasm().lz4Compress(data);
    default:
      throw new UnsupportedCompressionError(codec);
  }
}
