import { describe, expect, it, vi } from 'vitest';
import type { InferenceReply } from '../lib/amqp';
import { PendingRequests } from './pending-requests';

const reply = (requestId: string): InferenceReply => ({
  requestId,
  type: 'ocr',
  submittedAtMs: 0,
  inferenceMs: 1,
  repliedAtMs: 1,
  worker: 'w',
  score: 0.5,
});

describe('PendingRequests', () => {
  it('resolves the waiting request with its reply, once', async () => {
    const p = new PendingRequests();
    const waiting = p.wait('a', 1000);
    expect(p.complete('a', reply('a'))).toBe(true);
    await expect(waiting).resolves.toMatchObject({ requestId: 'a' });
    expect(p.complete('a', reply('a'))).toBe(false);
    expect(p.size).toBe(0);
  });

  it('times out and then treats a late reply as an orphan', async () => {
    vi.useFakeTimers();
    try {
      const p = new PendingRequests();
      const waiting = p.wait('b', 500);
      vi.advanceTimersByTime(501);
      await expect(waiting).rejects.toThrow('no reply within 500 ms');
      expect(p.complete('b', reply('b'))).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
