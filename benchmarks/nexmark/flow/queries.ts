/**
 * The Nexmark queries that @kafkats/flow (a Kafka Streams-like DSL) expresses directly, written
 * as its documentation shows: stateless ones with map/filter, grouped aggregates with
 * groupBy + aggregate/reduce (a KTable: an update per input). Same input (Nexmark JSON rows) and
 * same output rows as the Sluice queries.
 */
import { codec, type FlowApp, type KStream } from '@kafkats/flow';
import { fromKafkaJson, type Bid, type NexmarkEvent } from '../../../src/nexmark/index.ts';
import { day } from '../queries/aggregates.ts';
import { bidTimeType, countChar } from '../queries/q14.ts';
import { priceRank } from '../queries/q16.ts';
import { isLater } from '../queries/q18.ts';
import { channelId } from '../queries/q21.ts';

const nexmarkCodec = { encode: (e: NexmarkEvent) => Buffer.from(JSON.stringify(e)), decode: (b: Buffer) => fromKafkaJson(b) };

/** The end of a query's topology: something that can be written to a topic. */
interface Writable {
  to(topic: string, options?: { key?: unknown; value?: unknown }): void;
}
export type FlowQuery = (bids: KStream<Buffer, Bid>) => Writable;

const q17Initial = () => ({ auction: 0, day: '', total_bids: 0, rank1_bids: 0, rank2_bids: 0, rank3_bids: 0, min_price: Number.MAX_SAFE_INTEGER, max_price: 0, sum_price: 0, avg_price: 0 });

export const FLOW_QUERIES: Record<string, FlowQuery> = {
  q0: (bids) => bids.mapValues((b) => ({ auction: b!.auction, bidder: b!.bidder, price: b!.price, dateTime: b!.dateTime, extra: b!.extra })),
  q1: (bids) => bids.mapValues((b) => ({ auction: b!.auction, bidder: b!.bidder, price: (b!.price * 908) / 1000, dateTime: b!.dateTime, extra: b!.extra })),
  q2: (bids) => bids.filter((_k, b) => b!.auction % 123 === 0).mapValues((b) => ({ auction: b!.auction, price: b!.price })),
  q14: (bids) =>
    bids
      .filter((_k, b) => b!.price * 908 > 1_000_000_000 && b!.price * 908 < 50_000_000_000)
      .mapValues((b) => ({
        auction: b!.auction,
        bidder: b!.bidder,
        price: (b!.price * 908) / 1000,
        bidTimeType: bidTimeType(b!.dateTime),
        dateTime: b!.dateTime,
        extra: b!.extra,
        c_counts: countChar(b!.extra, 'c'),
      })),
  q21: (bids) =>
    bids.flatMapValues((b) => {
      const id = channelId(b!);
      return id === undefined ? [] : [{ auction: b!.auction, bidder: b!.bidder, price: b!.price, channel: b!.channel, channel_id: id }];
    }),
  q22: (bids) =>
    bids.mapValues((b) => {
      const parts = b!.url.split('/');
      return { auction: b!.auction, bidder: b!.bidder, price: b!.price, channel: b!.channel, dir1: parts[3] ?? null, dir2: parts[4] ?? null, dir3: parts[5] ?? null };
    }),
  q17: (bids) =>
    bids
      .groupBy((_k, b) => `${b!.auction}|${day(b!.dateTime)}`, { key: codec.string(), value: codec.json<Bid>() })
      .aggregate(
        q17Initial,
        (_key, b, a) => {
          const rank = priceRank(b.price);
          const total = a.total_bids + 1;
          const sum = a.sum_price + b.price;
          return {
            auction: b.auction,
            day: day(b.dateTime),
            total_bids: total,
            rank1_bids: a.rank1_bids + (rank === 1 ? 1 : 0),
            rank2_bids: a.rank2_bids + (rank === 2 ? 1 : 0),
            rank3_bids: a.rank3_bids + (rank === 3 ? 1 : 0),
            min_price: Math.min(a.min_price, b.price),
            max_price: Math.max(a.max_price, b.price),
            sum_price: sum,
            avg_price: Math.trunc(sum / total),
          };
        },
        { value: codec.json() },
      )
      .toStream(),
  q18: (bids) =>
    bids
      .groupBy((_k, b) => `${b!.bidder}|${b!.auction}`, { key: codec.string(), value: codec.json<Bid>() })
      .reduce((a, b) => (isLater(b, a) ? b : a), { value: codec.json<Bid>() })
      .toStream(),
};

/** Builds the flow topology of `name`: Nexmark rows → bids → query → output topic (JSON rows). */
export function buildFlowQuery(app: FlowApp, name: string, input: string, output: string, onInput: () => void): void {
  const query = FLOW_QUERIES[name];
  if (query === undefined) throw new Error(`@kafkats/flow has no version of ${name}`);
  const bids = app
    .stream(input, { value: nexmarkCodec })
    .peek(onInput)
    .filter((_k, e) => e!.event_type === 2)
    .mapValues((e) => e!.bid!);
  query(bids).to(output, { key: codec.json(), value: codec.json() });
}
