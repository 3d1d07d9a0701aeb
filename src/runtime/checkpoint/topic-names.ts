/** Names of a job's internal topics (a module of its own: the durable state, restores and standby replicas all use them). */

/** Kafka's topic and group charset; everything else becomes '-'. */
export function sanitizeJobId(name: string): string {
  const id = name.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return id === '' ? 'sluice-job' : id;
}

/** The changelog topic of a keyed operator: `<jobId>-<uid>-changelog` (one partition per key group). */
export function changelogTopicOf(jobId: string, uid: string): string {
  return `${jobId}-${sanitizeJobId(uid)}-changelog`;
}
