import type { DashboardClients } from './clients.ts';
import { partitionKey } from './offsets.ts';

/** How long a cluster that refused DescribeLogDirs is not asked again. */
const RETRY_AFTER_MS = 60_000;

/**
 * Partition sizes on disk through DescribeLogDirs (every broker answers for its replicas; a
 * partition's size is its largest replica). Clusters without the API or that refuse it (authorization) get `unavailable` with the reason, and are
 * asked again only a minute later.
 */
export class LogDirSizes {
  readonly #clients: DashboardClients;
  #refusedAt = -Infinity;
  #reason = '';

  constructor(clients: DashboardClients) {
    this.#clients = clients;
  }

  async read(wanted: Map<string, number[]>): Promise<{ bytes?: Map<string, number>; unavailable?: string }> {
    if (wanted.size === 0) return { bytes: new Map() };
    // The wall clock only paces retries of a refused optional request; no result depends on it.
    if (performance.now() - this.#refusedAt < RETRY_AFTER_MS) return { unavailable: this.#reason };
    try {
      const admin = await this.#clients.admin();
      const brokers = await this.#clients.call(
        'describing log dirs',
        admin.describeLogDirs({ topics: [...wanted].map(([name, partitions]) => ({ name, partitions })) }),
      );
      const bytes = new Map<string, number>();
      for (const b of brokers) {
        for (const dir of b.results) {
          for (const t of dir.topics) {
            for (const p of t.partitions) {
              if (p.isFutureKey) continue;
              const key = partitionKey(t.name, p.partitionIndex);
              bytes.set(key, Math.max(bytes.get(key) ?? 0, Number(p.partitionSize)));
            }
          }
        }
      }
      return { bytes };
    } catch (err) {
      this.#refusedAt = performance.now();
      this.#reason = `the cluster did not answer DescribeLogDirs (${err instanceof Error ? err.message : String(err)})`;
      return { unavailable: this.#reason };
    }
  }
}
