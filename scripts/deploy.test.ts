import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { interpolateEnv, parseConfig } from '../lib/config/load-config';

/**
 * deploy/ cannot be run here (no Docker, no Nomad), so this holds it to the code it ships: the
 * variables the Nomad job renders are ones the app reads, the configuration it ships loads, the
 * health check names a real route, and the container runs the standalone server it builds.
 */
const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const job = read('deploy/warroom.nomad.hcl');
const containerfile = read('deploy/Containerfile');
const configFile = 'deploy/warroom.yaml';

const names = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!);

/** The variables lib/env.ts validates: the keys of its schema object. */
const appEnv = names(read('lib/env.ts'), /^\s+([A-Z][A-Z0-9_]*):/gm);

/** The ${VARS} the shipped configuration's values name (comments are not read by the app). */
function configVars(): string[] {
  const asked = new Set<string>();
  const recording = new Proxy({} as Record<string, string>, {
    get: (_, name) => {
      asked.add(String(name));
      return 'x'.repeat(40);
    },
  });
  interpolateEnv(parseYaml(read(configFile)), recording);
  return [...asked].sort();
}

/** Heredocs of the job (templates), and the KEY=value lines of those read back as environment. */
const heredocs = [...job.matchAll(/<<-?(\w+)\n([\s\S]*?)\n\s*\1\n/g)].map((m) => m[2]!);
const renderedEnv = heredocs.flatMap((doc) => names(doc, /^([A-Z][A-Z0-9_]*)=/gm));
const envBlock = /^\s*env\s*\{([^}]*)\}/m.exec(job)?.[1] ?? '';
const jobEnv = names(envBlock, /^\s*([A-Z][A-Z0-9_]*)\s*=/gm);

describe('deploy/warroom.nomad.hcl', () => {
  it('runs at least two replicas of a service job', () => {
    expect(job).toMatch(/^\s*type\s*=\s*"service"/m);
    expect(Number(/^\s*count\s*=\s*(\d+)/m.exec(job)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('renders only variables the app reads, and every one its configuration names', () => {
    expect(renderedEnv.length).toBeGreaterThan(0);
    const reads = new Set([...appEnv, ...configVars()]);
    expect([...renderedEnv, ...jobEnv].filter((v) => !reads.has(v))).toEqual([]);
    expect(configVars().filter((v) => !renderedEnv.includes(v))).toEqual([]);
    // Replicas share one database; without it each would keep its own PGlite.
    expect(renderedEnv).toContain('DATABASE_URL');
  });

  it("reads the secrets from the job's own Nomad variable, as environment, each item named as its variable", () => {
    const jobName = /^job\s+"([^"]+)"/m.exec(job)?.[1];
    const envTemplate = heredocs.find((doc) => /^[A-Z][A-Z0-9_]*=/m.test(doc))!;
    expect(envTemplate).toContain(`nomadVar "nomad/jobs/${jobName}"`);
    for (const line of envTemplate.split('\n').filter((l) => /^[A-Z]/.test(l)))
      expect(line).toMatch(/^([A-Z][A-Z0-9_]*)=\{\{ \.\1 \| toJSON \}\}$/);
    expect(job).toMatch(/destination\s*=\s*"secrets\/[^"]+"\s*\n\s*env\s*=\s*true/);
  });

  it('points WARROOM_CONFIG at the configuration template it renders', () => {
    const configPath = /WARROOM_CONFIG\s*=\s*"\$\{NOMAD_TASK_DIR\}\/([^"]+)"/.exec(job)?.[1];
    expect(configPath).toBeDefined();
    expect(job).toContain(`destination = "local/${configPath}"`);
    expect(job).toMatch(/default\s*=\s*"deploy\/warroom\.yaml"/);
  });

  it('checks a route that exists, on the port the container listens on', () => {
    const checked = names(job, /^\s*path\s*=\s*"(\/[^"]*)"/gm);
    expect(checked).toContain('/api/health');
    for (const route of checked) expect(existsSync(path.join(root, 'app', route, 'route.ts'))).toBe(true);
    const to = /port\s+"http"\s*\{\s*to\s*=\s*(\d+)/.exec(job)?.[1];
    expect(containerfile).toMatch(new RegExp(`^EXPOSE ${to}$`, 'm'));
    expect(containerfile).toMatch(new RegExp(`PORT=${to}\\b`));
  });

  it('has an update block for rolling deploys', () => {
    expect(job).toMatch(/update\s*\{[^}]*max_parallel\s*=\s*1[^}]*\}/);
  });
});

