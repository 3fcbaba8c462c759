import 'server-only';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { queueForGroup } from '../analysis/queue-for-group';
import type { Change } from '../contracts/change';
import { rawEnv, serverEnv } from '../env';
import { HashSlots } from '../auth/hash-slots';
import { SignInLimiter } from '../auth/sign-in-limiter';
import { ConfigError, loadConfigFile } from '../config/load-config';
import { configSecrets } from '../config/secrets';
import { redactorFor, urlSecrets } from '../format/redact';
import type { WarroomConfig } from '../config/schema';
import { HistoryRecorder } from '../history/recorder';
import { replayAt, type Replay } from '../history/replay';
import type { IncidentDeps } from '../incidents/deps';
import { Suggester } from '../incidents/suggester';
import type { ScaleDeps } from '../actions/scale';
import { Poller } from '../poller/poller';
import { createNomadClient } from '../sources/nomad/client';
import { auditLog, type AuditLog } from '../store/audit-log';
import { openDb, type Db } from '../store/db';
import { history, type History } from '../store/history';
import { incidents, type Incidents } from '../store/incidents';

/**
 * The composition root: builds the application once per server process from the configuration
 * (the store, the sources through the poller, the recorder, the incident suggester, the action
 * dependencies and the change bus) and hands each part what it needs. Routes and pages reach
 * everything through `getApp()`; no service finds another by itself.
 */
export interface Stores {
  db: Db;
  audit: AuditLog;
  history: History;
  incidents: Incidents;
}

export interface App {
  readonly configFile: string;
  readonly config: WarroomConfig;
  readonly pipeline: string;
  readonly poller: Poller;
  /** Changes open pages should hear about at once (incidents, newly stored timeline events). */
  readonly changes: ChangeBus;
  /** The database with its stores, opened (and migrated) on first use. */
  stores(): Promise<Stores>;
  scaleDeps(): Promise<ScaleDeps | null>;
  incidentDeps(): Promise<IncidentDeps>;
  replayAt(raw: string | null): Promise<Replay>;
  /** Takes every configured secret (and the database URL's password) out of a text. */
  redact(text: string): string;
  /** Failed sign-ins by name and address, and the few password hashes allowed to run at once. */
  readonly signIns: { limiter: SignInLimiter; slots: HashSlots };
}

export type AppState =
  | { status: 'ready'; app: App }
  | { status: 'missing'; error: string }
  | { status: 'invalid'; file: string; error: string };

export class ChangeBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  announce = (change: Change): void => {
    this.emitter.emit('change', change);
  };
  subscribe(listener: (change: Change) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}

const key = Symbol.for('warroom.app');
type GlobalWithApp = typeof globalThis & { [key]?: App };

/**
 * The application, or why there is none: no configuration, or an invalid one (read again on the
 * next call, so a fixed file takes effect without a restart). Kept on globalThis so that module
 * reloads in development do not start a second poll loop.
 */
export function getApp(): AppState {
  const g = globalThis as GlobalWithApp;
  if (g[key]) return { status: 'ready', app: g[key] };
  const file = serverEnv().WARROOM_CONFIG;
  if (!file) return { status: 'missing', error: 'No configuration: set WARROOM_CONFIG (see README).' };
  let config: WarroomConfig;
  try {
    config = loadConfigFile(file, rawEnv());
  } catch (err) {
    if (err instanceof ConfigError) return { status: 'invalid', file, error: err.message };
    throw err;
  }
  g[key] = buildApp(file, config);
  return { status: 'ready', app: g[key] };
}

const consoleKey = Symbol.for('warroom.console-redacted');

/**
 * Every log line of the process goes through the redactor, whoever writes it (our code, Next.js,
 * a library): a secret inside an error's message or stack never reaches the log.
 */
function redactConsole(redact: (text: string) => string): void {
  const g = globalThis as typeof globalThis & { [consoleKey]?: boolean };
  if (g[consoleKey]) return;
  g[consoleKey] = true;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const write = console[level].bind(console);
    console[level] = (...args: unknown[]) =>
      write(
        ...args.map((a) => (typeof a === 'string' ? redact(a) : a instanceof Error ? redact(a.stack ?? a.message) : a)),
      );
  }
}

function buildApp(configFile: string, config: WarroomConfig): App {
  const env = serverEnv();
  const redact = redactorFor([...configSecrets(config), ...urlSecrets(env.DATABASE_URL)]);
  redactConsole(redact);
  const pipeline = config.pipeline.name;
  const changes = new ChangeBus();
  const poller = new Poller(config);
  poller.start();

  let opening: Promise<Stores> | null = null;
  const stores = (): Promise<Stores> => {
    opening ??= openDb({ databaseUrl: env.DATABASE_URL, dataDir: path.resolve(env.WARROOM_STATE_DIR, 'pglite') })
      .then((db) => ({ db, audit: auditLog(db), history: history(db), incidents: incidents(db) }))
      .catch((err: unknown) => {
        // Not kept: the next caller tries again.
        opening = null;
        throw err;
      });
    return opening;
  };

  const incidentDeps = async (): Promise<IncidentDeps> => {
    const s = await stores();
    return {
      pipeline,
      retentionHours: config.history.retentionHours,
      users: config.auth.users.map((u) => u.name),
      incidents: s.incidents,
      history: s.history,
      audit: s.audit,
      announce: changes.announce,
    };
  };

  const nomad = config.sources.nomad;
  const actionsNomad = nomad
    ? createNomadClient({ url: nomad.url, token: nomad.token, namespace: nomad.namespace, timeoutMs: 3000 })
    : null;
  const scaleDeps = async (): Promise<ScaleDeps | null> => {
    if (!actionsNomad) return null;
    return {
      config,
      nomad: actionsNomad,
      audit: (await stores()).audit,
      queueFor: (job, group) => queueForGroup(poller.snapshot(), job, group),
    };
  };

  const app: App = {
    configFile,
    config,
    pipeline,
    poller,
    changes,
    stores,
    scaleDeps,
    incidentDeps,
    replayAt: async (raw) => replayAt(() => stores().then((s) => s.history), pipeline, raw),
    redact,
    signIns: { limiter: new SignInLimiter(), slots: new HashSlots() },
  };
  startRecording(app);
  return app;
}

/**
 * Every snapshot goes to the history, and each stored batch of events to the open pages and the
 * incident suggester. The store opening late only delays that: it is tried again with a growing
 * pause (up to a minute) until it opens.
 */
function startRecording(app: App, attempt = 0): void {
  app
    .incidentDeps()
    .then((deps) => {
      const { config, poller, changes } = app;
      const suggester = new Suggester(deps);
      const recorder = new HistoryRecorder(
        deps.history,
        app.pipeline,
        { everyMs: config.history.snapshotEveryMs, retentionHours: config.history.retentionHours },
        async (events, snapshot) => {
          changes.announce({ topic: 'timeline', at: events.at(-1)!.at });
          await suggester.afterEvents(events, snapshot);
        },
      );
      poller.on('snapshot', (snapshot) => {
        suggester.observe(snapshot);
        void recorder.record(snapshot);
      });
      // A suggestion nobody took is withdrawn after a settled healthy minute, checked on a slow
      // tick (events alone would miss a quiet recovery).
      setInterval(() => void suggester.tick(poller.snapshot()), 15_000).unref();
    })
    .catch((err: Error) => {
      const waitMs = Math.min(60_000, 1000 * 2 ** attempt);
      console.error(`history: the store did not open (${err.message}); trying again in ${waitMs / 1000} s`);
      setTimeout(() => startRecording(app, attempt + 1), waitMs).unref();
    });
}
