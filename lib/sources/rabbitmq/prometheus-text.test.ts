import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLabelValue, parseFloatText, parsePrometheusText, parseSampleLine } from './prometheus-text';

describe('parseSampleLine', () => {
  it.each([
    ['up 1', { name: 'up', labels: {}, value: 1 }],
    ['a:b_c{} 2.5', { name: 'a:b_c', labels: {}, value: 2.5 }],
    ['m{x="1",y="two"} 3 1700000000000', { name: 'm', labels: { x: '1', y: 'two' }, value: 3 }],
    ['m{x="1",} 4', { name: 'm', labels: { x: '1' }, value: 4 }],
    ['m { x = "1" , y="2" }   5', { name: 'm', labels: { x: '1', y: '2' }, value: 5 }],
    ['m{q="a\\"b\\\\c\\nd"} 6', { name: 'm', labels: { q: 'a"b\\c\nd' }, value: 6 }],
    ['m{q="{},=} 7"} 7', { name: 'm', labels: { q: '{},=} 7' }, value: 7 }],
    ['m 1e3', { name: 'm', labels: {}, value: 1000 }],
    ['m -Inf', { name: 'm', labels: {}, value: Number.NEGATIVE_INFINITY }],
  ])('reads %j', (line, expected) => {
    expect(parseSampleLine(line)).toEqual(expected);
  });

  it.each([
    ['{x="1"} 1', 'no metric name'],
    ['m{x="1" 1', 'label x: expected , or }'],
    ['m{x=1} 1', 'label x: expected a quoted value'],
    ['m{x:"1"} 1', 'label x: expected ='],
    ['m{x="a\\sb"} 1', 'label x: bad escape \\s'],
    ['m{x="open} 1', 'label x: unterminated value'],
    ['m{x="1",x="2"} 1', 'label x twice'],
    ['m{1x="1"} 1', 'bad label name'],
    ['m{x="1"}1', 'expected a space before the value'],
    ['m', 'expected a space before the value'],
    ['m one', 'bad value "one"'],
    ['m 1 2 3', 'text after the timestamp'],
    ['m 1 later', 'bad timestamp'],
  ])('refuses %j: %s', (line, reason) => {
    expect(parseSampleLine(line)).toBe(reason);
  });

  it('reads the special values as Go does', () => {
    expect(parseFloatText('NaN')).toBeNaN();
    expect(parseFloatText('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseFloatText('.5')).toBe(0.5);
    expect(parseFloatText('0x10')).toBeNull();
    expect(parseFloatText('')).toBeNull();
  });
});

describe('parsePrometheusText', () => {
  it('skips comments and blank lines, numbers the bad ones and keeps going', () => {
    const body = '# HELP m a metric\n# TYPE m gauge\n\nm{a="1"} 1\r\nnot a sample\nm{a="2"} 2\n';
    expect(parsePrometheusText(body)).toEqual({
      samples: [
        { name: 'm', labels: { a: '1' }, value: 1 },
        { name: 'm', labels: { a: '2' }, value: 2 },
      ],
      errors: [{ line: 5, reason: 'bad value "a"' }],
    });
  });

  const labelValue = fc.string({ unit: 'binary', maxLength: 30 });

  it('gives back any label values written with the escapes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(labelValue, labelValue), { maxLength: 20 }), (pairs) => {
        const body = pairs
          .map(([v, q], i) => `m_x{vhost="${escapeLabelValue(v)}",queue="${escapeLabelValue(q)}"} ${i}`)
          .join('\n');
        const parsed = parsePrometheusText(body);
        expect(parsed.errors).toEqual([]);
        expect(parsed.samples.map((s) => [s.labels.vhost, s.labels.queue, s.value])).toEqual(
          pairs.map(([v, q], i) => [v, q, i]),
        );
      }),
    );
  });

  it('never throws on garbage: every non-blank, non-comment line is a sample or an error', () => {
    const junk = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc
        .array(fc.constantFrom('m', '{', '}', '"', '\\', '=', ',', ' ', 'x', '1', '#', '\r', 'e', '+', 'Inf'), {
          maxLength: 40,
        })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(fc.array(junk, { maxLength: 30 }), (lines) => {
        const body = lines.join('\n');
        const parsed = parsePrometheusText(body);
        const counted = body.split('\n').filter((l) => {
          const t = l.trim();
          return t !== '' && !t.startsWith('#');
        }).length;
        expect(parsed.samples.length + parsed.errors.length).toBe(counted);
      }),
    );
  });
});
