import type { OutputTag } from '../../core/output-tag.ts';
import { JobConfigurationError } from '../../core/errors/job-errors.ts';
import { resolveMaxParallelism, type MaxParallelismOptions } from './max-parallelism.ts';
import type { Partitioning, Transformation } from './transformations.ts';

/** A physical operator of the job: runs as `parallelism` subtasks. */
export interface JobVertex {
  readonly index: number;
  readonly name: string;
  readonly uid: string;
  readonly parallelism: number;
  /** Number of key groups of this operator's keyed state (its max parallelism); see key-groups.ts. */
  readonly maxParallelism: number;
  readonly t: Extract<Transformation, { kind: 'source' | 'one' | 'two' }>;
  readonly inputs: JobEdge[];
  readonly outputs: JobEdge[];
  stage: number;
}
/** A connection between vertices. `inputIndex` is 2 for the second input of a two-input operator. */
export interface JobEdge {
  readonly source: JobVertex;
  readonly target: JobVertex;
  readonly partitioning: Partitioning;
  readonly sideTag: OutputTag<unknown> | undefined;
  readonly inputIndex: 1 | 2;
}
/** A chain of operators that call each other directly; cut at exchanges (keyBy, rebalance). */
export interface Stage {
  readonly id: number;
  readonly parallelism: number;
  readonly vertices: JobVertex[];
}
/** The compiled job: vertices in topological order, and stages. */
export interface JobGraph {
  readonly jobName: string;
  readonly vertices: JobVertex[];
  readonly stages: Stage[];
  /** Whether operators chain (`env.disableOperatorChaining()` turns it off); default true. */
  readonly chaining?: boolean;
}

interface Resolved {
  vertex: JobVertex;
  partitioning: Partitioning | undefined;
  sideTag: OutputTag<unknown> | undefined;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'op';
}

/**
 * Compiles the transformations reachable from the sinks into a job graph: virtual nodes
 * (partition, union, side output) become edge properties, parallelism is resolved (a forward
 * edge between different parallelisms becomes a rebalance), default uids are derived from the
 * graph, and vertices are grouped into stages.
 */
