import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { demoGpuMemory, demoObservations } from './fixtures';
import { gpuMemoryUsableShare, gpuRoom, gpuRoomForNewWorkers, packedGpuTargetPct, type GpuContext } from './gpu-room';
import type { GpuMemoryObservation } from './types';

/** `gpus` cards of `cardMiB`, each holding `perGpu` workers of `workerMiB`. */
const cards = (gpus: number, cardMiB: number, workerMiB: number, perGpu = 1): GpuMemoryObservation => ({
  usedMiB: gpus * perGpu * workerMiB,
  totalMiB: gpus * cardMiB,
  gpus,
  smallestGpuMiB: cardMiB,
});

describe('gpuRoom: packing room is the lower of utilisation and memory, the binding one named', () => {
  it.each([
    // name, util %, memory, running, busy, byUtilisation, byMemory, perGpu, binding
    [
      'the seed: 20% with one busy worker each, a small model',
      20,
      cards(4, 24_576, 2_048),
      4,
      1,
      4,
      10,
      4,
      'utilisation',
    ],
    ['5 GiB on 24 GiB: memory allows 4', 10, cards(4, 24_576, 5_120), 4, 1, 8, 4, 4, 'memory'],
    ['78% used by one worker: packing would not fit', 20, cards(4, 24_576, 19_200), 4, 1, 4, 1, 1, 'memory'],
    [
      'half busy workers take twice the GPU each when fully busy',
      20,
      cards(2, 24_576, 2_048),
      2,
      0.5,
      2,
      10,
      2,
      'utilisation',
    ],
    ['two workers per GPU already', 40, cards(2, 24_576, 4_096, 2), 4, 1, 4, 5, 4, 'utilisation'],
    ['a tie names memory, the hard limit', 20, cards(1, 20_480, 4_608), 1, 1, 4, 4, 4, 'memory'],
    ['memory not measured: utilisation alone, no memory claim', 20, null, 4, 1, 4, null, 4, 'utilisation'],
    ['no workers running: no room figures', 20, cards(1, 24_576, 2_048), 0, 1, null, null, null, null],
  ] as const)('%s', (_name, utilPct, memory, running, busy, byUtilisation, byMemory, perGpu, binding) => {
    const r = gpuRoom({ utilPct, memory, running, busy });
    expect({ byUtilisation: r.byUtilisation, byMemory: r.byMemory, perGpu: r.perGpu, binding: r.binding }).toEqual({
      byUtilisation,
      byMemory,
      perGpu,
      binding,
    });
    expect(r.memoryMeasured).toBe(memory !== null);
    if (!memory) expect(r.summary).toContain('GPU memory not measured');
  });

  it('says how much of the new workers the current GPUs take', () => {
    const ctx = (memory: GpuMemoryObservation | null, utilPct = 20): GpuContext => ({
      label: 'ML workers',
      utilPct,
      memory,
      room: gpuRoom({ utilPct, memory, running: 4, busy: 1 }),
    });
    // 4 GPUs, 4 per GPU by utilisation, 4 by memory: 12 more fit.
    expect(gpuRoomForNewWorkers(ctx(cards(4, 24_576, 5_120)), 6)).toBe(
      'the current GPUs take all 6 by packing (memory allows 4 per GPU)',
    );
    expect(gpuRoomForNewWorkers(ctx(cards(4, 24_576, 5_120)), 20)).toBe(
      'the current GPUs take 12 of the 20 by packing (memory allows 4 per GPU); the other 8 need GPUs of their own',
    );
    expect(gpuRoomForNewWorkers(ctx(cards(4, 24_576, 19_200)), 3)).toBe(
      'GPU memory is 78% used (18.8 / 24 GiB per GPU): packing would not fit, each new worker needs a GPU of its own',
    );
    expect(gpuRoomForNewWorkers(ctx(null), 3)).toBe('GPU memory not measured');
    expect(gpuRoomForNewWorkers(ctx(cards(4, 24_576, 5_120)), 0)).toBeNull();
  });

  const memoryArb = fc.record({
    gpus: fc.integer({ min: 1, max: 64 }),
    cardMiB: fc.integer({ min: 4_096, max: 81_920 }),
    smallerBy: fc.double({ min: 0, max: 0.5, noNaN: true }),
    usedShare: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  const inputArb = fc.record({
    utilPct: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
    memory: fc.option(memoryArb, { nil: null }),
    running: fc.integer({ min: 0, max: 256 }),
    busy: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  });
  const toMemory = (m: { gpus: number; cardMiB: number; smallerBy: number; usedShare: number }) => ({
    usedMiB: m.gpus * m.cardMiB * m.usedShare,
    totalMiB: m.gpus * m.cardMiB,
    gpus: m.gpus,
    smallestGpuMiB: m.cardMiB * (1 - m.smallerBy),
  });

  it('property: the room never exceeds what memory holds, nor what utilisation allows', () => {
    fc.assert(
      fc.property(inputArb, (x) => {
        const memory = x.memory ? toMemory(x.memory) : null;
        const r = gpuRoom({ ...x, memory });
        if (r.perGpu === null) return;
        expect(Number.isInteger(r.perGpu)).toBe(true);
        if (r.byMemory !== null) {
          expect(r.perGpu).toBeLessThanOrEqual(r.byMemory);
          // That many workers of the measured share fit in the smallest GPU's usable memory.
          const perWorker = memory!.usedMiB / x.running;
          if (perWorker >= 1)
            expect(r.perGpu * perWorker).toBeLessThanOrEqual(memory!.smallestGpuMiB * gpuMemoryUsableShare + 1e-6);
        }
        if (r.byUtilisation !== null) expect(r.perGpu).toBeLessThanOrEqual(r.byUtilisation);
        if (r.extraWorkers !== null)
          expect(r.extraWorkers + x.running).toBeLessThanOrEqual(Math.max(x.running, r.perGpu * memory!.gpus));
      }),
      {
        numRuns: 1000,
        // Found by CI: half a worker per GPU times the smallest double underflowed to 0, and 0 / 0
        // made the room NaN.
        examples: [
          [
            {
              utilPct: 0,
              memory: { gpus: 2, cardMiB: 4096, smallerBy: 0, usedShare: 0 },
              running: 1,
              busy: Number.MIN_VALUE,
            },
          ],
        ],
      },
    );
  });

  it('property: unknown memory never yields a memory-based claim', () => {
    fc.assert(
      fc.property(inputArb, (x) => {
        const r = gpuRoom({ ...x, memory: null });
        expect(r.memoryMeasured).toBe(false);
        expect(r.byMemory).toBeNull();
        expect(r.binding).not.toBe('memory');
        expect(r.extraWorkers).toBeNull();
        expect(r.summary).not.toMatch(/memory (allows|\d)|GiB/);
        if (r.perGpu !== null) expect(r.summary).toContain('GPU memory not measured');
        const note = gpuRoomForNewWorkers({ label: 'g', utilPct: x.utilPct ?? 0, memory: null, room: r }, 3);
        expect(note === null || note === 'GPU memory not measured').toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the packing advice of the whole analysis, capped by memory', () => {
  const underused = (gpuMemory: GpuMemoryObservation | null, gpuPct = 16) =>
    analyze(
      demoObservations({
        e2eP90Ms: 1800,
        requestQueue: { ready: 2, consumers: 10, publish: 7, deliver: 7, growthPerSec: 0 },
        replyQueue: { ready: 0, consumers: 3, publish: 7, deliver: 7, growthPerSec: 0 },
        inferenceP50Ms: 1100,
        inferenceP90Ms: 1400,
        gpuPct,
        gpuMemory,
      }),
    );
  const gpuInsight = (s: ReturnType<typeof analyze>) => s.insights.find((i) => i.kind === 'gpu-underused');

  it.each([
    [
      'a 5 GiB model on 24 GiB cards: memory allows 4, utilisation 3',
      cards(10, 24_576, 5_120),
      'packing 3 workers per GPU (memory allows 4, utilisation 3: 5 GiB per worker on 24 GiB GPUs)',
      16,
    ],
    [
      'a 2 GiB model with GPUs at 8%: utilisation allows 7, memory 10',
      cards(10, 24_576, 2_048),
      'packing 7 workers per GPU (memory allows 10, utilisation 7',
      8,
    ],
    [
      'an 18.8 GiB model (78% of the card): memory allows 1, so packing would not fit',
      cards(10, 24_576, 19_200),
      'ML workers: GPUs at 16% while the workers are 77% busy, but GPU memory is 78% used (18.8 / 24 GiB per GPU), 18.8 GiB per worker: packing would not fit (memory allows 1 per GPU).',
      16,
    ],
    [
      'memory not measured: the advice says so',
      null,
      'packing 3 workers per GPU would serve this load on about 1/3 of the GPUs; GPU memory not measured',
      16,
    ],
  ] as const)('%s', (_name, memory, expected, gpuPct) => {
    const s = underused(memory, gpuPct);
    expect(gpuInsight(s)?.message).toContain(expected);
    const gpu = s.stages.find((st) => st.id === 'ml-workers')!.gpu!;
    expect(gpu.room!.memoryMeasured).toBe(memory !== null);
    if (memory)
      expect(gpu.memory).toMatchObject({ gpus: 10, perGpuTotalMiB: 24_576, perWorkerMiB: memory.usedMiB / 10 });
    else expect(gpu.memory).toBeUndefined();
  });

  it('property: the advised packing never exceeds what memory allows; without memory it claims nothing of it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 34 }),
        fc.option(
          fc.record({
            workerMiB: fc.integer({ min: 256, max: 40_000 }),
            cardMiB: fc.integer({ min: 8_192, max: 81_920 }),
          }),
          { nil: null },
        ),
        (gpuPct, m) => {
          const memory = m ? cards(10, m.cardMiB, Math.min(m.workerMiB, m.cardMiB)) : null;
          const message = gpuInsight(underused(memory, gpuPct))?.message;
          if (!message) return;
          const pack = /packing (\d+) workers per GPU/.exec(message);
          if (memory) {
            const perWorker = memory.usedMiB / 10;
            const allowed = Math.floor((memory.smallestGpuMiB * gpuMemoryUsableShare) / perWorker);
            if (pack) expect(Number(pack[1])).toBeLessThanOrEqual(allowed);
            else expect(message).toContain('packing would not fit');
            expect(message).not.toContain('not measured');
          } else {
            expect(pack).not.toBeNull();
            expect(message).toContain('GPU memory not measured');
            expect(message).not.toMatch(/memory allows|GiB|would not fit/);
            // Utilisation alone: never past the packed target.
            expect(Number(pack![1]) * (gpuPct / 0.77)).toBeLessThanOrEqual(packedGpuTargetPct + 1);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the demo fixture: 5 GiB plus activations on an A10G allows 3, as utilisation does', () => {
    expect(gpuInsight(underused(demoGpuMemory(10, 0.77)))!.message).toContain(
      'packing 3 workers per GPU (memory allows 3',
    );
  });
});
