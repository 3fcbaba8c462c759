import type { Change } from '../contracts/change';
import type { Snapshot } from '../contracts/snapshot';
import type { WarroomConfig } from '../config/schema';
import { HistoryRecorder } from '../history/recorder';
import type { IncidentDeps } from '../incidents/deps';
import { Suggester } from '../incidents/suggester';
import { Poller } from '../poller/poller';
import type { SeriesCache } from '../poller/series';
import type { Lease, ReplicaMessage, Role } from '../store/lease';
import type { LiveStore } from '../store/live';
import { LiveFeed } from './live-feed';
import { followNomadEvents, jobShape, timelineFromNomad } from '../sources/nomad/events';
import { createNomadClient } from '../sources/nomad/client';

/**
 * One dashboard process among possibly several on one database. While it leads (lib/store/lease)
 * it polls the sources, records the history, suggests incidents and shares each snapshot through
 * the database; while it follows, it serves the leader's snapshots as NOTIFY announces them (and
 * reads the shared row every few seconds in case an announcement was missed); without the
 * database, it polls by itself so that its page stays live. Changes for open
 * pages (incidents, timeline batches) are announced locally and to every other replica. With
 * PGlite there is one process, which always leads.
 */
export interface ReplicaDeps {
  config: WarroomConfig;
  lease: Lease;
  series: SeriesCache | null;
  /** The stores for recording and incidents; rejects while the database is unreachable. */
  incidentDeps(): Promise<IncidentDeps>;
  /** The shared live row and where the history stopped. */
  liveStore(): Promise<LiveStore>;
  /** Whether other processes may be listening (PostgreSQL); with PGlite nothing is shared. */
  shared: boolean;
  /** Changes announced by this process, to its own open pages. */
  localChanges: (change: Change) => void;
  /** Chores only the leader does, every 15 s (autoscaler policies to restore). */
  upkeep?: () => Promise<void>;
}

const followerReadMs = 5000;
/** How long a process without the database waits for it before polling by itself. */
const aloneGraceMs = 3000;

export class Replica {
  readonly live: LiveFeed;
  private poller: Poller | null = null;
  private recording: { stop: () => void; started: () => boolean } | null = null;
  /** The leader's term the recording began or went on under (null with one process). */
  private recordingTerm: number | null = null;
  private stopped = false;
  private followTimer: NodeJS.Timeout | null = null;
  private aloneTimer: NodeJS.Timeout | null = null;
  private current: Role = 'alone';
  private seq = 0;
  private sharing: Promise<void> | null = null;
  private nextShare: Snapshot | null = null;
  private mirroredAt: string | null = null;
  private readonly pipeline: string;

  constructor(private readonly deps: ReplicaDeps) {
    this.pipeline = deps.config.pipeline.name;
    // Until the first poll (or the leader's first row): every source "no answer yet".
    this.live = new LiveFeed(new Poller(deps.config, deps.series).snapshot());
    deps.lease.onMessage((m) => this.heard(m));
    deps.lease.onRole((role) => this.become(role));
  }

  get role(): Role {
    return this.current;
  }

  get leading(): boolean {
    return this.current === 'leader';
  }

  /** Tells this process's pages and every other replica's. */
  announce = (change: Change): void => {
    this.deps.localChanges(change);
    void this.deps.lease.announce({ type: 'change', change });
  };

  async stop(): Promise<void> {
    this.stopPolling();
    this.stopMirror();
    if (this.aloneTimer) clearTimeout(this.aloneTimer);
    this.stopped = true;
    await this.deps.lease.close();
  }

