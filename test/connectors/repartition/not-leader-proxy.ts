import type { Socket } from 'node:net';
import { BrokerProxy } from '../../helpers/broker-proxy.ts';
import { decodeRequestHeader, isFlexibleResponseHeader } from '../../../src/protocol/header.ts';
import { produceApi, type ProduceRequest, type ProduceResponse } from '../../../src/protocol/messages/produce.ts';
import { Reader } from '../../../src/protocol/primitives/reader.ts';
import { Writer } from '../../../src/protocol/primitives/writer.ts';
import { compileMessage } from '../../../src/protocol/schema/compile.ts';
import { frames, pointBrokerAddressesAt } from '../../broker/txn/cut-proxy.ts';

const PRODUCE = 0;
const NOT_LEADER_OR_FOLLOWER = 6;
const requestCodec = compileMessage(produceApi.request);
const responseCodec = compileMessage(produceApi.response);

/**
 * A TCP proxy on 127.0.0.1 in front of one broker that answers chosen Produce requests itself
 * with NOT_LEADER_OR_FOLLOWER for every partition, without forwarding them (as a broker that lost
 * leadership does: nothing appended). Broker addresses in the forwarded answers point back at the
 * proxy (`127.0.0.1` + port, same length), as in test/broker/txn/cut-proxy.ts.
 */
export class NotLeaderProxy extends BrokerProxy {
  readonly #refuse: Set<number>;
  #produces = 0;
  /** Produce requests answered NOT_LEADER_OR_FOLLOWER so far. */
  refused = 0;

  constructor(upstreamPort: number, refuseAt: Iterable<number>) {
    super(upstreamPort);
    this.#refuse = new Set(refuseAt);
  }

  protected relay(client: Socket, upstream: Socket): void {
    // Answers and forwarded responses must reach the client in request order: hold forwarded
    // responses behind an injected one only if requests are pipelined (answered in order below).
    const order: Array<{ correlationId: number; injected: Buffer | undefined }> = [];
    const release = (): void => {
      while (order.length > 0 && order[0]!.injected !== undefined) client.write(order.shift()!.injected!);
    };
    frames(client, (frame) => {
      const header = decodeRequestHeader(frame.subarray(4));
      if (header.apiKey === PRODUCE && this.#refuse.has(++this.#produces)) {
        this.refused++;
        order.push({ correlationId: header.correlationId, injected: notLeaderAnswer(frame, header.apiVersion, header.correlationId, header.headerSize) });
        release();
        return;
      }
      order.push({ correlationId: header.correlationId, injected: undefined });
      upstream.write(frame);
    });
    frames(upstream, (frame) => {
      pointBrokerAddressesAt(frame, this.upstreamPort, this.port);
      const i = order.findIndex((o) => o.correlationId === frame.readInt32BE(4));
      if (i >= 0) order[i] = { correlationId: order[i]!.correlationId, injected: frame };
      release();
    });
  }
}

/** A Produce response refusing every partition of the request in `frame` with NOT_LEADER_OR_FOLLOWER. */
function notLeaderAnswer(frame: Buffer, version: number, correlationId: number, headerSize: number): Buffer {
  const request = requestCodec.decoder(version)!(new Reader(frame.subarray(4 + headerSize))) as ProduceRequest;
  const response: Partial<ProduceResponse> = {
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({
        index: p.index,
        errorCode: NOT_LEADER_OR_FOLLOWER,
        baseOffset: -1n,
        logAppendTimeMs: -1n,
        logStartOffset: -1n,
        recordErrors: [],
        errorMessage: null,
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
      })),
    })),
    throttleTimeMs: 0,
    nodeEndpoints: [],
  };
  const w = new Writer();
  w.writeInt32(correlationId);
  if (isFlexibleResponseHeader(PRODUCE, version)) w.writeEmptyTaggedFields();
  responseCodec.encoder(version)!(w, response);
  const body = w.toBuffer();
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}
