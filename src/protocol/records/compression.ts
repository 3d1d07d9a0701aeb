import { gunzipSync, gzipSync, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import {
  COMPRESSION_GZIP,
  COMPRESSION_LZ4,
  COMPRESSION_NONE,
  COMPRESSION_SNAPPY,
  COMPRESSION_ZSTD,
} from './batch-header.ts';
import { SluiceError } from '../../errors.ts';

/** A codec the running build cannot handle (snappy and lz4 need their optional packages). */
export class UnsupportedCompressionError extends SluiceError {
  constructor(codec: number) {
    super(
      'SLUICE_UNSUPPORTED_COMPRESSION',
      `records use compression codec ${codec}, which this build cannot decode; gzip and zstd are built in`,
    );
  }
}

/** Decompresses the records section of a batch. */
export function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case COMPRESSION_NONE:
      return data;
    case COMPRESSION_GZIP:
      return gunzipSync(data);
    case COMPRESSION_ZSTD:
      return zstdDecompressSync(data);
    case COMPRESSION_SNAPPY:
    case COMPRESSION_LZ4:
    default:
      throw new UnsupportedCompressionError(codec);
  }
}

/** Compresses a records section with one of the built-in codecs. */
export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case COMPRESSION_NONE:
      return data;
    case COMPRESSION_GZIP:
      return gzipSync(data);
    case COMPRESSION_ZSTD:
      return zstdCompressSync(data);
    default:
      throw new UnsupportedCompressionError(codec);
  }
}
