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
import { replayAt, type Replay } from '../history/replay';
import type { IncidentDeps } from '../incidents/deps';
import { restoreDuePauses, settleUnansweredScales, type ScaleDeps } from '../actions/scale';
import { autoscalerPauses } from '../store/autoscaler-pauses';
import { createNotifier, noticeFor } from '../incidents/notify';
import { seriesCacheFor } from '../poller/poller';
import type { SeriesCache } from '../poller/series';
import type { LiveFeed } from '../replicas/live-feed';
import { Replica } from '../replicas/replica';
import { pgLease, soloLease } from '../store/lease';
import { liveStore } from '../store/live';
import { createNomadClient } from '../sources/nomad/client';
import { auditLog, type AuditLog } from '../store/audit-log';
import { openDb, type Db } from '../store/db';
import { history, type History } from '../store/history';
import { incidents, type Incidents } from '../store/incidents';
import { trendsStore, type TrendsStore } from '../store/trends';
import { pipelinePath } from '../contracts/pipelines';

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
  trends: TrendsStore;
}

export interface App {
  readonly configFile: string;
  readonly config: WarroomConfig;
  readonly pipeline: string;
  /** What this replica serves as "now": its own polls while it leads, the leader's otherwise. */
  readonly live: LiveFeed & { readonly series: SeriesCache | null };
  /** This process among the replicas on one database (PGlite: the only one, always leading). */
  readonly replica: Replica;
  /** Changes open pages should hear about at once (incidents, newly stored timeline events), from any replica. */
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
  /** Every configured pipeline's name, in the file's order; this one is among them. */
  readonly pipelines: readonly string[];
  /**
   * The same application seen from another pipeline: its own poller, replica, live feed, replay,
   * incidents and actions, over the shared store, sign-ins and change bus. Null for a name the
   * configuration does not hold.
   */
  forPipeline(name: string): App | null;
  /** Where this pipeline's pages live: '' with a single pipeline, `/p/<name>` with several. */
  readonly basePath: string;
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
  const changes = new ChangeBus();

  let opening: Promise<Stores> | null = null;
  const stores = (): Promise<Stores> => {
    opening ??= openDb({ databaseUrl: env.DATABASE_URL, dataDir: path.resolve(env.WARROOM_STATE_DIR, 'pglite') })
      .then((db) => ({
        db,
        audit: auditLog(db),
        history: history(db),
        incidents: incidents(db),
        trends: trendsStore(db),
      }))
      .catch((err: unknown) => {
        // Not kept: the next caller tries again.
        opening = null;
        throw err;
      });
    return opening;
  };
  const shared: Shared = {
    configFile,
    redact,
    changes,
    stores,
    signIns: { limiter: new SignInLimiter(), slots: new HashSlots() },
    pipelines: config.pipelines.map((p) => p.name),
    byName: new Map(),
  };
  config.pipelines.forEach((p, i) => {
    shared.byName.set(p.name, buildPipeline(shared, { ...config, pipeline: p }, i === 0));
  });
  return shared.byName.get(config.pipeline.name)!;
}

interface Shared {
  configFile: string;
  redact: (text: string) => string;
  changes: ChangeBus;
  stores: () => Promise<Stores>;
  signIns: App['signIns'];
  pipelines: string[];
  byName: Map<string, App>;
}

/**
 * One pipeline's part of the application: its poller (inside its replica, leading or following
 * on a lease of its own name), live feed, charts, replay, incidents and actions. `config` is the
 * whole configuration with `pipeline` set to this one. Work that is not per pipeline (the
 * autoscaler pauses' upkeep) runs on the first pipeline's replica only.
 */
function buildPipeline(shared: Shared, config: WarroomConfig, first: boolean): App {
  const env = serverEnv();
  const { stores, changes, redact } = shared;
  const pipeline = config.pipeline.name;

  // Set below: the replica announces incident changes to every process, and it needs these deps.
  let announce: (change: Change) => void = changes.announce;
  // Incident changes made by this process go to the configured chat webhooks (once: only the
  // process that made a change announces it from here).
  const notifier = createNotifier({ webhooks: config.notify.webhooks, redact });
  const notifyIncident = async (id: number) => {
    if (config.notify.webhooks.length === 0) return;
    const s = await stores();
    const incident = await s.incidents.get(pipeline, id);
    if (!incident) return;
    await notifier.send(noticeFor(incident, await s.incidents.logOf(id), config.notify.publicUrl));
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
      announce: (change: Change) => {
        announce(change);
        if (change.topic === 'incident')
          void notifyIncident(change.incidentId).catch((err: Error) => console.error(`notify: ${err.message}`));
      },
    };
  };

  const series = seriesCacheFor(config);
  const replica = new Replica({
    config,
    lease: env.DATABASE_URL
      ? pgLease({ url: env.DATABASE_URL, name: pipeline, everyMs: replicaCheckMs(config) })
      : soloLease(),
    series,
    incidentDeps,
    liveStore: async () => liveStore((await stores()).db),
    shared: Boolean(env.DATABASE_URL),
    localChanges: changes.announce,
    // Autoscaler policies paused by a scale are enabled again when their time is up, and scales
    // Nomad never answered are settled from its record (the sender's own follow-up may have died).
    upkeep: async () => {
      if (!first) return;
      const deps = await scaleDeps();
      if (!deps) return;
      const changed = (await restoreDuePauses(deps)) + (await settleUnansweredScales(deps));
      if (changed > 0) announce({ topic: 'timeline', at: new Date().toISOString() });
    },
  });
  announce = replica.announce;
  const live = Object.assign(replica.live, { series });

  const nomad = config.sources.nomad;
  const actionsNomad = nomad
    ? createNomadClient({ url: nomad.url, token: nomad.token, namespace: nomad.namespace, timeoutMs: 3000 })
    : null;
  const scaleDeps = async (): Promise<ScaleDeps | null> => {
    if (!actionsNomad) return null;
    const { audit, db } = await stores();
    return {
      config,
      nomad: actionsNomad,
      audit,
      queueFor: (job, group) => queueForGroup(live.snapshot(), job, group),
      serialise: (key, fn) => db.serialise(key, fn),
      pauses: autoscalerPauses(db),
    };
  };

  return {
    configFile: shared.configFile,
    config,
    pipeline,
    live,
    replica,
    changes,
    stores,
    scaleDeps,
    incidentDeps,
    replayAt: async (raw) => replayAt(() => stores().then((s) => s.history), pipeline, raw),
    redact,
    signIns: shared.signIns,
    pipelines: shared.pipelines,
    forPipeline: (name) => shared.byName.get(name) ?? null,
    basePath: shared.pipelines.length > 1 ? pipelinePath(pipeline) : '',
  };
}

/**
 * How often a follower asks for the lead: a leader that dies is replaced within two poll
 * intervals (half the fastest loop, at least every 2 s, at most every 250 ms).
 */
function replicaCheckMs(config: WarroomConfig): number {
  const p = config.polling;
  const fastest = Math.min(p.managementMs, p.prometheusMs, p.nomadMs, ...(p.amqpMs ? [p.amqpMs] : []));
  return Math.max(250, Math.min(2000, Math.round(fastest / 2)));
}