export function compileJobGraph(
  sinks: readonly Transformation[],
  options: { jobName: string; parallelism: number; chaining?: boolean } & MaxParallelismOptions,
): JobGraph {
  if (sinks.length === 0) {
    throw new JobConfigurationError(
      `job '${options.jobName}' has no sink, so nothing would run: add .print(), .sinkTo(sink) or .addSink(fn) to a stream, or call stream.executeAndCollect()`,
    );
  }
  const vertices: JobVertex[] = [];
  const byId = new Map<number, JobVertex>();

  const resolve = (t: Transformation): Resolved[] => {
    switch (t.kind) {
      case 'partition':
        return resolve(t.input).map((r) => ({ ...r, partitioning: t.partitioning }));
      case 'union':
        return t.inputs.flatMap(resolve);
      case 'side':
        return resolve(t.input).map((r) => ({ ...r, sideTag: t.tag }));
      default:
        return [{ vertex: build(t), partitioning: undefined, sideTag: undefined }];
    }
  };

  const build = (t: Extract<Transformation, { kind: 'source' | 'one' | 'two' }>): JobVertex => {
    const existing = byId.get(t.id);
    if (existing !== undefined) return existing;
    const inputs: Array<[Resolved, 1 | 2]> = [];
    if (t.kind === 'one') for (const r of resolve(t.input)) inputs.push([r, 1]);
    if (t.kind === 'two') {
      for (const r of resolve(t.input1)) inputs.push([r, 1]);
      for (const r of resolve(t.input2)) inputs.push([r, 2]);
    }
    const inherited = t.kind === 'one' && t.inheritsInputParallelism === true ? inputs[0]?.[0].vertex.parallelism : undefined;
    let parallelism = t.parallelism ?? inherited ?? options.parallelism;
    const max = t.kind === 'source' ? t.source.maxParallelism : t.kind === 'one' && t.nonParallel ? 1 : undefined;
    if (max !== undefined && parallelism > max) {
      if (t.parallelism !== undefined) {
        throw new JobConfigurationError(`operator '${t.name}' cannot run with parallelism ${t.parallelism} (at most ${max}); remove setParallelism(${t.parallelism})`);
      }
      parallelism = max;
    }
    if (!(Number.isInteger(parallelism) && parallelism >= 1)) {
      throw new JobConfigurationError(`operator '${t.name}': parallelism must be an integer >= 1, got ${parallelism}`);
    }
    const v: JobVertex = { index: -1, name: t.name, uid: t.uid ?? '', parallelism, maxParallelism: max ?? 0, t, inputs: [], outputs: [], stage: -1 };
    byId.set(t.id, v);
    for (const [r, inputIndex] of inputs) {
      let partitioning: Partitioning = r.partitioning ?? { kind: 'forward' };
      if (partitioning.kind === 'forward' && r.vertex.parallelism !== parallelism) {
        if (r.partitioning !== undefined) {
          throw new JobConfigurationError(
            `forward() from '${r.vertex.name}' (parallelism ${r.vertex.parallelism}) to '${t.name}' (parallelism ${parallelism}) needs equal parallelism; use rebalance() or make them equal`,
          );
        }
        partitioning = { kind: 'rebalance' };
      }
      const e: JobEdge = { source: r.vertex, target: v, partitioning, sideTag: r.sideTag, inputIndex };
      v.inputs.push(e);
      r.vertex.outputs.push(e);
    }
    (v as { index: number }).index = vertices.length;
    vertices.push(v);
    return v;
  };

  for (const s of sinks) {
    if (s.kind !== 'one') throw new JobConfigurationError('a sink must be a one-input transformation');
    build(s);
  }

  const uids = new Set<string>();
  for (const v of vertices) if (v.t.uid !== undefined) {
    if (uids.has(v.t.uid)) {
      throw new JobConfigurationError(`uid '${v.t.uid}' is used by more than one operator; uids must be unique because state is keyed by them`);
    }
    uids.add(v.t.uid);
  }
  for (const v of vertices) {
    if (v.t.uid !== undefined) continue;
    let uid = `${slug(v.name)}-${v.index}`;
    while (uids.has(uid)) uid += '_';
    uids.add(uid);
    (v as { uid: string }).uid = uid;
  }
  for (const v of vertices) (v as { maxParallelism: number }).maxParallelism = resolveMaxParallelism(v, options);

  const chaining = options.chaining ?? true;
  return { jobName: options.jobName, vertices, stages: assignStages(vertices, chaining), chaining };
}

/**
 * Groups vertices (in topological order) into stages: a vertex joins its input's stage when it
 * has a single forward input of equal parallelism and chaining allows it. Sets `v.stage`.
 */
export function assignStages(vertices: readonly JobVertex[], chaining: boolean): Stage[] {
  const chainable = (from: JobVertex, to: JobVertex): boolean =>
    chaining && to.t.kind === 'one' && (to.t.chaining ?? 'always') === 'always' && (from.t.chaining ?? 'always') !== 'never';
  const stages: Stage[] = [];
  for (const v of vertices) {
    const only = v.inputs.length === 1 ? v.inputs[0]! : undefined;
    if (only !== undefined && only.partitioning.kind === 'forward' && only.source.parallelism === v.parallelism && chainable(only.source, v)) {
      v.stage = only.source.stage;
      stages[v.stage]!.vertices.push(v);
    } else {
      v.stage = stages.length;
      stages.push({ id: v.stage, parallelism: v.parallelism, vertices: [v] });
    }
  }
  return stages;
}

/** A readable plan: one line per stage with its chained operators and the exchanges into it. */
export function describeJobGraph(g: JobGraph): string {
  const lines = [`Job '${g.jobName}'`];
  for (const s of g.stages) {
    const head = s.vertices[0]!;
    const inputs = head.inputs.map((e) => `${e.partitioning.kind}${e.sideTag ? `[side ${e.sideTag.id}]` : ''} from stage ${e.source.stage}`);
    lines.push(
      `  stage ${s.id} (parallelism ${s.parallelism})${inputs.length ? ` <- ${inputs.join(', ')}` : ''}: ` +
        s.vertices.map((v) => `${v.name} [${v.uid}]${v.t.description !== undefined ? ` (${v.t.description})` : ''}`).join(' -> '),
    );
  }
  return lines.join('\n');
}