  /**
   * The leader polls and records. A follower serves the leader's snapshots. Alone (the database
   * unreachable), a process keeps the page live with its own polls: a leader cut off keeps its
   * recorder, which holds what it derives until it leads again (or drops it, if another process
   * leads by then); anyone else starts polling after a short grace (a process starting up is
   * alone until its first connection).
   */
  private become(role: Role): void {
    if (this.stopped) return;
    this.current = role;
    if (this.aloneTimer) clearTimeout(this.aloneTimer);
    this.aloneTimer = null;
    if (role === 'leader') {
      this.stopMirror();
      const poller = this.startPolling();
      // A recorder still waiting out its backoff for the store starts again at once: the lease just
      // reached the database. A leader cut off keeps what it derived only if nobody led meanwhile
      // (its new term is the next one); otherwise the history went on without it, and it resumes
      // from there.
      const term = this.deps.lease.fence?.term ?? null;
      const someoneLedMeanwhile = term !== null && this.recordingTerm !== null && term !== this.recordingTerm + 1;
      if (this.recording && (!this.recording.started() || someoneLedMeanwhile)) {
        this.recording.stop();
        this.recording = null;
      }
      this.recordingTerm = term;
      this.recording ??= this.record(poller);
    } else if (role === 'follower') {
      this.stopPolling();
      this.startMirror();
    } else {
      this.stopMirror();
      if (this.poller) return;
      this.aloneTimer = setTimeout(() => {
        if (this.current === 'alone') this.startPolling();
      }, aloneGraceMs);
      this.aloneTimer.unref();
    }
  }

  private startPolling(): Poller {
    if (this.poller) return this.poller;
    const poller = new Poller(this.deps.config, this.deps.series);
    this.poller = poller;
    poller.on('snapshot', (snapshot: Snapshot) => {
      this.live.publish(snapshot);
      this.share(snapshot);
    });
    poller.start();
    return poller;
  }

  private stopPolling(): void {
    this.recording?.stop();
    this.recording = null;
    if (!this.poller) return;
    const poller = this.poller;
    this.poller = null;
    poller.removeAllListeners('snapshot');
    void poller.stop();
  }

  private startMirror(): void {
    if (this.followTimer) return;
    this.followTimer = setInterval(() => void this.mirror(), followerReadMs);
    this.followTimer.unref();
    void this.mirror();
  }

  private stopMirror(): void {
    if (this.followTimer) clearInterval(this.followTimer);
    this.followTimer = null;
  }

  private heard(message: ReplicaMessage): void {
    if (message.type === 'change') this.deps.localChanges(message.change as Change);
    else if (message.type === 'snapshot' && message.pipeline === this.pipeline && this.current === 'follower')
      void this.mirror();
  }

  /** Reads the leader's latest snapshot if it is newer than the one served. */
  private async mirror(): Promise<void> {
    try {
      if (!this.deps.shared || this.current !== 'follower') return;
      const store = await this.deps.liveStore();
      const snapshot = await store.latest(this.pipeline, this.mirroredAt);
      if (!snapshot || this.current !== 'follower') return;
      if (this.mirroredAt && Date.parse(snapshot.generatedAt) <= Date.parse(this.mirroredAt)) return;
      this.mirroredAt = snapshot.generatedAt;
      this.live.publish(snapshot);
    } catch {
      // The database is away: the page keeps the last snapshot (its age shows) until it is back.
    }
  }

  /** Shares the leader's snapshots, the latest only when a write is still in flight. */
  private share(snapshot: Snapshot): void {
    if (!this.deps.shared || !this.leading) return;
    this.nextShare = snapshot;
    if (this.sharing) return;
    this.sharing = (async () => {
      try {
        const store = await this.deps.liveStore();
        while (this.nextShare && this.leading) {
          const next = this.nextShare;
          this.nextShare = null;
          await store.publish(this.pipeline, next, ++this.seq, this.deps.lease.id);
        }
      } catch {
        // Followers keep the last one they read; the next cycle tries again.
      } finally {
        this.nextShare = null;
        this.sharing = null;
      }
    })();
  }

