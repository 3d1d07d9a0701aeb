// What `sluice acls` does, loaded when one of its subcommands runs (the command line starts
// without the ACL model).
import type { Command } from 'commander';
import { CliError, UsageError } from '../cli-error.ts';
import { cliContext } from '../context.ts';
import { errorCodeName } from '../../protocol/error-codes.ts';
import { withCluster } from '../wire/cli-cluster.ts';
import { createAcls, deleteAcls, describeAcls, type AclBinding, type AclFilter } from '../wire/acl-admin.ts';
import { formatTable } from '../table.ts';
import { AclOperation, AclPermissionType, CLUSTER_NAME, PatternType, ResourceType, operationName, patternTypeName, permissionTypeName, resourceTypeName } from '../../broker/security/acl/acl-types.ts';
import type { AclOptions } from './acls.ts';

/** The resource named by --topic / --group / --transactional-id / --cluster (exactly one, or none for filters). */
function resourceOf(o: AclOptions, required: boolean): { resourceType: number; resourceName: string | null } {
  const given: Array<{ resourceType: number; resourceName: string }> = [];
  if (o.topic !== undefined) given.push({ resourceType: ResourceType.TOPIC, resourceName: o.topic });
  if (o.group !== undefined) given.push({ resourceType: ResourceType.GROUP, resourceName: o.group });
  if (o.transactionalId !== undefined) given.push({ resourceType: ResourceType.TRANSACTIONAL_ID, resourceName: o.transactionalId });
  if (o.cluster === true) given.push({ resourceType: ResourceType.CLUSTER, resourceName: CLUSTER_NAME });
  if (given.length > 1) throw new UsageError('name one resource: --topic, --group, --transactional-id or --cluster');
  if (given.length === 0) {
    if (required) throw new UsageError('name the resource: --topic NAME, --group NAME, --transactional-id NAME or --cluster');
    return { resourceType: ResourceType.ANY, resourceName: null };
  }
  return given[0]!;
}

function codeOf<T extends Record<string, number>>(table: T, value: string, flag: string): number {
  const code = table[value.toUpperCase().replace(/-/g, '_') as keyof T];
  if (code === undefined) throw new UsageError(`${flag} must be one of ${Object.keys(table).filter((k) => k !== 'UNKNOWN').join(', ')}, got "${value}"`);
  return code as number;
}

/** The ACLs `add` creates: every principal × operation on the one resource. */
function bindings(o: AclOptions): AclBinding[] {
  const { resourceType, resourceName } = resourceOf(o, true);
  const patternType = codeOf(PatternType, o.resourcePatternType, '--resource-pattern-type');
  if (patternType !== PatternType.LITERAL && patternType !== PatternType.PREFIXED) throw new UsageError('--resource-pattern-type of a new ACL is literal or prefixed');
  const principals = [...o.allowPrincipal.map((p) => [p, AclPermissionType.ALLOW] as const), ...o.denyPrincipal.map((p) => [p, AclPermissionType.DENY] as const)];
  if (principals.length === 0) throw new UsageError('give --allow-principal User:NAME or --deny-principal User:NAME');
  if (o.operation.length === 0) throw new UsageError('give --operation (READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALL)');
  return principals.flatMap(([principal, permissionType]) =>
    o.operation.map((op) => ({ resourceType, resourceName: resourceName!, resourcePatternType: patternType, principal, host: o.host, operation: codeOf(AclOperation, op, '--operation'), permissionType })),
  );
}

/** A filter from the options: what is not given matches anything. */
function filterOf(o: AclOptions): AclFilter {
  const { resourceType, resourceName } = resourceOf(o, false);
  const principals = [...o.allowPrincipal, ...o.denyPrincipal, ...(o.principal === undefined ? [] : [o.principal])];
  if (principals.length > 1) throw new UsageError('a filter takes one principal');
  const permissionType = o.allowPrincipal.length > 0 ? AclPermissionType.ALLOW : o.denyPrincipal.length > 0 ? AclPermissionType.DENY : AclPermissionType.ANY;
  if (o.operation.length > 1) throw new UsageError('a filter takes one --operation');
  return {
    resourceTypeFilter: resourceType,
    resourceNameFilter: resourceName,
    patternTypeFilter: codeOf(PatternType, o.resourcePatternType, '--resource-pattern-type'),
    principalFilter: principals[0] ?? null,
    hostFilter: o.host === '*' ? null : o.host,
    operation: o.operation.length === 0 ? AclOperation.ANY : codeOf(AclOperation, o.operation[0]!, '--operation'),
    permissionType,
  };
}

const rowOf = (r: { resourceType: number; resourceName: string; patternType: number }, a: { principal: string; host: string; operation: number; permissionType: number }) => [
  resourceTypeName(r.resourceType),
  r.resourceName,
  patternTypeName(r.patternType),
  a.principal,
  a.host,
  operationName(a.operation),
  permissionTypeName(a.permissionType),
];
const HEADERS = ['RESOURCE TYPE', 'NAME', 'PATTERN', 'PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION'];

/** Adds the ACLs the options describe: each principal gets each operation on the resource. */
export async function addAcls(o: AclOptions, command: Command): Promise<void> {
  const ctx = cliContext(command);
  const creations = bindings(o);
  await withCluster(ctx, (cluster) =>
    createAcls(cluster, creations).catch((err: unknown) => {
      throw new CliError('cannot add ACLs', { cause: err });
    }),
  );
  process.stdout.write(`added ${creations.length} ACL${creations.length === 1 ? '' : 's'}\n`);
}

/** Lists the ACLs matching the options. */
export async function listAcls(o: AclOptions, command: Command): Promise<void> {
  const ctx = cliContext(command);
  const filter = filterOf(o);
  const resources = await withCluster(ctx, (cluster) =>
    describeAcls(cluster, filter).catch((err: unknown) => {
      throw new CliError('cannot list ACLs', { cause: err });
    }),
  );
  const rows = resources.flatMap((r) => r.acls.map((a) => rowOf(r, a)));
  if (rows.length > 0) process.stdout.write(formatTable(HEADERS, rows));
}

/** Removes the ACLs matching the options. */
export async function removeAcls(o: AclOptions, command: Command): Promise<void> {
  const ctx = cliContext(command);
  const filter = filterOf(o);
  if (filter.resourceTypeFilter === ResourceType.ANY) throw new UsageError('name the resource whose ACLs to remove: --topic, --group, --transactional-id or --cluster');
  const { deleted, failed } = await withCluster(ctx, (cluster) =>
    deleteAcls(cluster, [filter]).catch((err: unknown) => {
      throw new CliError('cannot remove ACLs', { cause: err });
    }),
  );
  process.stdout.write(`removed ${deleted.length} ACL${deleted.length === 1 ? '' : 's'}\n`);
  if (failed.length > 0) {
    const why = failed.map((a) => `${rowOf(a, a).join(' ')}: ${a.errorMessage ?? errorCodeName(a.errorCode)}`);
    throw new CliError(`${failed.length} matching ACL${failed.length === 1 ? '' : 's'} could not be removed: ${why.join('; ')}`);
  }
}
