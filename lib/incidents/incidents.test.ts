import { describe, expect, it } from 'vitest';
import { analyze } from '../analysis/analyze';
import { deriveEvents } from '../analysis/derive-events';
import { scenarioObservations } from '../analysis/fixtures';
import type { AuditRow } from '../contracts/audit';
import { canMove, type Incident, type IncidentLogEntry } from '../contracts/incident';
import { OpenIncidentInput, UpdateIncidentInput } from '../contracts/incident';
import { breachSpans, postmortemMarkdown } from './postmortem';
import { formatSpan } from '../format/numbers';
import { decideSuggestion } from './suggest';
import { mergeTimeline } from './timeline';

const steady = analyze(scenarioObservations.steady);
const starving = { ...analyze(scenarioObservations.replyStarvation), generatedAt: '2026-11-22T09:42:00.000Z' };
const healthyAgain = { ...steady, generatedAt: '2026-11-22T09:55:00.000Z' };

describe('incident status', () => {
  it.each([
    ['suggested', 'investigating', true],
    ['suggested', 'dismissed', true],
    ['suggested', 'resolved', false],
    ['investigating', 'mitigated', true],
    ['mitigated', 'resolved', true],
    ['resolved', 'investigating', true],
    ['resolved', 'mitigated', false],
    ['investigating', 'suggested', false],
  ] as const)('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canMove(from, to)).toBe(allowed);
  });

  it('validates what people type, with messages naming the field', () => {
    expect(OpenIncidentInput.safeParse({ title: '  ', severity: 'sev2' }).error?.issues[0]).toMatchObject({
      path: ['title'],
      message: 'must not be empty',
    });
    expect(OpenIncidentInput.safeParse({ title: 'x', severity: 'sev9' }).success).toBe(false);
    expect(OpenIncidentInput.safeParse({ title: 'x', severity: 'sev1', admin: true }).success).toBe(false);
    expect(UpdateIncidentInput.safeParse({}).error?.issues[0]?.message).toContain('nothing to change');
    expect(UpdateIncidentInput.safeParse({ status: 'resolved' }).error?.issues[0]).toMatchObject({
      path: ['reason'],
      message: expect.stringContaining('needs a reason'),
    });
    expect(UpdateIncidentInput.safeParse({ status: 'resolved', reason: 'p90 back under 3 s' }).success).toBe(true);
    expect(UpdateIncidentInput.safeParse({ owner: 'olivia' }).success).toBe(true);
  });
});

describe('decideSuggestion', () => {
  it('suggests an incident when a bottleneck appears and nothing is open, started at the event', () => {
    const events = deriveEvents(steady, starving);
    const d = decideSuggestion(events, starving, null);
    expect(d).toMatchObject({
      kind: 'suggest',
      severity: 'sev2',
      startedAt: '2026-11-22T09:42:00.000Z',
      title: 'Reply consumers bottleneck, end-to-end p90 over the 3 s SLO',
    });
    expect(d?.kind === 'suggest' && d.body).toContain('Reply queue: 420 ready');
  });

  it('does not suggest a second one while one needs attention, nor on a healthy pipeline', () => {
    expect(
      decideSuggestion(deriveEvents(steady, starving), starving, { status: 'investigating', severity: 'sev3' }),
    ).toBeNull();
    expect(
      decideSuggestion(deriveEvents(steady, starving), starving, { status: 'suggested', severity: 'sev2' }),
    ).toBeNull();
    expect(decideSuggestion([], steady, null)).toBeNull();
  });

  it('withdraws a suggestion nobody took after a settled minute of health, never one a person opened', () => {
    const events = deriveEvents(starving, healthyAgain);
    const since = Date.parse(healthyAgain.generatedAt);
    const later = (ms: number) => ({ ...healthyAgain, generatedAt: new Date(since + ms).toISOString() });
    // Healthy for a moment only (a flicker at the threshold): the suggestion stays.
    expect(decideSuggestion(events, healthyAgain, { status: 'suggested', severity: 'sev2' }, since)).toBeNull();
    expect(decideSuggestion([], later(59_000), { status: 'suggested', severity: 'sev2' }, since)).toBeNull();
    expect(decideSuggestion([], later(61_000), { status: 'suggested', severity: 'sev2' }, since)).toMatchObject({
      kind: 'dismiss',
      reason: expect.stringContaining('Cleared by itself before anyone took it: healthy for 61 s'),
    });
    expect(decideSuggestion([], later(61_000), { status: 'investigating', severity: 'sev2' }, since)).toBeNull();
    expect(decideSuggestion([], starving, { status: 'suggested', severity: 'sev2' }, null)).toBeNull();
  });

  it('raises a bottleneck suggestion to sev2 when the SLO breach follows, only while nobody has taken it', () => {
    const breach = deriveEvents(steady, starving).filter((e) => e.kind === 'slo-breach-began');
    expect(decideSuggestion(breach, starving, { status: 'suggested', severity: 'sev3' })).toMatchObject({
      kind: 'escalate',
      severity: 'sev2',
      reason: expect.stringContaining('SLO breached'),
    });
    expect(decideSuggestion(breach, starving, { status: 'investigating', severity: 'sev3' })).toBeNull();
  });
});

