import type { Socket } from 'node:net';
import { BrokerProxy } from '../../helpers/broker-proxy.ts';

const PRODUCE = 0;

/**
 * A TCP proxy on 127.0.0.1 between Kafka clients and one broker that can cut connections in the
 * worst place for a producer: after the broker has answered a Produce request (so the batch is
 * in the log) but before the answer reaches the client, which must then retry the same batch.
 *
 * Clients only bootstrap through a proxy unless the broker addresses in Metadata and
 * FindCoordinator answers point back at it, so every response has `127.0.0.1` followed by the
 * broker's port (a host string then a port int32, in every version of both APIs) rewritten to the
 * proxy's port: same length, so no re-encoding.
 */
export class CutProxy extends BrokerProxy {
  /** Produce requests (counted from 1 over all connections) whose responses are swallowed. */
  readonly cutAt: Set<number>;
  #produces = 0;
  /** Connections cut so far. */
  cuts = 0;

  constructor(upstreamPort: number, cutAt: Iterable<number> = []) {
    super(upstreamPort);
    this.cutAt = new Set(cutAt);
  }

  /** Produce requests seen so far. */
  get produces(): number {
    return this.#produces;
  }

  protected relay(client: Socket, upstream: Socket): void {
    const doomed = new Set<number>(); // correlation ids whose response must not be forwarded
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    frames(client, (frame) => {
      if (frame.readInt16BE(4) === PRODUCE && this.cutAt.has(++this.#produces)) doomed.add(frame.readInt32BE(8));
      upstream.write(frame);
    });
    frames(upstream, (frame) => {
      if (doomed.has(frame.readInt32BE(4))) {
        this.cuts++;
        cut();
        return;
      }
      pointBrokerAddressesAt(frame, this.upstreamPort, this.port);
      client.write(frame);
    });
  }
}

/**
 * Rewrites, in place, every `127.0.0.1` + `upstreamPort` (a host string then a port int32, as in
 * Metadata and FindCoordinator answers) in a response frame to `proxyPort`: same length, no re-encoding.
 */
export function pointBrokerAddressesAt(frame: Buffer, upstreamPort: number, proxyPort: number): void {
  const needle = Buffer.alloc(9 + 4);
  needle.write('127.0.0.1', 0, 'latin1');
  needle.writeInt32BE(upstreamPort, 9);
  for (let at = frame.indexOf(needle); at >= 0; at = frame.indexOf(needle, at + needle.length)) frame.writeInt32BE(proxyPort, at + 9);
}

/** Calls `onFrame` with each size-prefixed frame (prefix included) read from `socket`. */
export function frames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0) + 4;
      if (pending.length < size) break;
      onFrame(Buffer.from(pending.subarray(0, size)));
      pending = pending.subarray(size);
    }
  });
}
