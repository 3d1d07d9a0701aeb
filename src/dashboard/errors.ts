import { SluiceErrorCodes, type SluiceErrorCode } from '../core/errors/codes.ts';
import { SluiceError } from '../core/errors/sluice-error.ts';

/**
 * An HTTP request the dashboard refuses or cannot answer. `status` is the HTTP status; the JSON body
 * is `{ "errors": [message], "code": code }` (Flink's REST error shape plus the stable code).
 */
export class DashboardRequestError extends SluiceError {
  readonly status: number;
  constructor(status: number, code: SluiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.status = status;
  }
}

export const notFound = (what: string) => new DashboardRequestError(404, SluiceErrorCodes.DASHBOARD_NOT_FOUND, `${what} not found`);
export const forbidden = (message: string) => new DashboardRequestError(403, SluiceErrorCodes.DASHBOARD_ACCESS_DENIED, message);
export const badRequest = (message: string) => new DashboardRequestError(400, SluiceErrorCodes.DASHBOARD_BAD_REQUEST, message);

/** Kafka did not answer in time or failed; the page shows the message and retries later. */
export class KafkaUnavailableError extends DashboardRequestError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(504, SluiceErrorCodes.DASHBOARD_KAFKA_UNAVAILABLE, message, options);
  }
}

/** The dashboard could not start (address in use, bad host). */
export class DashboardStartError extends SluiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(SluiceErrorCodes.DASHBOARD_START_FAILED, message, options);
  }
}
