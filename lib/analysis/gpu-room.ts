import { formatGiB, plural } from '../format/numbers';
import type { GpuMemoryObservation } from './types';
import { roundTo } from './round';

/**
 * How many more workers a worker stage's GPUs take: packing room per GPU is the lower of what
 * utilisation allows (workers per GPU until it reaches `packedGpuTargetPct`, each worker taking
 * what it takes now when fully busy) and what memory allows (the smallest GPU's usable memory
 * over one worker's share of what is used). The binding limit is named. Without a memory
 * measurement nothing is claimed of memory: `memoryMeasured` is false and the summary says so.
 */
/** What a GPU reaches when packed with workers (the source documents saw ~80% with four). */
export const packedGpuTargetPct = 80;
/**
 * Of a GPU's memory, the share workers may fill: the rest is left for activations that grow with
 * a batch, allocator fragmentation and the CUDA context of one more process.
 */
export const gpuMemoryUsableShare = 0.9;

export interface GpuRoomInput {
  /** Mean over the stage's GPUs, percent. */
  utilPct: number | null;
  memory: GpuMemoryObservation | null | undefined;
  /** Workers running on these GPUs. */
  running: number | null | undefined;
  /** Share of time each worker is busy, 0..1; without it, each worker is taken to be fully busy now. */
  busy?: number | null;
}

export interface GpuRoom {
  /** Running workers over GPUs; null when the GPUs are not counted (then one each is assumed). */
  workersPerGpu: number | null;
  byUtilisation: number | null;
  byMemory: number | null;
  /** The lower of the known limits: what packing may go up to, per GPU. */
  perGpu: number | null;
  binding: 'utilisation' | 'memory' | null;
  memoryMeasured: boolean;
  perWorkerMiB: number | null;
  /** Workers the current GPUs take beyond those running, in all; null when the GPUs are not counted. */
  extraWorkers: number | null;
  summary: string;
}

/** A GPU stage as the recommendation's notes see it: its utilisation, memory and room. */
export interface GpuContext {
  label: string;
  utilPct: number;
  memory: GpuMemoryObservation | null;
  room: GpuRoom;
}

export function gpuRoom(input: GpuRoomInput): GpuRoom {
  const { utilPct, memory } = input;
  const running = input.running && input.running > 0 ? input.running : null;
  const gpus = memory && memory.gpus > 0 ? memory.gpus : null;
  const workersPerGpu = gpus !== null && running !== null ? running / gpus : null;
  const perGpuNow = workersPerGpu ?? 1;
  const busy = input.busy != null && input.busy > 0 ? Math.min(1, input.busy) : 1;

  let byUtilisation: number | null = null;
  if (utilPct !== null && Number.isFinite(utilPct) && running !== null) {
    // Divided one factor at a time: the product of a tiny busy share and a fraction of a worker per
    // GPU can underflow to 0, and 0 / 0 would make the room NaN. A share that is all but zero makes a
    // fully busy worker's need unbounded, and the room by utilisation none.
    const perWorkerFullPct = Math.max(0, utilPct) / perGpuNow / busy;
    byUtilisation = Math.floor(packedGpuTargetPct / Math.max(perWorkerFullPct, 1));
  }
  let perWorkerMiB: number | null = null;
  let byMemory: number | null = null;
  if (memory && running !== null) {
    perWorkerMiB = memory.usedMiB / running;
    byMemory = Math.floor((memory.smallestGpuMiB * gpuMemoryUsableShare) / Math.max(perWorkerMiB, 1));
  }
  const known = [byUtilisation, byMemory].filter((n): n is number => n !== null);
  const perGpu = known.length > 0 ? Math.min(...known) : null;
  // On a tie memory is named: past it a worker fails to load, past utilisation it is only slower.
  const binding =
    byMemory !== null && (byUtilisation === null || byMemory <= byUtilisation)
      ? 'memory'
      : byUtilisation !== null
        ? 'utilisation'
        : null;
  const extraWorkers =
    perGpu !== null && gpus !== null && running !== null ? Math.max(0, perGpu * gpus - running) : null;
  const room: Omit<GpuRoom, 'summary'> = {
    workersPerGpu: workersPerGpu === null ? null : roundTo(workersPerGpu, 2),
    byUtilisation,
    byMemory,
    perGpu,
    binding,
    memoryMeasured: Boolean(memory),
    perWorkerMiB: perWorkerMiB === null ? null : Math.round(perWorkerMiB),
    extraWorkers,
  };
  return { ...room, summary: summarise(room, memory ?? null) };
}

/** GPU memory in a phrase: "78% used (17.6 / 22.5 GiB per GPU)". */
export function memoryPhrase(memory: GpuMemoryObservation): string {
  const pct = Math.round((memory.usedMiB / memory.totalMiB) * 100);
  return `${pct}% used (${formatGiB(memory.usedMiB / memory.gpus)} / ${formatGiB(memory.totalMiB / memory.gpus)} GiB per GPU)`;
}

function summarise(r: Omit<GpuRoom, 'summary'>, memory: GpuMemoryObservation | null): string {
  if (r.perGpu === null) return memory ? `GPU memory ${memoryPhrase(memory)}; no worker count` : 'not measured';
  if (!memory) return `utilisation allows ${plural(r.perGpu, 'worker')} per GPU; GPU memory not measured`;
  const limits = [
    ...(r.byUtilisation !== null ? [`utilisation allows ${r.byUtilisation}`] : []),
    `memory ${r.byMemory} (${formatGiB(r.perWorkerMiB!)} GiB per worker of ${formatGiB(memory.smallestGpuMiB)} GiB)`,
  ];
  const head = r.perGpu > (r.workersPerGpu ?? 1) ? `fits ${plural(r.perGpu, 'worker')} per GPU` : 'no room to pack';
  return `${head}: ${limits.join(', ')}; ${r.binding} binds`;
}

/**
 * What the GPUs of a group say of `added` new workers: they fit by packing, some of them do, or
 * none (each needs a GPU of its own); or, without a memory measurement, that it is not measured.
 * Null when there is nothing to say (no workers added, or no room figures).
 */
export function gpuRoomForNewWorkers(gpu: GpuContext, added: number): string | null {
  const { room, memory } = gpu;
  if (added <= 0 || room.perGpu === null) return null;
  if (!memory || room.extraWorkers === null) return 'GPU memory not measured';
  const limit = `${room.binding} allows ${room.perGpu} per GPU`;
  if (room.extraWorkers >= added) return `the current GPUs take all ${added} by packing (${limit})`;
  if (room.extraWorkers > 0)
    return `the current GPUs take ${room.extraWorkers} of the ${added} by packing (${limit}); the other ${added - room.extraWorkers} need GPUs of their own`;
  return room.binding === 'memory'
    ? `GPU memory is ${memoryPhrase(memory)}: packing would not fit, each new worker needs a GPU of its own`
    : `GPUs have no room to pack (${limit}): each new worker needs a GPU of its own`;
}
