import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-file.ts';
import type { TxnMetadata } from './txn-metadata.ts';

/** The coordinator's durable state: every transactional id, and the next producer id. */
export interface TxnState {
  nextProducerId: number;
  transactions: TxnMetadata[];
}

/**
 * Keeps the transaction coordinator's state in `<dataDir>/transactions.json`, rewritten
 * atomically (temp file, fsync, rename, fsync dir) on every state change, so a kill -9 leaves
 * either the state before or after a transition, never a torn one. State changes are a few per
 * transaction, so a whole-file rewrite is cheap next to the fsync it needs anyway.
 */
export class TxnStateStore {
  readonly #path: string;

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'transactions.json');
  }

  load(): TxnState {
    if (!existsSync(this.#path)) return { nextProducerId: 1000, transactions: [] };
    return JSON.parse(readFileSync(this.#path, 'utf8')) as TxnState;
  }

  save(state: TxnState): void {
    writeFileAtomic(this.#path, JSON.stringify(state));
  }
}
