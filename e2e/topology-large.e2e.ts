import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { rabbitManagementUrl, stackLayout, stackSecrets } from '../scripts/stack';
import { servableStandalone } from '../scripts/stack/dashboard';
import { waitFor } from '../scripts/testing/demo-client';
import { screenshotPath } from './browser';

/**
 * A 40-stage pipeline on a dashboard of its own (its own configuration, port and state folder,
 * the test stack's broker): the graph stays readable. Every node is drawn, long labels wrap and
 * are never cut, no two nodes overlap, the minimap is there, the keyboard reaches and selects a
 * node; on a laptop and on a phone. Its queues do not exist on the broker: missing data, which
 * the graph must show without breaking. Both sizes run in the desktop project, each in a context
 * of its own viewport (plain Chromium at that size, as before: no touch, no mobile emulation).
 */
const layout = stackLayout('test');
const secrets = stackSecrets(layout);
const kinds = ['service', 'queue', 'workers', 'store'] as const;
const subjects = [
  'document ingestion and OCR scoring path',
  'face match requests from the mobile onboarding flow',
  'sanctions screening replies for the compliance team',
  'Überprüfung der Ausweisdokumente (Deutschland)',
  'thumbnail-generation-and-virus-scanning-workers',
];

/** 40 stages, service -> queue -> workers -> store, labels of 40 to 60 characters. */
const stages = Array.from({ length: 40 }, (_, i) => {
  const kind = kinds[i % 4]!;
  const label = `${i + 1}. ${kind} of the ${subjects[i % subjects.length]}`.slice(0, 40 + ((i * 7) % 21));
  return { id: `stage-${String(i + 1).padStart(2, '0')}`, kind, label: label.trimEnd() };
});

function configYaml(): string {
  const lines = stages.map((s, i) => {
    const base = `      - { id: ${s.id}, kind: ${s.kind}, label: ${JSON.stringify(s.label)}`;
    if (s.kind === 'queue') return `${base}, queue: { name: warroom-e2e.missing.${i} } }`;
    if (s.kind === 'workers') return `${base}, consumesFrom: ${stages[i - 1]!.id} }`;
    return `${base} }`;
  });
  return `auth:
  sessionSecret: '${'l'.repeat(40)}'
  anonymousRead: true
polling: { amqpMs: 1000, managementMs: 2000 }
pipeline:
  name: large
  endToEnd: { sloMs: 3000 }
  stages:
${lines.join('\n')}
sources:
  rabbitmq:
    managementUrl: ${rabbitManagementUrl(layout)}
    amqpUrl: amqp://127.0.0.1:${layout.ports.amqp}
    username: \${RABBIT_USER}
    password: \${RABBIT_PASSWORD}
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

let dashboard: ChildProcess | undefined;
let base: string;
let logFile: string;

test.beforeAll('start the 40-stage dashboard', async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'warroom-large-'));
  logFile = path.join(dir, 'dashboard.log');
  const config = path.join(dir, 'warroom.yaml');
  writeFileSync(config, configYaml());
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    WARROOM_CONFIG: config,
    WARROOM_STATE_DIR: dir,
    WARROOM_CHECK_RESPONSES: '1',
    RABBIT_USER: secrets.rabbitUser,
    RABBIT_PASSWORD: secrets.rabbitPassword,
  };
  // Its own PGlite under `dir`: an empty DATABASE_URL would be read as a (bad) database address.
  delete env.DATABASE_URL;
  const server = servableStandalone();
  const log = openSync(logFile, 'a');
  dashboard = spawn(process.execPath, [server], { cwd: path.dirname(server), stdio: ['ignore', log, log], env });
  await waitFor(
    () =>
      fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      ),
    (ok) => ok,
    60_000,
    `the 40-stage dashboard to start (log: ${logFile})`,
    300,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${readFileSync(logFile, 'utf8')}`);
  });
});

test.afterAll('stop the 40-stage dashboard', async () => {
  if (dashboard && dashboard.exitCode === null) {
    const exited = new Promise((resolve) => dashboard!.once('exit', resolve));
    dashboard.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
});

interface Measured {
  id: string;
  label: string;
  labelScroll: [number, number];
  labelClient: [number, number];
  box: { x: number; y: number; w: number; h: number };
  /** px on screen by which the node's content reaches past its inner bottom edge (<= 0: inside). */
  spillPx: number;
}

async function measureNodes(page: Page): Promise<Measured[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="stage-node-"]')).map((node) => {
      const id = node.dataset.testid!.slice('stage-node-'.length);
      const label = node.querySelector<HTMLElement>(`[data-testid="stage-${id}-label"]`)!;
      const r = node.getBoundingClientRect();
      return {
        id,
        label: label.textContent ?? '',
        labelScroll: [label.scrollWidth, label.scrollHeight] as [number, number],
        labelClient: [label.clientWidth, label.clientHeight] as [number, number],
        box: { x: r.x, y: r.y, w: r.width, h: r.height },
        // The handles sit on the border by design (React Flow's connection points): not content.
        spillPx:
          Math.max(
            ...Array.from(node.children)
              .filter((c) => !c.classList.contains('react-flow__handle'))
              .map((c) => c.getBoundingClientRect().bottom),
          ) -
          (r.bottom - parseFloat(getComputedStyle(node).borderBottomWidth) * (r.height / node.offsetHeight)),
      };
    }),
  );
}

const overlap = (a: Measured['box'], b: Measured['box']) =>
  Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 0.5 &&
  Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 0.5;