const incident: Incident = {
  id: 7,
  pipeline: 'demo-kyc',
  title: 'Reply consumers bottleneck',
  severity: 'sev2',
  status: 'resolved',
  startedAt: '2026-11-22T09:41:30.000Z',
  endedAt: '2026-11-22T10:02:00.000Z',
  owner: 'olivia',
  openedBy: 'warroom',
  createdAt: '2026-11-22T09:41:31.000Z',
  updatedAt: '2026-11-22T10:02:00.000Z',
};
const action: AuditRow = {
  id: 1,
  createdAt: '2026-11-22T09:50:00.000Z',
  completedAt: '2026-11-22T09:50:01.000Z',
  actor: 'olivia',
  actorRole: 'operator',
  action: 'scale',
  job: 'api',
  group: 'reply-consumer',
  from: 3,
  to: 9,
  reason: 'reply queue starving | p90 8 s',
  outcome: 'succeeded',
  cooldownOverride: false,
  evalId: 'e1',
  error: null,
  idempotencyKey: 'k',
};
const log: IncidentLogEntry[] = [
  {
    id: 1,
    incidentId: 7,
    at: '2026-11-22T09:42:00.000Z',
    author: 'warroom',
    authorRole: 'system',
    kind: 'suggested',
    from: null,
    to: 'suggested',
    body: 'Bottleneck: Reply consumers.',
  },
  {
    id: 2,
    incidentId: 7,
    at: '2026-11-22T09:44:00.000Z',
    author: 'olivia',
    authorRole: 'operator',
    kind: 'status',
    from: 'suggested',
    to: 'investigating',
    body: 'taking it',
  },
  {
    id: 3,
    incidentId: 7,
    at: '2026-11-22T09:44:00.000Z',
    author: 'olivia',
    authorRole: 'operator',
    kind: 'owner',
    from: null,
    to: 'olivia',
    body: '',
  },
  {
    id: 4,
    incidentId: 7,
    at: '2026-11-22T09:47:00.000Z',
    author: 'olivia',
    authorRole: 'operator',
    kind: 'note',
    from: null,
    to: null,
    body: 'ML workers idle, reply queue at 900',
  },
];

describe('mergeTimeline', () => {
  it('interleaves what warroom saw, the actions and the incident log by time, each linked to its moment', () => {
    const entries = mergeTimeline(
      { events: [...deriveEvents(steady, starving), ...deriveEvents(starving, healthyAgain)], actions: [action], log },
      (at) => `/incidents/7?at=${at}`,
    );
    expect(entries.map((e) => [e.at.slice(11, 16), e.kind])).toEqual([
      ['09:42', 'bottleneck-appeared'],
      ['09:42', 'slo-breach-began'],
      ['09:42', 'queue-above-threshold'],
      ['09:42', 'incident-suggested'],
      ['09:44', 'incident-status'],
      ['09:44', 'incident-owner'],
      ['09:47', 'note'],
      ['09:50', 'action'],
      ['09:55', 'bottleneck-cleared'],
      ['09:55', 'slo-breach-ended'],
      ['09:55', 'queue-below-threshold'],
    ]);
    expect(entries.find((e) => e.kind === 'action')).toMatchObject({
      author: 'olivia',
      message: 'olivia (operator) scaled api/reply-consumer 3 -> 9. Reason: reply queue starving | p90 8 s',
      link: '/incidents/7?at=2026-11-22T09:50:00.000Z',
    });
    expect(entries.find((e) => e.kind === 'incident-owner')!.message).toBe('olivia took charge.');
    expect(entries.find((e) => e.kind === 'note')!.message).toBe('olivia: ML workers idle, reply queue at 900');
  });
});

