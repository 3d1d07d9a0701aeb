import { Admin } from '@platformatic/kafka';

/** Creates topics directly (in-process), for tests whose subject is not `topics create`. */
export async function createTopics(bootstrap: string, topics: Record<string, number>): Promise<void> {
  const admin = new Admin({ clientId: 'cli-test-setup', bootstrapBrokers: [bootstrap] });
  try {
    for (const [name, partitions] of Object.entries(topics)) await admin.createTopics({ topics: [name], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Resolves once `group` is Stable with `members` members (polled in-process). The default timeout leaves room for a CLI child starting on a loaded machine (20 s failed at load 20). */
export async function waitForStableGroup(bootstrap: string, group: string, members: number, timeoutMs = 120_000): Promise<void> {
  const admin = new Admin({ clientId: 'cli-test-watch', bootstrapBrokers: [bootstrap] });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const g = (await admin.describeGroups({ groups: [group] })).get(group);
      if (g && String(g.state).toLowerCase() === 'stable' && g.members.size === members) return;
      if (Date.now() > deadline) throw new Error(`group ${group} not stable with ${members} members: ${g?.state} ${g?.members.size}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.close();
  }
}
