/**
 * The pipeline as a graph of stages. By default a request goes through the stages in the order
 * the configuration lists them; a stage's `after` names the stages a request comes from instead,
 * which is how several request types branch (the API publishing to one queue per model, each with
 * its own workers) and join again (one reply queue). `after` may only name earlier stages, so the
 * list stays in request order and the graph has no cycle.
 */
export interface GraphStage {
  id: string;
  /** The stages a request comes from, when not simply the one listed before. */
  after?: string[];
}

/** Each stage's predecessors: its `after`, or the stage listed before it (none for the first). */
export function predecessorsOf(stages: readonly GraphStage[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  stages.forEach((s, i) => out.set(s.id, s.after ?? (i > 0 ? [stages[i - 1]!.id] : [])));
  return out;
}

/** Each stage's successors, in list order. */
export function successorsOf(stages: readonly GraphStage[]): Map<string, string[]> {
  const out = new Map<string, string[]>(stages.map((s) => [s.id, []]));
  for (const [id, preds] of predecessorsOf(stages)) for (const p of preds) out.get(p)?.push(id);
  return out;
}

/** Paths kept at most: a request takes one of them, and real pipelines have a handful. */
export const maxRequestPaths = 256;

/**
 * Every way a request can go through the pipeline, from a stage nothing comes before to one
 * nothing follows, as lists of stage indexes. A plain list of stages is one path through all of
 * them. Past `maxRequestPaths` the rest are left out (the figures then cover those kept).
 */
export function requestPaths(stages: readonly GraphStage[]): number[][] {
  const index = new Map(stages.map((s, i) => [s.id, i]));
  const next = successorsOf(stages);
  const preds = predecessorsOf(stages);
  const paths: number[][] = [];
  const walk = (i: number, path: number[]) => {
    if (paths.length >= maxRequestPaths) return;
    const here = [...path, i];
    const after = next.get(stages[i]!.id) ?? [];
    if (after.length === 0) paths.push(here);
    for (const id of after) walk(index.get(id)!, here);
  };
  stages.forEach((s, i) => {
    if ((preds.get(s.id) ?? []).length === 0) walk(i, []);
  });
  return paths;
}

/** The stages reachable from `id`, nearest first (breadth first), not counting itself. */
export function downstreamStages(stages: readonly GraphStage[], id: string): string[] {
  const next = successorsOf(stages);
  const seen = new Set<string>([id]);
  const order: string[] = [];
  const queue = [...(next.get(id) ?? [])];
  while (queue.length > 0) {
    const s = queue.shift()!;
    if (seen.has(s)) continue;
    seen.add(s);
    order.push(s);
    queue.push(...(next.get(s) ?? []));
  }
  return order;
}

/** The stages a request passes before `id`, on any way to it. */
export function upstreamStages(stages: readonly GraphStage[], id: string): Set<string> {
  const preds = predecessorsOf(stages);
  const seen = new Set<string>();
  const queue = [...(preds.get(id) ?? [])];
  while (queue.length > 0) {
    const s = queue.shift()!;
    if (seen.has(s)) continue;
    seen.add(s);
    queue.push(...(preds.get(s) ?? []));
  }
  return seen;
}
