import type { RequestContext } from '../broker-context.ts';
import { supportedApiVersions } from '../../protocol/api-keys.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { HANDLERS } from './index.ts';

type ApiRange = { apiKey: number; minVersion: number; maxVersion: number };
let advertised: ApiRange[] | undefined;

/**
 * The APIs this broker answers: those the codec implements and a handler serves. The codec may
 * know more (e.g. the security APIs before their handlers exist); advertising those would make
 * clients send requests that close the connection. Computed on first use: HANDLERS imports this
 * module, so it is not yet defined while this module loads.
 */
function advertisedApis(): ApiRange[] {
  advertised ??= supportedApiVersions().filter((api) => HANDLERS.has(api.apiKey));
  return advertised;
}

/** ApiVersions: the version range of every API we implement. */
export function handleApiVersions(_ctx: RequestContext): object {
  return { errorCode: ErrorCode.NONE, apiKeys: advertisedApis(), throttleTimeMs: 0 };
}

/** The v0 answer to an ApiVersions request of a version we do not know (KIP-511). */
export function unsupportedApiVersionsBody(): object {
  return { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: advertisedApis(), throttleTimeMs: 0 };
}