  /**
   * Records every snapshot and feeds the incident suggester, from where the history stopped. The
   * store opening late only delays that: it is tried again with a growing pause (up to a
   * minute). Returns how to stop (on losing the lead) and whether it has begun.
   */
  /**
   * While recording: what Nomad says happened to the pipeline's jobs (deployments, allocations
   * failing, OOM-killed, restarting) goes on the timeline with the rest. Returns how to stop.
   */
  private followInfrastructure(recorder: HistoryRecorder): (() => void) | null {
    const nomad = this.deps.config.sources.nomad;
    const stageOfJob = new Map<string, string>();
    for (const s of this.deps.config.pipeline.stages)
      if (s.nomad && !stageOfJob.has(s.nomad.job)) stageOfJob.set(s.nomad.job, s.id);
    if (!nomad || stageOfJob.size === 0) return null;
    const seen = new Map<string, string>();
    let stream: { stop: () => void } | null = null;
    let stopped = false;
    // Each job as it is now, so that the first registration seen can be told from a scale.
    const client = createNomadClient({ url: nomad.url, token: nomad.token, namespace: nomad.namespace });
    // The stream starts after the newest of them: Nomad answers index 0 with the oldest events it
    // still holds, which would come back as if they had just happened.
    let fromIndex = 0;
    void Promise.all(
      [...stageOfJob.keys()].map(async (job) => {
        const read = await client.job(job);
        if (!read.ok) return;
        seen.set(`job:${job}`, jobShape(read.value));
        fromIndex = Math.max(fromIndex, read.value.ModifyIndex);
      }),
    ).finally(() => {
      if (stopped) return;
      stream = followNomadEvents({
        url: nomad.url,
        token: nomad.token,
        namespace: nomad.namespace,
        topics: [...stageOfJob.keys()].flatMap((job) => [`Deployment:${job}`, `Allocation:${job}`, `Job:${job}`]),
        index: fromIndex,
        onEvents: (events) => {
          const timeline = timelineFromNomad(events, stageOfJob, seen, new Date().toISOString());
          if (timeline.length > 0) recorder.note(timeline);
        },
        onError: (message) => console.error(message),
      });
    });
    return () => {
      stopped = true;
      stream?.stop();
    };
  }

  private record(poller: Poller): { stop: () => void; started: () => boolean } {
    let stopped = false;
    let started = false;
    const timers: NodeJS.Timeout[] = [];
    const stops: Array<() => void> = [];
    const begin = (attempt: number) => {
      this.deps
        .incidentDeps()
        .then(async (deps) => {
          const resume = await (await this.deps.liveStore()).resumePoint(this.pipeline);
          if (stopped) return;
          const suggester = new Suggester(deps);
          const { history } = this.deps.config;
          const recorder = new HistoryRecorder(
            deps.history,
            this.pipeline,
            { everyMs: history.snapshotEveryMs, retentionHours: history.retentionHours },
            async (events, snapshot) => {
              this.announce({ topic: 'timeline', at: events.at(-1)!.at });
              await suggester.afterEvents(events, snapshot);
            },
            // Only the leader writes; cut off, the recorder holds what it derives. Each write checks
            // the leader's term in its transaction.
            () => this.leading,
            () => this.deps.lease.fence,
          );
          recorder.resumeFrom(resume.previous, resume.aboveThreshold);
          started = true;
          const infrastructure = this.followInfrastructure(recorder);
          if (infrastructure) stops.push(infrastructure);
          poller.on('snapshot', (snapshot: Snapshot) => {
            // What a poller just started knows is not news.
            if (stopped || !poller.settled()) return;
            suggester.observe(snapshot);
            void recorder.record(snapshot);
          });
          // A suggestion nobody took is withdrawn after a settled healthy minute, checked on a
          // slow tick (events alone would miss a quiet recovery).
          const tick = setInterval(() => {
            if (!this.leading) return;
            void suggester.tick(poller.snapshot());
            this.deps.upkeep?.().catch((err: Error) => console.error(`upkeep: ${err.message}`));
          }, 15_000);
          tick.unref();
          timers.push(tick);
        })
        .catch((err: Error) => {
          if (stopped) return;
          const waitMs = Math.min(60_000, 1000 * 2 ** attempt);
          console.error(`history: the store did not open (${err.message}); trying again in ${waitMs / 1000} s`);
          const retry = setTimeout(() => begin(attempt + 1), waitMs);
          retry.unref();
          timers.push(retry);
        });
    };
    begin(0);
    return {
      stop: () => {
        stopped = true;
        for (const t of timers) clearTimeout(t);
        for (const s of stops) s();
      },
      started: () => started,
    };
  }
}
