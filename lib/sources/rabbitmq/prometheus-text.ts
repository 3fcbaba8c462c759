/**
 * The Prometheus text exposition format (version 0.0.4), as much of it as a scrape of plain
 * gauges and counters needs: `# ...` lines (HELP, TYPE, anything else) are skipped, and each
 * sample line is `name{label="value",...} value [timestamp]`. Label values escape `\\`, `\"` and
 * `\n`; any other escape is an error. Written here rather than taken from npm: the one parser
 * there (parse-prometheus-text-format) has not been released for years, ships no types and
 * throws on a bad line, where a poll loop needs each bad line as a value.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromParseError {
  /** 1-based. */
  line: number;
  reason: string;
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const floatText = /^[+-]?(?:inf|infinity|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i;
const blanks = /^[ \t]*/;

/** The sample value as Go's ParseFloat reads it (NaN, +Inf, -Inf, scientific); null when it is not one. */
export function parseFloatText(text: string): number | null {
  if (!floatText.test(text)) return null;
  const t = text.toLowerCase().replace(/^\+/, '');
  if (t === 'nan' || t === '-nan') return Number.NaN;
  if (t === 'inf' || t === 'infinity') return Number.POSITIVE_INFINITY;
  if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(t);
}

/** One sample line, or why it is not one. */
export function parseSampleLine(line: string): PromSample | string {
  let rest = line.replace(blanks, '');
  const name = metricName.exec(rest)?.[0];
  if (!name) return 'no metric name';
  rest = rest.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.replace(blanks, '').startsWith('{')) {
    rest = rest.replace(blanks, '').slice(1);
    for (;;) {
      rest = rest.replace(blanks, '');
      if (rest.startsWith('}')) break;
      const key = labelName.exec(rest)?.[0];
      if (!key) return 'bad label name';
      rest = rest.slice(key.length).replace(blanks, '');
      if (!rest.startsWith('=')) return `label ${key}: expected =`;
      rest = rest.slice(1).replace(blanks, '');
      if (!rest.startsWith('"')) return `label ${key}: expected a quoted value`;
      const value = readQuoted(rest.slice(1));
      if (typeof value === 'string') return `label ${key}: ${value}`;
      if (Object.hasOwn(labels, key)) return `label ${key} twice`;
      labels[key] = value.value;
      rest = rest.slice(1 + value.length).replace(blanks, '');
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) return `label ${key}: expected , or }`;
    }
    rest = rest.slice(1);
  }
  if (!/^[ \t]/.test(rest)) return 'expected a space before the value';
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length > 2) return 'text after the timestamp';
  const value = parseFloatText(fields[0] ?? '');
  if (value === null) return `bad value "${(fields[0] ?? '').slice(0, 40)}"`;
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) return 'bad timestamp';
  return { name, labels, value };
}

/** A label value up to its closing quote: the value and how many characters it took, quote included. */
function readQuoted(text: string): { value: string; length: number } | string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { value: out, length: i + 1 };
    if (c === '\n') return 'newline inside a value';
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === '\\') out += '\\';
    else if (next === '"') out += '"';
    else if (next === 'n') out += '\n';
    else return `bad escape \\${next ?? ''}`;
  }
  return 'unterminated value';
}

/** Every sample of a scrape and every line that is neither a sample, a comment nor blank. Never throws. */
export function parsePrometheusText(body: string): { samples: PromSample[]; errors: PromParseError[] } {
  const samples: PromSample[] = [];
  const errors: PromParseError[] = [];
  body.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const parsed = parseSampleLine(line);
    if (typeof parsed === 'string') errors.push({ line: i + 1, reason: parsed });
    else samples.push(parsed);
  });
  return { samples, errors };
}

/** A label value written as the format wants it (for tests and stand-ins). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
