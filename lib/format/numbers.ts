/** Numbers as an on-call engineer reads them in a sentence. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatRate(perSec: number): string {
  if (perSec >= 10) return `${Math.round(perSec)}/s`;
  return `${Math.round(perSec * 10) / 10}/s`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  if (s < 120) return `${Math.round(s)} s`;
  const min = s / 60;
  return `${Math.round(min * 10) / 10} min`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A span of time as people say it: "45 s", "3 min 20 s", "2 h 5 min". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** MiB (as GPU exporters count memory) in GiB with one decimal, whole GiB without: "5.1", "24". */
export function formatGiB(mib: number): string {
  const gib = Math.round((mib / 1024) * 10) / 10;
  return Number.isInteger(gib) ? String(gib) : gib.toFixed(1);
}
