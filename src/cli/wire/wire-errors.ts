import { SluiceError } from '../../core/errors/sluice-error.ts';
import { SluiceErrorCodes } from '../../core/errors/codes.ts';
import { errorCodeName } from '../../protocol/error-codes.ts';

/**
 * A broker could not be reached or dropped the connection. The message starts with
 * "Connection to HOST:PORT failed" and `cause` holds the socket error (its `code`, such as
 * ECONNREFUSED, is the reason the CLI prints).
 */
export class BrokerConnectionError extends SluiceError {
  readonly address: string;
  /** The socket error code (ECONNREFUSED, ...) or what went wrong, in a few words. */
  readonly reason: string;
  constructor(address: string, why: string, options?: { cause?: unknown }) {
    super(SluiceErrorCodes.KAFKA_UNREACHABLE, `Connection to ${address} failed: ${why}`, options);
    this.address = address;
    this.reason = why;
  }
}

/** The broker refused the SASL credentials (or the mechanism). */
export class BrokerAuthenticationError extends SluiceError {
  constructor(address: string, why: string) {
    super(
      SluiceErrorCodes.KAFKA_AUTHENTICATION,
      `authentication failed at ${address}: ${why}; check the SASL settings of --command-config (sasl.mechanism, sasl.username / sasl.password or sasl.jaas.config)`,
    );
  }
}

/** A request answered with a Kafka error code: names the API, the error and the broker's own words. */
export class BrokerRequestError extends SluiceError {
  /** Kafka's error code, and its name (`UNKNOWN_TOPIC_OR_PARTITION`, ...). */
  readonly errorCode: number;
  readonly errorName: string;
  constructor(api: string, errorCode: number, serverMessage?: string | null, subject?: string) {
    const name = errorCodeName(errorCode);
    const what = subject === undefined ? api : `${api} of ${subject}`;
    super(SluiceErrorCodes.KAFKA_REQUEST, `${serverMessage ? `${serverMessage.replace(/\.$/, '')} ` : ''}(${name}, in ${what})`);
    this.errorCode = errorCode;
    this.errorName = name;
  }
}
