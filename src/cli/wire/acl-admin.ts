import { ApiKey } from '../../protocol/api-keys.ts';
import type { CreateAclsRequest } from '../../protocol/messages/create-acls.ts';
import type { DescribeAclsRequest, DescribeAclsResponse } from '../../protocol/messages/describe-acls.ts';
import type { DeleteAclsResponse } from '../../protocol/messages/delete-acls.ts';
import type { ClusterClient } from './cluster-client.ts';
import { BrokerRequestError } from './wire-errors.ts';

export type AclBinding = CreateAclsRequest['creations'][number];
export type AclFilter = DescribeAclsRequest;
export type DescribedAcls = DescribeAclsResponse['resources'];
export type DeletedAcl = DeleteAclsResponse['filterResults'][number]['matchingAcls'][number];

// Any broker serves the ACL APIs (Kafka's admin client sends them to the least loaded node).

/** CreateAcls: the first binding the broker refuses fails the command, naming the binding. */
export async function createAcls(cluster: ClusterClient, creations: AclBinding[]): Promise<void> {
  const { results } = await (await cluster.any()).request(ApiKey.CreateAcls, { creations });
  const failed = results.findIndex((r) => r.errorCode !== 0);
  if (failed >= 0) {
    const b = creations[failed]!;
    throw new BrokerRequestError('CreateAcls', results[failed]!.errorCode, results[failed]!.errorMessage, `${b.principal} on "${b.resourceName}"`);
  }
  if (results.length !== creations.length) throw new BrokerRequestError('CreateAcls', -1, `the broker answered for ${results.length} of ${creations.length} ACLs`);
}

/** DescribeAcls: the ACLs matching `filter`, by resource. */
export async function describeAcls(cluster: ClusterClient, filter: AclFilter): Promise<DescribedAcls> {
  const response = await (await cluster.any()).request(ApiKey.DescribeAcls, filter);
  if (response.errorCode !== 0) throw new BrokerRequestError('DescribeAcls', response.errorCode, response.errorMessage);
  return response.resources;
}

/** DeleteAcls: the ACLs each filter matched; `failed` are those the broker matched but did not delete. */
export async function deleteAcls(cluster: ClusterClient, filters: AclFilter[]): Promise<{ deleted: DeletedAcl[]; failed: DeletedAcl[] }> {
  const { filterResults } = await (await cluster.any()).request(ApiKey.DeleteAcls, { filters });
  const bad = filterResults.find((r) => r.errorCode !== 0);
  if (bad !== undefined) throw new BrokerRequestError('DeleteAcls', bad.errorCode, bad.errorMessage);
  const matching = filterResults.flatMap((r) => r.matchingAcls);
  return { deleted: matching.filter((a) => a.errorCode === 0), failed: matching.filter((a) => a.errorCode !== 0) };
}
