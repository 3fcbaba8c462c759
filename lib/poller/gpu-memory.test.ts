import { describe, expect, it } from 'vitest';
import { combineGpuMemory } from './gpu-memory';

const gpu = (i: number, value: number | null, name = 'DCGM_FI_DEV_FB_USED') => ({
  labels: { __name__: name, gpu: String(i), UUID: `GPU-${i}`, Hostname: 'node-1' },
  value,
});

describe('combineGpuMemory: used paired GPU by GPU with free or total', () => {
  it.each([
    [
      'dcgm-exporter: used and free in MiB, two A10Gs',
      [gpu(0, 5_120), gpu(1, 5_600)],
      [gpu(1, 17_428, 'DCGM_FI_DEV_FB_FREE'), gpu(0, 17_908, 'DCGM_FI_DEV_FB_FREE')],
      'free',
      'MiB',
      { ok: true, value: { usedMiB: 10_720, totalMiB: 46_056, gpus: 2, smallestGpuMiB: 23_028 } },
    ],
    [
      'nvidia_gpu_exporter: used and total in bytes, a 24 GiB and a 16 GiB card',
      [gpu(0, 5 * 2 ** 30, 'nvidia_smi_memory_used_bytes'), gpu(1, 2 ** 30, 'nvidia_smi_memory_used_bytes')],
      [gpu(0, 24 * 2 ** 30, 'nvidia_smi_memory_total_bytes'), gpu(1, 16 * 2 ** 30, 'nvidia_smi_memory_total_bytes')],
      'total',
      'bytes',
      { ok: true, value: { usedMiB: 6_144, totalMiB: 40_960, gpus: 2, smallestGpuMiB: 16_384 } },
    ],
    ['no series: unknown', [], [], 'free', 'MiB', { ok: false, error: 'no GPU memory series' }],
    [
      'a GPU without its free figure: unknown',
      [gpu(0, 5_120), gpu(1, 5_120)],
      [gpu(0, 17_908, 'DCGM_FI_DEV_FB_FREE')],
      'free',
      'MiB',
      { ok: false, error: 'used and free cover different GPUs' },
    ],
    [
      'labels that do not match: unknown',
      [gpu(0, 5_120)],
      [gpu(7, 17_908, 'DCGM_FI_DEV_FB_FREE')],
      'free',
      'MiB',
      { ok: false, error: 'used and free cover different GPUs' },
    ],
    [
      'NaN used: unknown',
      [gpu(0, null)],
      [gpu(0, 17_908, 'DCGM_FI_DEV_FB_FREE')],
      'free',
      'MiB',
      { ok: false, error: 'used and free cover different GPUs' },
    ],
    [
      'used above total (a query mixing units): unknown',
      [gpu(0, 30_000)],
      [gpu(0, 24_576)],
      'total',
      'MiB',
      { ok: false, error: 'GPU memory used is outside 0..total' },
    ],
  ] as const)('%s', (_name, used, other, otherIs, unit, expected) => {
    expect(combineGpuMemory([...used], [...other], otherIs, unit)).toEqual(expected);
  });
});
