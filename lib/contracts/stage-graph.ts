/**
 * The pipeline as a graph of stages, one definition for the analysis and the drawing. A plain
 * pipeline is a chain in the order the configuration lists its stages. A stage's `after` names
 * the stages a request comes from instead: that is how several request types branch (the API
 * publishing to one queue per model, each with its own workers) and join again (one reply queue).
 * Once any stage says `after`, a stage that does not is reached from its `consumesFrom` queue
 * (a worker group) or else from the nearest stage listed before it that is not a store; a store
 * hangs off the stage before it, a side way of its own (its time counts where that way is the
 * slowest; a store called in the middle of every request belongs on the way, with `after`). `after` names earlier stages only (the configuration checks), so
 * the list is in request order and the graph has no cycle. Pure.
 */
export interface GraphStage {
  id: string;
  kind?: string;
  consumesFrom?: string;
  /** The stages a request comes from, when not the default. */
  after?: string[];
}

/** Whether the pipeline branches: some stage names where its requests come from. */
export const isBranching = (stages: readonly GraphStage[]): boolean => stages.some((s) => s.after !== undefined);

/** Each stage's predecessors (none for the first), by the rules above. */
export function predecessorsOf(stages: readonly GraphStage[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const branching = isBranching(stages);
  let previousOnPath: string | null = null;
  stages.forEach((s, i) => {
    let preds: string[];
    if (!branching) preds = i > 0 ? [stages[i - 1]!.id] : [];
    else if (s.after) preds = s.after;
    else if (s.kind === 'workers' && s.consumesFrom) preds = [s.consumesFrom];
    else if (s.kind === 'store') preds = i > 0 ? [stages[i - 1]!.id] : [];
    else preds = previousOnPath ? [previousOnPath] : [];
    out.set(s.id, preds);
    if (s.kind !== 'store') previousOnPath = s.id;
  });
  return out;
}

/** Each stage's successors, in list order. */
export function successorsOf(stages: readonly GraphStage[]): Map<string, string[]> {
  const out = new Map<string, string[]>(stages.map((s) => [s.id, []]));
  for (const [id, preds] of predecessorsOf(stages)) for (const p of preds) out.get(p)?.push(id);
  return out;
}

/**
 * The slowest way a request can go through the pipeline for figures `valueOf` (each stage's part,
 * never negative): its total and its stages, first to last. A plain chain is one way through every
 * stage. Exact, in one pass over the stages in list order (the longest path of a DAG).
 */
export function slowestWay(
  stages: readonly GraphStage[],
  valueOf: (index: number) => number,
): { totalMs: number; stageIds: string[] } {
  const preds = predecessorsOf(stages);
  const index = new Map(stages.map((s, i) => [s.id, i]));
  const best: number[] = [];
  const via: Array<number | null> = [];
  stages.forEach((s, i) => {
    let from: number | null = null;
    for (const p of preds.get(s.id) ?? []) {
      const j = index.get(p);
      if (j !== undefined && j < i && (from === null || best[j]! > best[from]!)) from = j;
    }
    best.push(Math.max(0, valueOf(i)) + (from === null ? 0 : best[from]!));
    via.push(from);
  });
  if (stages.length === 0) return { totalMs: 0, stageIds: [] };
  let end = 0;
  best.forEach((b, i) => {
    if (b >= best[end]!) end = i;
  });
  const ids: string[] = [];
  for (let i: number | null = end; i !== null; i = via[i]!) ids.unshift(stages[i]!.id);
  return { totalMs: best[end]!, stageIds: ids };
}

/** The stages reachable from `id`, nearest first (breadth first), not counting itself. */
export function downstreamStages(stages: readonly GraphStage[], id: string): string[] {
  return reach(successorsOf(stages), id);
}

/** The stages a request passes before `id`, on any way to it, nearest first. */
export function upstreamStages(stages: readonly GraphStage[], id: string): string[] {
  return reach(predecessorsOf(stages), id);
}

function reach(edges: Map<string, string[]>, id: string): string[] {
  const seen = new Set<string>([id]);
  const order: string[] = [];
  const queue = [...(edges.get(id) ?? [])];
  while (queue.length > 0) {
    const s = queue.shift()!;
    if (seen.has(s)) continue;
    seen.add(s);
    order.push(s);
    queue.push(...(edges.get(s) ?? []));
  }
  return order;
}

/**
 * Where requests enter the queues: the first queue stage of every way in (one for a chain, one per
 * request type that branches before its queue). What they are published at, added up, is what
 * enters the pipeline.
 */
export function entranceQueues<S extends GraphStage>(stages: readonly S[]): S[] {
  const queues = new Set(stages.filter((s) => s.kind === 'queue').map((s) => s.id));
  return stages.filter((s) => s.kind === 'queue' && !upstreamStages(stages, s.id).some((id) => queues.has(id)));
}
