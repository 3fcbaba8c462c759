import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamSlots } from './stream-slots';

describe('stream slots', () => {
  it('refuses the ninth stream of one client, not another client, and frees a slot on release', () => {
    const slots = new StreamSlots({ perClient: 8, total: 2000 });
    const grants = Array.from({ length: 8 }, () => slots.acquire('name:olivia'));
    expect(grants.every((g) => g.ok)).toBe(true);
    expect(slots.acquire('name:olivia')).toEqual({ ok: false, refused: 'client', limit: 8 });
    expect(slots.acquire('address:10.0.0.1').ok).toBe(true);
    const first = grants[0]!;
    if (first.ok) {
      first.release();
      first.release(); // twice: still one slot
    }
    expect(slots.openFor('name:olivia')).toBe(7);
    expect(slots.acquire('name:olivia').ok).toBe(true);
    expect(slots.acquire('name:olivia').ok).toBe(false);
  });

  it('refuses past the total whoever asks', () => {
    const slots = new StreamSlots({ perClient: 2, total: 3 });
    expect([slots.acquire('a'), slots.acquire('a'), slots.acquire('b')].every((g) => g.ok)).toBe(true);
    expect(slots.acquire('c')).toEqual({ ok: false, refused: 'total', limit: 3 });
    // Over its own limit too: the client is told about its own limit first.
    expect(slots.acquire('a')).toEqual({ ok: false, refused: 'client', limit: 2 });
  });

  it('never counts more than the limits, and counts back to zero, whatever the order of opens and closes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ open: fc.constantFrom('a', 'b', 'c', 'd') }), fc.record({ close: fc.nat(50) })), {
          maxLength: 200,
        }),
        (ops) => {
          const slots = new StreamSlots({ perClient: 3, total: 7 });
          const held: Array<{ client: string; release: () => void }> = [];
          for (const op of ops) {
            if ('open' in op) {
              const g = slots.acquire(op.open);
              if (g.ok) held.push({ client: op.open, release: g.release });
            } else if (held.length > 0) {
              const [h] = held.splice(op.close % held.length, 1);
              h!.release();
              h!.release();
            }
            expect(slots.open).toBe(held.length);
            expect(slots.open).toBeLessThanOrEqual(7);
            for (const c of ['a', 'b', 'c', 'd']) {
              expect(slots.openFor(c)).toBe(held.filter((h) => h.client === c).length);
              expect(slots.openFor(c)).toBeLessThanOrEqual(3);
            }
          }
          for (const h of held) h.release();
          expect(slots.open).toBe(0);
        },
      ),
    );
  });
});
