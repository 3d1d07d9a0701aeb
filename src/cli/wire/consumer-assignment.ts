import { Reader } from '../../protocol/primitives/reader.ts';
import { compileMessage } from '../../protocol/schema/compile.ts';
import { array, field, message } from '../../protocol/schema/dsl.ts';

// Kafka's ConsumerProtocolAssignment (what a consumer group member of protocol type "consumer"
// is given in SyncGroup, and what DescribeGroups returns as memberAssignment): an int16 version,
// then the body. No version is flexible; newer versions only append fields, so a version above
// the highest known decodes with the layout of the highest known.
const assignment = compileMessage(
  message('ConsumerProtocolAssignment', '0-3', 'none', [
    array('assignedPartitions', '0+', [field('topic', 'string', '0+'), field('partitions', '[]int32', '0+')]),
    field('userData', 'bytes', '0+', { nullable: '0+' }),
  ]),
);

export interface AssignedPartitions {
  topic: string;
  partitions: number[];
}

/**
 * The partitions in a member's assignment, in the order the assignor wrote them; undefined when the
 * bytes are empty (a member between JoinGroup and SyncGroup) or are not a consumer assignment.
 */
export function decodeConsumerAssignment(bytes: Buffer): AssignedPartitions[] | undefined {
  if (bytes.length < 2) return undefined;
  try {
    const reader = new Reader(bytes);
    const version = reader.readInt16();
    if (version < 0) return undefined;
    const body = assignment.decoder(Math.min(version, assignment.maxVersion))!(reader) as { assignedPartitions: AssignedPartitions[] };
    return body.assignedPartitions;
  } catch {
    return undefined;
  }
}