describe('deploy/warroom.yaml', () => {
  it('loads with the app’s own parser once its variables are set', () => {
    const env = Object.fromEntries(configVars().map((v) => [v, 'x'.repeat(40)]));
    expect(() => parseConfig(read(configFile), configFile, env)).not.toThrow();
  });
});

describe('deploy/Containerfile', () => {
  it('builds on a slim Node image the app supports, with npm ci and next build', () => {
    const images = names(containerfile, /^ARG NODE_IMAGE=(\S+)$/gm);
    expect(images).toHaveLength(1);
    expect(images[0]).toMatch(/^node:(20|22|24)-slim$/);
    expect(containerfile).toMatch(/^RUN npm ci\b/m);
    expect(containerfile).toMatch(/^RUN npx next build$/m);
  });

  it('runs the standalone server.js, with the static files beside it, as a user without privileges', () => {
    expect(read('next.config.js')).toMatch(/output:\s*'standalone'/);
    expect(containerfile).toMatch(/^COPY --from=build \/app\/\.next\/standalone \.\/$/m);
    expect(containerfile).toMatch(/^COPY --from=build \/app\/\.next\/static \.\/\.next\/static$/m);
    if (existsSync(path.join(root, 'public'))) expect(containerfile).toMatch(/^COPY --from=build \/app\/public/m);
    expect(containerfile).toMatch(/^CMD \["node", "server\.js"\]$/m);
    const users = names(containerfile, /^USER (\S+)$/gm);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    expect(containerfile).toMatch(/^HEALTHCHECK [\s\S]*\/api\/health/m);
  });

  it('sets only environment the app or the standalone server reads', () => {
    const runStage = containerfile.slice(containerfile.lastIndexOf('\nFROM '));
    const set = names(runStage, /(?:^ENV |\\\n\s+)([A-Z][A-Z0-9_]*)=/gm);
    expect(set).toContain('WARROOM_CONFIG');
    const serverReads = ['PORT', 'HOSTNAME', 'NODE_ENV', 'NEXT_TELEMETRY_DISABLED'];
    expect(set.filter((v) => !appEnv.includes(v) && !serverReads.includes(v))).toEqual([]);
  });

  it('copies every source folder and root module the build type-checks, and nothing ignored', () => {
    const ignored = new Set(names(read('.gitignore'), /^([^#*\s][^\s]*)\/$/gm));
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !ignored.has(e.name) && e.name !== 'deploy')
      .map((e) => e.name);
    const rootModules = readdirSync(root).filter((f) => /\.(ts|tsx)$/.test(f) && !/\.(d|config|test)\.ts$/.test(f));
    const copied = names(containerfile, /^COPY (?!--from)(.+)$/gm).flatMap((line) => line.split(/\s+/).slice(0, -1));
    for (const needed of [...folders, ...rootModules, 'next.config.js', 'tsconfig.json', 'package-lock.json'])
      expect(copied, needed).toContain(needed);
    expect(copied.filter((c) => c === '.' || c.startsWith('.warroom') || c.startsWith('.next'))).toEqual([]);
  });
});

describe('README', () => {
  it('shows a `nomad var put` with exactly the items the job renders', () => {
    const command = /nomad var put nomad\/jobs\/warroom((?:[^\n]*\\\n)*[^\n]*)/.exec(read('README.md'))?.[1];
    expect(command).toBeDefined();
    expect(names(command!, /\b([A-Z][A-Z0-9_]*)=/g).sort()).toEqual([...renderedEnv].sort());
  });
});
