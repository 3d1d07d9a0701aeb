import type { Admin } from '@platformatic/kafka';
import { CliError } from './cli-error.ts';

/** Throws a clear error when `topic` does not exist (checked with a Metadata request that never auto-creates). */
export async function requireTopic(admin: Admin, topic: string): Promise<void> {
  const topics = await admin.listTopics({ includeInternals: true });
  if (!topics.includes(topic)) throw new CliError(`topic "${topic}" does not exist`);
}

/** Same, for code that holds a metadata-capable client. */
export function unknownTopic(topic: string): CliError {
  return new CliError(`topic "${topic}" does not exist`);
}
