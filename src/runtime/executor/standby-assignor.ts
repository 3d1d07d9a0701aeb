import { JobConfigurationError } from '../../core/errors/job-errors.ts';
import type { MemberAssignment, MemberSubscription } from '../../kafka/group-protocol.ts';
import type { AssignmentContext, TaskAssignor } from '../../kafka/job-group-member.ts';
import type { UnitsInfo } from './task-assignor.ts';

/** What a worker says about its standby replicas in its subscription (next to `owned`). */
export interface StandbyInfo {
  /** Units whose warm standby replica this worker holds. */
  readonly standbys?: readonly number[];
  /** Of those, the ones whose replica read its changelogs to their end at its last look. */
  readonly caughtUp?: readonly number[];
  /** Per unit held: changelog offsets its replica was behind the last stable offsets at the last measurement. */
  readonly standbyLag?: Readonly<Record<string, number>>;
}

/** Highest accepted `standbyReplicas` (a replica per worker of a large deployment is already wasteful). */
const MAX_STANDBY_REPLICAS = 16;

/**
 * The number of warm standby replicas per unit: `standbyReplicas` of the execution options, else
 * `$SLUICE_STANDBY_REPLICAS` (`sluice run --standby-replicas N`), else 0.
 */
export function resolveStandbyReplicas(given: number | undefined): number {
  const raw = given ?? process.env.SLUICE_STANDBY_REPLICAS ?? 0;
  const n = typeof raw === 'number' ? raw : raw.trim() === '' ? NaN : Number(raw);
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_STANDBY_REPLICAS)) {
    const where = given !== undefined ? 'standbyReplicas' : 'SLUICE_STANDBY_REPLICAS (sluice run --standby-replicas)';
    throw new JobConfigurationError(`${where} must be an integer from 0 to ${MAX_STANDBY_REPLICAS} (warm standby replicas of each unit's keyed state on other workers), got '${String(raw)}'`);
  }
  return n;
}

interface StandbyMember {
  readonly memberId: string;
  readonly info: (UnitsInfo & StandbyInfo) | undefined;
}

/**
 * Up to `replicas` standby workers for each unit, never its active owner: sticky (a worker that
 * holds a unit's replica keeps it — it has the warm copy) and then balanced (a new replica goes to
 * the member with the fewest replicas, ties by member id). Members that do not speak Sluice's
 * protocol get none. A unit gets fewer replicas when there are not enough other workers.
 */
export function assignStandbys(members: readonly StandbyMember[], active: ReadonlyMap<string, readonly number[]>, units: number, replicas: number): Map<string, number[]> {
  const eligible = members.filter((m) => m.info !== undefined).map((m) => m.memberId).sort();
  const result = new Map<string, number[]>(members.map((m) => [m.memberId, []]));
  if (replicas <= 0 || eligible.length < 2) return result;
  const ownerOf = new Map<number, string>();
  for (const [member, list] of active) for (const u of list) ownerOf.set(u, member);
  const held = new Map(members.map((m) => [m.memberId, new Set(m.info?.standbys ?? [])]));
  const perUnit = Math.min(replicas, eligible.length - 1);
  const load = (m: string): number => result.get(m)!.length + (active.get(m)?.length ?? 0) / 1e6;
  // Balanced means an equal share of replicas: a sticky replica beyond it moves (ceil, so it can be met).
  const share = Math.ceil((units * perUnit) / eligible.length);
  const chosen = new Map<number, string[]>();
  // 1. Sticky: keep replicas where they are, up to the fair share per member.
  for (let u = 0; u < units; u++) {
    const list: string[] = [];
    for (const m of eligible) {
      if (list.length >= perUnit) break;
      if (m !== ownerOf.get(u) && held.get(m)!.has(u) && result.get(m)!.length < share) {
        list.push(m);
        result.get(m)!.push(u);
      }
    }
    chosen.set(u, list);
  }
  // 2. Fill up, one replica per unit per round: to the least loaded member that may hold it.
  const mayHold = (m: string, u: number): boolean => m !== ownerOf.get(u) && !chosen.get(u)!.includes(m);
  for (let round = 0; round < perUnit; round++) {
    for (let u = 0; u < units; u++) {
      const list = chosen.get(u)!;
      if (list.length > round) continue;
      const candidates = eligible.filter((m) => mayHold(m, u));
      if (candidates.length === 0) continue;
      const best = candidates.reduce((a, b) => (load(b) < load(a) ? b : a));
      list.push(best);
      result.get(best)!.push(u);
    }
  }
  // 3. Balance: move replicas from the most to the least loaded members where allowed (moved ones not held before first).
  for (let moves = 0; moves < units * perUnit; moves++) {
    const byLoad = [...eligible].sort((a, b) => result.get(a)!.length - result.get(b)!.length || (a < b ? -1 : 1));
    let moved = false;
    for (const to of byLoad) {
      for (const from of [...byLoad].reverse()) {
        if (result.get(from)!.length - result.get(to)!.length <= 1) break;
        const movable = result.get(from)!.filter((u) => mayHold(to, u)).sort((a, b) => Number(held.get(from)!.has(a)) - Number(held.get(from)!.has(b)));
        const u = movable[0];
        if (u === undefined) continue;
        result.set(from, result.get(from)!.filter((x) => x !== u));
        result.get(to)!.push(u);
        const list = chosen.get(u)!;
        list[list.indexOf(from)] = to;
        moved = true;
        break;
      }
      if (moved) break;
    }
    if (!moved) break;
  }
  for (const list of result.values()) list.sort((a, b) => a - b);
  return result;
}

