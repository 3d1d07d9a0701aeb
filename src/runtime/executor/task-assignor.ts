import type { MemberAssignment, MemberSubscription } from '../../kafka/group-protocol.ts';
import type { AssignmentContext, TaskAssignor } from '../../kafka/job-group-member.ts';

/**
 * What a Sluice worker says about itself in its subscription (besides host, pid, slot): the units
 * it ran in the previous generation (for stickiness) and, when it was started as worker `index`
 * of `count` (`--workers N`, `SLUICE_WORKERS`), that position as a hint for the first assignment.
 */
export interface UnitsInfo {
  readonly owned?: readonly number[];
  readonly hint?: { readonly index: number; readonly count: number };
}

/**
 * A unit is one subtask index across every stage of the job (subtask `s` of each stage whose
 * parallelism exceeds `s`): forward-chained stages have equal parallelism, so a chain and the
 * reader of its repartition topic stay in one worker. The job has `units` of them (its largest
 * stage parallelism).
 *
 * The assignment is balanced (counts differ by at most one) and sticky: a member keeps the units
 * it owned as long as that fits the balance, so a worker joining takes units from the others and a
 * worker leaving hands only its own units out. When nobody owns anything yet (a job starting), a
 * member started with an index hint gets the units `s % count == index` first. Members that do
 * not speak Sluice's protocol get nothing.
 */
export function assignUnits(members: ReadonlyArray<{ memberId: string; info: UnitsInfo | undefined }>, units: number): Map<string, number[]> {
  const result = new Map<string, number[]>(members.map((m) => [m.memberId, []]));
  const eligible = members.filter((m) => m.info !== undefined).sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  if (eligible.length === 0 || units <= 0) return result;
  const min = Math.floor(units / eligible.length);
  let bigOnesLeft = units % eligible.length; // how many members may hold min + 1
  const nobodyOwns = eligible.every((m) => (m.info!.owned ?? []).length === 0);
  const claimed = new Set<number>();
  const wanted = (m: (typeof eligible)[number]): number[] => {
    const info = m.info!;
    if (!nobodyOwns) return [...(info.owned ?? [])];
    const h = info.hint;
    return h === undefined ? [] : Array.from({ length: units }, (_, s) => s).filter((s) => s % h.count === h.index);
  };
  // 1. Keep what you had, up to the balance; members that had most keep first (they lose least).
  const byPrevious = [...eligible].sort((a, b) => wanted(b).length - wanted(a).length);
  for (const m of byPrevious) {
    const mine = result.get(m.memberId)!;
    for (const s of wanted(m)) {
      if (s < 0 || s >= units || claimed.has(s)) continue;
      const cap = min + (bigOnesLeft > 0 ? 1 : 0);
      if (mine.length >= cap) break;
      mine.push(s);
      claimed.add(s);
    }
    if (mine.length > min) bigOnesLeft--;
  }
  // 2. Hand out the rest to whoever holds least.
  for (let s = 0; s < units; s++) {
    if (claimed.has(s)) continue;
    let best: number[] | undefined;
    for (const m of eligible) {
      const list = result.get(m.memberId)!;
      const cap = min + (bigOnesLeft > 0 || list.length > min ? 1 : 0);
      if (list.length >= cap) continue;
      if (best === undefined || list.length < best.length) best = list;
    }
    // Unreachable with the caps above, but never leave a unit unowned.
    best ??= result.get(eligible[0]!.memberId)!;
    if (best.length === min) bigOnesLeft--;
    best.push(s);
    claimed.add(s);
  }
  for (const list of result.values()) list.sort((a, b) => a - b);
  return result;
}

/**
 * Kafka's cooperative incremental rebalancing (KIP-429) applied to units: the balanced, sticky
 * target of {@link assignUnits}, except that a unit another member still owns in this generation
 * (it lists it in its subscription) is given to nobody. Its owner keeps its other units, releases
 * that one (a checkpoint, then its tasks stop) and rejoins at once; the follow-up rebalance then
 * finds the unit free and hands it to its new owner. So no unit ever runs in two workers, and the
 * units that do not move never stop. A unit claimed by two members (a stale subscription) is
 * given to neither until both released it. Units of a member that left or was expelled are in no
 * subscription: they are free at once.
 */
export function assignUnitsCooperatively(
  members: ReadonlyArray<{ memberId: string; info: UnitsInfo | undefined }>,
  units: number,
  targetView: ReadonlyArray<{ memberId: string; info: UnitsInfo | undefined }> = members,
): Map<string, number[]> {
  // The target may be computed from another view of the members (standby holders credited with orphaned
  // units); who may have a unit is always decided by what the members really own.
  const target = assignUnits(targetView, units);
  const owners = new Map<number, string[]>();
  for (const m of members) {
    for (const s of new Set(m.info?.owned ?? [])) {
      const list = owners.get(s);
      if (list === undefined) owners.set(s, [m.memberId]);
      else list.push(m.memberId);
    }
  }
  const mayHave = (memberId: string, s: number): boolean => {
    const o = owners.get(s);
    return o === undefined || (o.length === 1 && o[0] === memberId);
  };
  for (const [memberId, list] of target) target.set(memberId, list.filter((s) => mayHave(memberId, s)));
  return target;
}

/** The units of an assignment (its user data); undefined when it carries none (not a Sluice assignment). */
export function unitsOf(a: MemberAssignment): number[] | undefined {
  if (a.userData === undefined) return undefined;
  try {
    const parsed = JSON.parse(a.userData.toString('utf8')) as { units?: unknown };
    return Array.isArray(parsed.units) && parsed.units.every((u) => Number.isInteger(u)) ? (parsed.units as number[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The job group's assignor: units by {@link assignUnitsCooperatively} (its balanced target from
 * `targetView` of the subscriptions when given, e.g. standby holders preferred), carried in the assignment's user data
 * (`{"units":[…]}`); the assignment lists no topic partitions, as the units are not partitions of
 * one topic.
 */
export function unitAssignor(units: number, targetView?: (members: readonly MemberSubscription[]) => MemberSubscription[]): TaskAssignor {
  const infos = (list: readonly MemberSubscription[]) => list.map((m) => ({ memberId: m.memberId, info: m.worker === undefined ? undefined : (m.worker as unknown as UnitsInfo) }));
  return (members: readonly MemberSubscription[], _context: AssignmentContext) => {
    const decided = assignUnitsCooperatively(infos(members), units, targetView === undefined ? undefined : infos(targetView(members)));
    return new Map(
      [...decided].map(([memberId, list]) => [
        memberId,
        { partitions: [], userData: Buffer.from(JSON.stringify({ units: list })) },
      ]),
    );
  };
}
