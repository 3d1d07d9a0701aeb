/** The limits that decide whether a new connection is accepted (read at every accept: dynamic). */
export interface ConnectionLimits {
  maxConnections(): number;
  maxConnectionsPerIp(): number;
  /** `host:count,host:count` exceptions to the per-address limit. */
  perIpOverrides(): string;
}

/** Why a connection was refused: the limit's name and its value. */
export interface Refusal {
  limit: 'max.connections' | 'max.connections.per.ip' | 'max.connections.per.ip.overrides';
  value: number;
}

/**
 * Kafka's connection quotas: `max.connections` over the broker and `max.connections.per.ip`
 * (with per-address overrides). Counts connections by remote address.
 */
export class ConnectionQuotas {
  readonly #limits: ConnectionLimits;
  readonly #byIp = new Map<string, number>();
  #total = 0;
  #overridesText = '';
  #overrides = new Map<string, number>();

  constructor(limits: ConnectionLimits) {
    this.#limits = limits;
  }

  get total(): number {
    return this.#total;
  }

  /** Counts the connection and returns null, or returns the limit that refuses it (nothing counted). */
  tryAccept(ip: string): Refusal | null {
    const max = this.#limits.maxConnections();
    if (this.#total >= max) return { limit: 'max.connections', value: max };
    const override = this.#overrideFor(ip);
    const perIp = override ?? this.#limits.maxConnectionsPerIp();
    const current = this.#byIp.get(ip) ?? 0;
    if (current >= perIp) return { limit: override !== undefined ? 'max.connections.per.ip.overrides' : 'max.connections.per.ip', value: perIp };
    this.#byIp.set(ip, current + 1);
    this.#total++;
    return null;
  }

  release(ip: string): void {
    const current = this.#byIp.get(ip) ?? 0;
    if (current <= 1) this.#byIp.delete(ip);
    else this.#byIp.set(ip, current - 1);
    this.#total = Math.max(0, this.#total - 1);
  }

  #overrideFor(ip: string): number | undefined {
    const text = this.#limits.perIpOverrides();
    if (text !== this.#overridesText) {
      this.#overridesText = text;
      this.#overrides = new Map();
      for (const item of text.split(',').filter(Boolean)) {
        const at = item.lastIndexOf(':');
        this.#overrides.set(item.slice(0, at), Number(item.slice(at + 1)));
      }
    }
    return this.#overrides.get(ip) ?? this.#overrides.get(ip.replace(/^::ffff:/, ''));
  }
}
