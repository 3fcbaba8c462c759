/**
 * What a timeline must never say: a state it is already in. Each state-change event has the event
 * that undoes it; a bottleneck that moved is still a bottleneck. Returns the repeated ones, in
 * order (oldest first is expected), each as "kind subject".
 */
const undoneBy: Record<string, string> = {
  'bottleneck-appeared': 'bottleneck-cleared',
  'slo-breach-began': 'slo-breach-ended',
  'queue-above-threshold': 'queue-below-threshold',
  'source-down': 'source-up',
};

export function repeatedStates(events: Array<{ kind: string; stageId: string | null; message: string }>): string[] {
  const last = new Map<string, string>();
  const repeated: string[] = [];
  for (const e of events) {
    if (e.kind === 'bottleneck-moved') {
      last.set('bottleneck', 'bottleneck-appeared');
      continue;
    }
    const family = undoneBy[e.kind] ? e.kind : Object.keys(undoneBy).find((k) => undoneBy[k] === e.kind);
    if (!family) continue;
    const subject = family === 'source-down' ? e.message.split(' ')[0]! : (e.stageId ?? '');
    const key = family === 'bottleneck-appeared' ? 'bottleneck' : `${family}:${subject}`;
    if (last.get(key) === e.kind) repeated.push(`${e.kind} ${subject}`.trim());
    last.set(key, e.kind);
  }
  return repeated;
}
