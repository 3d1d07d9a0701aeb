import { BrokerRequestError } from '../wire/wire-errors.ts';

/** Whether an error (of either client, possibly nested or aggregated) says the topic does not exist. */
export function isUnknownTopic(err: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (e: unknown): boolean => {
    if (!(e instanceof Error) || seen.has(e)) return false;
    seen.add(e);
    if (e instanceof BrokerRequestError) return e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION' || e.errorName === 'UNKNOWN_TOPIC_ID';
    const x = e as Error & { apiId?: string; errors?: unknown[] };
    if (x.apiId === 'UNKNOWN_TOPIC_OR_PARTITION' || x.apiId === 'UNKNOWN_TOPIC_ID' || /^Unknown topic /.test(x.message)) return true;
    return (x.errors ?? []).some(walk) || walk(x.cause);
  };
  return walk(err);
}