/**
 * The members' subscriptions as the unit assignor should see them: a unit whose owner left the
 * group counts as owned by a member holding its standby replica (a caught-up one first, then the
 * one with the smallest lag, then the one owning fewest units), so that the sticky assignment hands the unit to the warm copy when the
 * balance allows — Kafka Streams' preference for a caught-up standby.
 */
export function preferStandbyHolders(members: readonly MemberSubscription[]): MemberSubscription[] {
  const infoOf = (m: MemberSubscription): (UnitsInfo & StandbyInfo) | undefined => m.worker as (UnitsInfo & StandbyInfo) | undefined;
  const owned = new Set(members.flatMap((m) => [...(infoOf(m)?.owned ?? [])]));
  if (owned.size === 0) return [...members]; // a job starting: the index hints decide
  const extra = new Map<string, number[]>();
  const orphans = new Set(members.flatMap((m) => [...(infoOf(m)?.standbys ?? [])]).filter((u) => !owned.has(u)));
  for (const u of [...orphans].sort((a, b) => a - b)) {
    const holders = members.filter((m) => infoOf(m)?.standbys?.includes(u) === true);
    // Caught up first, then the smallest lag, then the fewest units, then the member id.
    const rank = (m: MemberSubscription): [number, number, number] => {
      const info = infoOf(m)!;
      return [info.caughtUp?.includes(u) === true ? 0 : 1, info.standbyLag?.[String(u)] ?? Number.MAX_SAFE_INTEGER, (info.owned?.length ?? 0) + (extra.get(m.memberId)?.length ?? 0)];
    };
    const better = (a: MemberSubscription, b: MemberSubscription): boolean => {
      const [x, y] = [rank(a), rank(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
      return a.memberId < b.memberId;
    };
    const best = holders.reduce((a, b) => (better(b, a) ? b : a));
    (extra.get(best.memberId) ?? extra.set(best.memberId, []).get(best.memberId)!).push(u);
  }
  return members.map((m) => {
    const more = extra.get(m.memberId);
    if (more === undefined) return m;
    const info = infoOf(m)!;
    return { ...m, worker: { ...m.worker!, owned: [...(info.owned ?? []), ...more] } };
  });
}

/** The standby units of an assignment (its user data `{"units":[…],"standbys":[…]}`); [] when it carries none. */
export function standbysOf(a: MemberAssignment): number[] {
  if (a.userData === undefined) return [];
  try {
    const parsed = JSON.parse(a.userData.toString('utf8')) as { standbys?: unknown };
    return Array.isArray(parsed.standbys) && parsed.standbys.every((u) => Number.isInteger(u)) ? (parsed.standbys as number[]) : [];
  } catch {
    return [];
  }
}

/**
 * Wraps the job group's unit assignor (which prefers standby holders for units whose owner left
 * when given {@link preferStandbyHolders} as its target view): each unit gets `replicas` standby workers
 * ({@link assignStandbys}), added to the assignment's user data as `standbys`.
 */
export function withStandbys(base: TaskAssignor, units: number, replicas: number): TaskAssignor {
  if (replicas <= 0) return base;
  return (members: readonly MemberSubscription[], context: AssignmentContext) => {
    const decided = base(members, context);
    const active = new Map<string, number[]>();
    for (const [memberId, a] of decided) active.set(memberId, unitsIn(a));
    const standbys = assignStandbys(
      members.map((m) => ({ memberId: m.memberId, info: m.worker as (UnitsInfo & StandbyInfo) | undefined })),
      active,
      units,
      replicas,
    );
    return new Map(
      [...decided].map(([memberId, a]) => {
        if (a.userData === undefined) return [memberId, a];
        const data = JSON.parse(a.userData.toString('utf8')) as Record<string, unknown>;
        return [memberId, { ...a, userData: Buffer.from(JSON.stringify({ ...data, standbys: standbys.get(memberId) ?? [] })) }] as const;
      }),
    );
  };
}

function unitsIn(a: MemberAssignment): number[] {
  if (a.userData === undefined) return [];
  const parsed = JSON.parse(a.userData.toString('utf8')) as { units?: unknown };
  return Array.isArray(parsed.units) ? (parsed.units as number[]) : [];
}
