import type { RequestContext } from '../broker-context.ts';
import { supportedApiVersions } from '../../protocol/api-keys.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

const API_KEYS = supportedApiVersions();

/** ApiVersions: the version range of every API we implement. */
export function handleApiVersions(_ctx: RequestContext): object {
  return { errorCode: ErrorCode.NONE, apiKeys: API_KEYS, throttleTimeMs: 0 };
}

/** The v0 answer to an ApiVersions request of a version we do not know (KIP-511). */
export function unsupportedApiVersionsBody(): object {
  return { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: API_KEYS, throttleTimeMs: 0 };
}
