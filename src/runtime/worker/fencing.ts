import { SluiceErrorCodes } from '../../core/errors/codes.ts';

const FENCING = new Set<string>([SluiceErrorCodes.PRODUCER_FENCED, SluiceErrorCodes.WORKER_FENCED]);

/** Whether a worker failed because Kafka fenced it (its producer epoch or its group generation is stale). */
export function isFencing(e: unknown): boolean {
  for (let x = e, depth = 0; x !== undefined && x !== null && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    if (FENCING.has((x as { code?: string }).code ?? '')) return true;
  }
  return false;
}