/** Escaped for a RegExp: the text itself, as a substring. */
const literally = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

for (const { name, width, height, direction } of [
  { name: 'laptop', width: 1440, height: 1000, direction: 'LR' },
  { name: 'phone', width: 390, height: 844, direction: 'TB' },
])
  test.describe(`a 40-stage pipeline on a ${name} (${width} x ${height})`, () => {
    // One page for the four tests (none changes what the next one measures).
    let page: Page;
    test.beforeAll(async ({ browser }) => {
      page = await (await browser.newContext({ viewport: { width, height } })).newPage();
      await page.goto(base);
      await expect(
        page.locator('[data-testid^="stage-node-"]'),
        `${stages.length} stage nodes on the ${name}`,
      ).toHaveCount(stages.length, { timeout: 60_000 });
      // The server's static first view comes first; what is measured here is the interactive
      // canvas that replaces it once React Flow has loaded.
      await expect(page.locator('[data-testid="topology-canvas"]:not([data-static])')).toBeVisible({
        timeout: 60_000,
      });
    });
    test.afterAll(async () => {
      await page?.context().close();
    });

    test('draws every stage, with its whole label, and no two nodes on top of each other', async () => {
      const canvas = page.getByTestId('topology-canvas');
      await expect(canvas).toHaveAttribute('data-direction', direction);
      const canvasHeight = (await canvas.boundingBox())!.height;
      expect(canvasHeight).toBeGreaterThanOrEqual(320);
      expect(canvasHeight).toBeLessThanOrEqual(720);
      // React Flow shows a node once it has measured it.
      await expect(page.locator('.react-flow__node[style*="visibility: visible"]')).toHaveCount(stages.length, {
        timeout: 15_000,
      });
      const nodes = await measureNodes(page);
      expect(nodes.map((n) => n.id).sort()).toEqual(stages.map((s) => s.id).sort());
      const configured = new Map(stages.map((s) => [s.id, s.label]));
      for (const n of nodes) {
        expect(n.label, n.id).toBe(configured.get(n.id));
        expect(n.labelScroll[0], `${n.id}: label cut sideways`).toBeLessThanOrEqual(n.labelClient[0]);
        expect(n.labelScroll[1], `${n.id}: label cut below`).toBeLessThanOrEqual(n.labelClient[1]);
        expect(n.spillPx, `${n.id}: content spills out of its node`).toBeLessThanOrEqual(0.5);
      }
      // Some labels really wrap (the test would prove nothing if all fit on one line).
      const lineHeight = 20;
      expect(nodes.filter((n) => n.labelClient[1] >= 2 * lineHeight).length).toBeGreaterThan(10);
      for (let i = 0; i < nodes.length; i++)
        for (let j = i + 1; j < nodes.length; j++)
          expect(overlap(nodes[i]!.box, nodes[j]!.box), `${nodes[i]!.id} overlaps ${nodes[j]!.id}`).toBe(false);
    });

    test('gives the small kind badge AA contrast (4.5:1) against its node', async () => {
      const ratios = await page.evaluate(() => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const luminance = (c: string) => {
          const [r, g, b] = rgb(c).map((v) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        return Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="stage-"][data-testid$="-kind"]')).map(
          (badge) => {
            let bg = badge;
            // The badge is transparent: its background is the first ancestor that paints one.
            while (getComputedStyle(bg).backgroundColor === 'rgba(0, 0, 0, 0)' && bg.parentElement)
              bg = bg.parentElement;
            const [a, b] = [luminance(getComputedStyle(badge).color), luminance(getComputedStyle(bg).backgroundColor)];
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          },
        );
      });
      expect(ratios.length).toBe(stages.length);
      for (const r of ratios) expect(r).toBeGreaterThanOrEqual(4.5);
    });

    test('shows the minimap and the zoom controls', async () => {
      await expect(page.getByTestId('rf__minimap')).toBeVisible();
      await expect(page.getByTestId('rf__controls')).toBeVisible();
    });

    test('reaches a node with Tab, shows where focus is, and selects it with Enter', async () => {
      await page.getByTestId('topology-canvas').evaluate((el) => {
        // Start just before the graph: whatever precedes it on the page is not this test's concern.
        const start = document.createElement('button');
        start.textContent = 'start';
        start.dataset.testid = 'tab-start';
        el.before(start);
      });
      await page.getByTestId('tab-start').focus();
      let focused: string | undefined;
      for (let i = 0; i < 10 && !focused?.startsWith('stage-node-'); i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid);
      }
      expect(focused).toMatch(/^stage-node-/);
      const id = focused!.slice('stage-node-'.length);
      const ring = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement!);
        return { style: s.outlineStyle, widthPx: parseFloat(s.outlineWidth) };
      });
      expect(ring.style).not.toBe('none');
      expect(ring.widthPx).toBeGreaterThanOrEqual(2);
      const node = page.getByTestId(focused!);
      // The node's accessible name is its visible text: it names the stage.
      await expect(node).toHaveAccessibleName(literally(stages.find((s) => s.id === id)!.label));
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('stage-side-panel')).toHaveAttribute('data-stage', id, { timeout: 10_000 });
      await expect(node).toHaveAttribute('aria-pressed', 'true');
      await page.getByTestId('tab-start').evaluate((el) => el.remove());
      await page.waitForTimeout(500);
      await page.screenshot({ path: screenshotPath(`topology-large-${name}`), fullPage: true });
    });
  });
