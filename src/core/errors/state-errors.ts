import { SluiceErrorCodes } from './codes.ts';
import { SluiceError } from './sluice-error.ts';

/** Keyed state used where there is no key, or in a way its kind does not allow. */
export class StateAccessError extends SluiceError {
  constructor(message: string) {
    super(SluiceErrorCodes.STATE_ACCESS, message);
  }
  static noKey(state: string): StateAccessError {
    return new StateAccessError(
      `keyed state '${state}' was accessed outside of a keyed context. Keyed state and timers only work on a ` +
        `KeyedStream: call keyBy(...) before process/map/..., and access state from processElement/onTimer, not from open().`,
    );
  }
}
