import { JobConfigurationError } from '../../core/errors/job-errors.ts';

/**
 * A worker's static membership in its job group (Kafka's KIP-345 `group.instance.id`): a worker
 * restarted with the same instance id within the group's session timeout gets its tasks back
 * without a rebalance of the others.
 */
export interface StaticMembership {
  /** The group.instance.id; also names the worker's transactional id under exactly-once. */
  readonly instanceId: string;
  /** On stop (SIGTERM, cancel) keep the membership instead of leaving: a restart is expected (Kafka Streams' REMAIN_IN_GROUP). */
  readonly remainInGroupOnStop: boolean;
}

/** Kafka's rule for group.instance.id (as for topic names), which transactional ids also satisfy. */
const INSTANCE_ID = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * The worker's static membership from the options, else from `SLUICE_INSTANCE_ID` /
 * `SLUICE_REMAIN_IN_GROUP` (`sluice run --instance-id ID [--remain-in-group]`); undefined for a
 * dynamic member.
 */
export function staticMembershipOf(opts: { readonly instanceId?: string | undefined; readonly remainInGroupOnStop?: boolean | undefined }): StaticMembership | undefined {
  const instanceId = opts.instanceId ?? nonEmpty(process.env.SLUICE_INSTANCE_ID);
  const remainText = process.env.SLUICE_REMAIN_IN_GROUP;
  if (remainText !== undefined && remainText !== '' && remainText !== 'true' && remainText !== 'false') {
    throw new JobConfigurationError(`SLUICE_REMAIN_IN_GROUP must be 'true' or 'false', got '${remainText}'`);
  }
  const remainInGroupOnStop = opts.remainInGroupOnStop ?? remainText === 'true';
  if (instanceId === undefined) {
    if (opts.remainInGroupOnStop === true || remainText === 'true') {
      throw new JobConfigurationError('remaining in the job group on stop needs a static instance id: set instanceId (sluice run --instance-id ID)');
    }
    return undefined;
  }
  if (!INSTANCE_ID.test(instanceId)) {
    throw new JobConfigurationError(`the instance id must be 1 to 249 letters, digits, '.', '_' or '-', got ${JSON.stringify(instanceId)}`);
  }
  return { instanceId, remainInGroupOnStop };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
