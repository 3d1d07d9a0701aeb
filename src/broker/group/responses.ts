import * as E from './error-codes.ts';
import type { JoinGroupResponse, SyncGroupResponse } from './messages.ts';

const EMPTY = Buffer.alloc(0);

/**
 * A JoinGroup answer for `version`: ProtocolName is only nullable from v7, so older versions get
 * '' instead of null (the encoder would otherwise have nothing to write).
 */
export function joinResponse(version: number, fields: Partial<JoinGroupResponse>): JoinGroupResponse {
  const r: JoinGroupResponse = {
    throttleTimeMs: 0,
    errorCode: E.NONE,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId: '',
    members: [],
    ...fields,
  };
  if (version < 7 && r.protocolName === null) r.protocolName = '';
  if (version < 9) r.skipAssignment = false;
  return r;
}

export function joinError(version: number, errorCode: number, memberId: string): JoinGroupResponse {
  return joinResponse(version, { errorCode, memberId });
}

export function syncResponse(fields: Partial<SyncGroupResponse>): SyncGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: E.NONE,
    protocolType: null,
    protocolName: null,
    assignment: EMPTY,
    ...fields,
  };
}

export function syncError(errorCode: number): SyncGroupResponse {
  return syncResponse({ errorCode });
}
