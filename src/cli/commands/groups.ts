import type { Command } from 'commander';
import { registerGroupsDescribe } from './groups-describe.ts';
import { registerGroupsList } from './groups-list.ts';

/** `sluice groups list|describe` */
export function registerGroupsCommand(program: Command): void {
  const groups = program.command('groups').description('list and describe consumer groups');
  registerGroupsList(groups);
  registerGroupsDescribe(groups);
}
