import type { Command } from 'commander';
import { registerTopicsCreate } from './topics-create.ts';
import { registerTopicsDelete } from './topics-delete.ts';
import { registerTopicsDescribe } from './topics-describe.ts';
import { registerTopicsList } from './topics-list.ts';

/** `sluice topics create|list|describe|delete` */
export function registerTopicsCommand(program: Command): void {
  const topics = program.command('topics').description('create, list, describe and delete topics');
  registerTopicsCreate(topics);
  registerTopicsList(topics);
  registerTopicsDescribe(topics);
  registerTopicsDelete(topics);
}
