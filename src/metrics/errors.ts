import { SluiceErrorCodes } from '../core/errors/codes.ts';
import { SluiceError } from '../core/errors/sluice-error.ts';

/** A metric or metric group name that cannot be used (empty). */
export class MetricNameError extends SluiceError {
  constructor(what: string, name: string) {
    super(SluiceErrorCodes.METRIC_NAME_INVALID, `${what} name ${JSON.stringify(name)} is not valid: give a non-empty name such as "recordsSeen"`);
  }
}
