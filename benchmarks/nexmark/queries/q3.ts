/**
 * Nexmark q3, local item suggestion: who sells in category 10 from Oregon, Idaho or California.
 * A regular (unwindowed) join of auctions and persons.
 *
 *   SELECT P.name, P.city, P.state, A.id
 *   FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
 *   WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')
 *
 * Both sides are keyed by person id. Person ids are unique, so a person is remembered once (or
 * only as "seen, not in those states") and auctions wait in state only until their seller shows
 * up; each match is emitted once, whichever side comes first.
 */
import {
  KeyedCoProcessFunction,
  ListStateDescriptor,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type ListState,
  type RuntimeContext,
  type ValueState,
} from '../../../src/index.ts';
import type { Auction, NexmarkEvent, Person } from '../../../src/nexmark/index.ts';
import { auctions, persons } from './views.ts';

export interface Q3Row {
  name: string;
  city: string;
  state: string;
  id: number;
}

const STATES = new Set(['OR', 'ID', 'CA']);

type Seller = { name: string; city: string; state: string } | false;

class LocalItemJoin extends KeyedCoProcessFunction<number, Auction, Person, Q3Row> {
  /** The seller, once seen: their details, or `false` when they are not in STATES. */
  seller!: ValueState<Seller | undefined>;
  /** Ids of auctions whose seller has not been seen yet. */
  waiting!: ListState<number>;

  override open(ctx: RuntimeContext): void {
    this.seller = ctx.getState(new ValueStateDescriptor<Seller | undefined>('seller'));
    this.waiting = ctx.getListState(new ListStateDescriptor<number>('waiting-auctions'));
  }

  processElement1(a: Auction, _ctx: unknown, out: Collector<Q3Row>): void {
    const p = this.seller.value();
    if (p === undefined) this.waiting.add(a.id);
    else if (p !== false) out.collect({ name: p.name, city: p.city, state: p.state, id: a.id });
  }

  processElement2(p: Person, _ctx: unknown, out: Collector<Q3Row>): void {
    if (!STATES.has(p.state)) {
      this.seller.update(false);
    } else {
      this.seller.update({ name: p.name, city: p.city, state: p.state });
      for (const id of this.waiting.get()) out.collect({ name: p.name, city: p.city, state: p.state, id });
    }
    this.waiting.clear();
  }
}

export function q3(events: DataStream<NexmarkEvent>): DataStream<Q3Row> {
  const category10 = auctions(events).filter((a) => a.category === 10);
  return category10
    .connect(persons(events))
    .keyBy((a) => a.seller, (p) => p.id)
    .process(new LocalItemJoin())
    .uid('q3-join')
    .name('Q3 Join');
}
