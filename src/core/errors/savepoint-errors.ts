import { SluiceErrorCodes as C } from './codes.ts';
import { SluiceError } from './sluice-error.ts';

/**
 * A savepoint directory cannot be loaded: no `_metadata` (never completed, or not a savepoint), a
 * file missing or with another checksum than `_metadata` records, or a format version this Sluice
 * does not read. Nothing is restored.
 *
 * @example
 * ```ts
 * import { SavepointFormatError } from 'sluice';
 * try { await env.execute('orders', { fromSavepoint: '/backups/sp' }); } catch (e) {
 *   if (e instanceof SavepointFormatError) console.error(e.path, e.message);
 * }
 * ```
 */
export class SavepointFormatError extends SluiceError {
  readonly path: string;
  constructor(path: string, message: string, cause?: unknown) {
    super(C.SAVEPOINT_INVALID, message, cause === undefined ? undefined : { cause });
    this.path = path;
  }
}

/**
 * A savepoint holds state of operators (by uid) that the job being started does not have. Flink
 * refuses such a restore unless told to drop that state (`allowNonRestoredState` /
 * `sluice run --allow-non-restored-state`); `uids` lists them.
 *
 * @example
 * ```ts
 * import { NonRestoredStateError } from 'sluice';
 * try { await env.execute('orders', { fromSavepoint: dir }); } catch (e) {
 *   if (e instanceof NonRestoredStateError) console.error('state without operator:', e.uids);
 * }
 * ```
 */
export class NonRestoredStateError extends SluiceError {
  readonly uids: readonly string[];
  constructor(uids: readonly string[], savepoint: string) {
    super(
      C.SAVEPOINT_NON_RESTORED_STATE,
      `the savepoint ${savepoint} has state of operator uid(s) ${uids.map((u) => `'${u}'`).join(', ')} that this job does not have. ` +
        'Give the operators their old uid(...) again, or drop that state with --allow-non-restored-state (ExecuteOptions.allowNonRestoredState)',
    );
    this.uids = uids;
  }
}

/**
 * A stop-with-savepoint request did not complete: the job's worker reported a failure (it keeps
 * running), or no worker answered in time.
 *
 * @example
 * ```ts
 * import { SavepointFailedError } from 'sluice';
 * const e = new SavepointFailedError('orders', 'cannot write /backups: EACCES');
 * console.error(e.code); // SLUICE_SAVEPOINT_FAILED
 * ```
 */
export class SavepointFailedError extends SluiceError {
  constructor(jobId: string, reason: string) {
    super(C.SAVEPOINT_FAILED, `stop-with-savepoint of job '${jobId}' failed: ${reason}`);
  }
}