describe('postmortem', () => {
  const timeline = mergeTimeline(
    { events: [...deriveEvents(steady, starving), ...deriveEvents(starving, healthyAgain)], actions: [action], log },
    (at) => `/incidents/7?at=${at}`,
  );
  const md = postmortemMarkdown({
    incident,
    timeline,
    actions: [action],
    worst: { at: starving.generatedAt, snapshot: starving },
    peak: { at: '2026-11-22T09:43:10.000Z', pMs: 25_000, sloMs: 3000, quantile: 0.9 },
    momentUrl: (at) => `http://w.example/incidents/7?at=${encodeURIComponent(at)}`,
    incidentUrl: 'http://w.example/incidents/7',
    nowIso: '2026-11-22T10:30:00.000Z',
  });

  it('has the summary, the impact, the worst reason with its recommendation and link, the actions with reasons, the timeline and the notes', () => {
    expect(md).toContain('# Postmortem draft: Reply consumers bottleneck');
    expect(md).toContain('- Ended: 2026-11-22 10:02:00 UTC (20 min 30 s)');
    expect(md).toContain('The time piled up at **Reply consumers** (Reply queue).');
    expect(md).toContain('- Worst end-to-end p90: 25.0 s at 09:43:10 UTC against an SLO of 3 s');
    expect(md).toContain('SLO breached from 09:42:00 to 09:55:00 UTC (13 min 0 s)');
    expect(md).toContain(
      '> Reply queue: 420 ready, 3 consumers drain 12/s while 16/s arrive; requests wait about 35 s here.',
    );
    expect(md).toContain('warroom recommended then: scale api/reply-consumer from 3 to 9');
    expect(md).toContain(
      '[Open the topology at 09:42:00 UTC](http://w.example/incidents/7?at=2026-11-22T09%3A42%3A00.000Z)',
    );
    // A reason with a pipe stays inside its table cell.
    expect(md).toContain('Reason: "reply queue starving \\| p90 8 s"');
    expect(md).toContain('| 09:47:00 | olivia: ML workers idle, reply queue at 900 |');
    expect(md.match(/^\| \d\d:\d\d:\d\d \|/gm)).toHaveLength(timeline.length);
    expect(md).toContain('- [ ] Alert on Reply queue');
  });

  it('says so when there was no bottleneck, no breach and no action', () => {
    const quiet = postmortemMarkdown({
      incident: { ...incident, endedAt: null, status: 'investigating' },
      timeline: [],
      actions: [],
      worst: null,
      peak: null,
      momentUrl: (at) => at,
      incidentUrl: 'u',
      nowIso: '2026-11-22T09:51:30.000Z',
    });
    expect(quiet).toContain('warroom recorded no bottleneck in this window.');
    expect(quiet).toContain('No SLO breach was recorded in this window.');
    expect(quiet).toContain('- Still open at: 2026-11-22 09:51:30 UTC (10 min 0 s)');
  });

  it.each([
    [500, '1 s'],
    [59_000, '59 s'],
    [61_000, '1 min 1 s'],
    [3_660_000, '1 h 1 min'],
  ])('formatSpan(%i) is %s', (ms, text) => expect(formatSpan(ms)).toBe(text));

  it('pairs breach begins and ends, leaving an unfinished one open', () => {
    expect(
      breachSpans([
        { at: 'a', kind: 'slo-breach-began' },
        { at: 'b', kind: 'slo-breach-ended' },
        { at: 'c', kind: 'slo-breach-began' },
      ] as never),
    ).toEqual([
      { from: 'a', to: 'b' },
      { from: 'c', to: null },
    ]);
  });
});
