import type { GpuMemoryObservation } from '../analysis/types';
import type { GpuMemorySpec } from '../config/schema';
import type { PrometheusClient, PrometheusSample } from '../sources/prometheus/client';

/**
 * A worker stage's GPU memory from its two per-GPU queries (used, and free or total). Errors are
 * values: a failing, empty or mismatched answer is memory unknown (null, with why), so that the
 * packing advice says "not measured" rather than assume room, and the other Prometheus figures
 * of the cycle stand.
 */
export type GpuMemoryReading = { ok: true; value: GpuMemoryObservation } | { ok: false; error: string };

const bytesPerMiB = 1024 * 1024;

/** A series' identity without its metric name: used and free of one GPU share every other label. */
function gpuKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.entries(labels)
      .filter(([k]) => k !== '__name__')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Pairs used with free (or total) GPU by GPU and sums them, in MiB. */
export function combineGpuMemory(
  used: PrometheusSample[],
  other: PrometheusSample[],
  otherIs: 'free' | 'total',
  unit: GpuMemorySpec['unit'],
): GpuMemoryReading {
  const toMiB = (v: number) => (unit === 'bytes' ? v / bytesPerMiB : v);
  if (used.length === 0) return { ok: false, error: 'no GPU memory series' };
  const others = new Map(other.map((s) => [gpuKey(s.labels), s.value]));
  if (others.size !== used.length) return { ok: false, error: `used and ${otherIs} cover different GPUs` };
  let usedMiB = 0;
  let totalMiB = 0;
  let smallestGpuMiB = Number.POSITIVE_INFINITY;
  for (const s of used) {
    const o = others.get(gpuKey(s.labels));
    if (s.value === null || o === undefined || o === null || !Number.isFinite(s.value) || !Number.isFinite(o))
      return { ok: false, error: `used and ${otherIs} cover different GPUs` };
    const u = toMiB(s.value);
    const t = otherIs === 'free' ? u + toMiB(o) : toMiB(o);
    if (u < 0 || t <= 0 || u > t) return { ok: false, error: 'GPU memory used is outside 0..total' };
    usedMiB += u;
    totalMiB += t;
    smallestGpuMiB = Math.min(smallestGpuMiB, t);
  }
  return { ok: true, value: { usedMiB, totalMiB, gpus: used.length, smallestGpuMiB } };
}

export async function readGpuMemory(prom: PrometheusClient, spec: GpuMemorySpec): Promise<GpuMemoryReading> {
  const otherIs = spec.freeQuery ? 'free' : 'total';
  const [used, other] = await Promise.all([
    prom.instant(spec.usedQuery),
    prom.instant((spec.freeQuery ?? spec.totalQuery)!),
  ]);
  if (!used.ok) return { ok: false, error: used.error };
  if (!other.ok) return { ok: false, error: other.error };
  return combineGpuMemory(used.value, other.value, otherIs, spec.unit);
}
