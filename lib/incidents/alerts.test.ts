import { describe, expect, it } from 'vitest';
import { AlertmanagerWebhook } from '../contracts/alertmanager';
import { alertEvent, stageOfAlert } from './alerts';

const stages = [
  { id: 'api' },
  { id: 'reply-queue', queue: 'api.replies' },
  { id: 'reply-consumers', nomadJob: 'api' },
  { id: 'ml-workers', nomadJob: 'ml-inference' },
];

describe('alerts on the timeline', () => {
  it('are placed on a stage by warroom_stage, then queue, then the Nomad job; otherwise pipeline-wide', () => {
    expect(stageOfAlert({ warroom_stage: 'ml-workers', queue: 'api.replies' }, stages)).toBe('ml-workers');
    expect(stageOfAlert({ queue: 'api.replies', job: 'api' }, stages)).toBe('reply-queue');
    expect(stageOfAlert({ queue: 'unknown', job: 'ml-inference' }, stages)).toBe('ml-workers');
    expect(stageOfAlert({ nomad_job: 'api' }, stages)).toBe('reply-consumers');
    expect(stageOfAlert({ alertname: 'NodeDown' }, stages)).toBeNull();
    expect(stageOfAlert({ warroom_stage: 'no-such-stage' }, stages)).toBeNull();
  });

  it('say firing at its start and resolved at its end, with the summary and the fingerprint', () => {
    const payload = AlertmanagerWebhook.parse({
      version: '4',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'ReplyQueueBacklog', severity: 'critical', queue: 'api.replies' },
          annotations: { summary: 'reply queue over 500 for 2m' },
          startsAt: '2026-11-23T10:00:00.123Z',
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: 'a1b2c3',
        },
        {
          status: 'resolved',
          labels: { alertname: 'GpuIdle' },
          startsAt: '2026-11-23T09:00:00Z',
          endsAt: '2026-11-23T10:05:00Z',
          fingerprint: 'ff00',
        },
      ],
    });
    const now = '2026-11-23T10:06:00.000Z';
    expect(payload.alerts.map((a) => alertEvent(a, stages, now))).toEqual([
      {
        at: '2026-11-23T10:00:00.123Z',
        kind: 'alert-firing',
        stageId: 'reply-queue',
        message: 'Alert firing: ReplyQueueBacklog [critical]: reply queue over 500 for 2m (fingerprint a1b2c3)',
      },
      {
        at: '2026-11-23T10:05:00.000Z',
        kind: 'alert-resolved',
        stageId: null,
        message: 'Alert resolved: GpuIdle (fingerprint ff00)',
      },
    ]);
    // Alertmanager's "not set" time is replaced by now.
    const unset = { ...payload.alerts[1]!, endsAt: '0001-01-01T00:00:00Z' };
    expect(alertEvent(unset, stages, now).at).toBe(now);
  });

  it('refuse a payload that is not Alertmanager version 4, and fingerprints that are not letters and digits', () => {
    expect(AlertmanagerWebhook.safeParse({ version: '3', status: 'firing', alerts: [] }).success).toBe(false);
    const bad = AlertmanagerWebhook.safeParse({
      version: '4',
      status: 'firing',
      alerts: [{ status: 'firing', labels: {}, startsAt: 'x', fingerprint: "%' OR 1=1" }],
    });
    expect(bad.success).toBe(false);
  });
});
