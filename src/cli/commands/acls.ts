import type { Command } from 'commander';

/** Options of `sluice acls add|list|remove`. */
export interface AclOptions {
  allowPrincipal: string[];
  denyPrincipal: string[];
  principal?: string;
  operation: string[];
  topic?: string;
  group?: string;
  transactionalId?: string;
  cluster?: boolean;
  resourcePatternType: string;
  host: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The options every `acls` subcommand takes. */
function aclOptions(command: Command, patternDefault: string): Command {
  return command
    .option('--allow-principal <principal>', 'principal allowed, e.g. User:alice (repeatable)', collect, [])
    .option('--deny-principal <principal>', 'principal denied (repeatable)', collect, [])
    .option('--operation <op>', 'READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE or ALL (repeatable)', collect, [])
    .option('--topic <name>', 'a topic (with --resource-pattern-type prefixed: every topic starting with it)')
    .option('--group <name>', 'a consumer group')
    .option('--transactional-id <id>', 'a transactional id')
    .option('--cluster', 'the cluster (kafka-cluster)')
    .option('--resource-pattern-type <type>', 'literal, prefixed (filters also: any, match)', patternDefault)
    .option('--host <host>', 'client host the ACL applies to', '*');
}

/** `sluice acls add|list|remove`: Kafka ACLs (as kafka-acls.sh manages them). */
export function registerAclsCommand(program: Command): void {
  const acls = program.command('acls').description('manage ACLs (needs a broker with an authorizer; you need ALTER / DESCRIBE on the cluster)');
  aclOptions(acls.command('add').description('add ACLs: each principal gets each operation on the resource'), 'literal').action(async (o: AclOptions, command: Command) => (await import('./acls-actions.ts')).addAcls(o, command));
  aclOptions(acls.command('list').description('list ACLs matching the options (all without options)'), 'any')
    .option('--principal <principal>', 'only ACLs of this principal')
    .action(async (o: AclOptions, command: Command) => (await import('./acls-actions.ts')).listAcls(o, command));
  aclOptions(acls.command('remove').description('remove the ACLs matching the options'), 'literal')
    .option('--principal <principal>', 'only ACLs of this principal')
    .action(async (o: AclOptions, command: Command) => (await import('./acls-actions.ts')).removeAcls(o, command));
}
