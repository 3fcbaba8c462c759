import path from 'node:path';
import { mkdirSync } from 'node:fs';

/** The repo root: scripts/stack/ is two levels down. */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export type StackProfile = 'demo' | 'test';

/**
 * Everything a profile starts lives under one ignored folder, on its own block of ports, so a
 * running demo and a test run never share state or clash. Ports sit far from the services'
 * defaults (5672, 15672, 9090, 5432, 4646) so a system install keeps working beside us, and below
 * Linux's ephemeral range (32768-60999): a listener there can find its port taken by one of the
 * hundreds of outgoing connections the load generator holds open.
 */
export interface StackLayout {
  profile: StackProfile;
  stateDir: string;
  ports: {
    epmd: number;
    amqp: number;
    rabbitDist: number;
    rabbitManagement: number;
    rabbitPrometheus: number;
    prometheus: number;
    postgres: number;
    nomad: number;
    demoApi: number;
    loadgen: number;
    /** The first dashboard; replica n (1-based) listens on dashboard + n - 1 (dashboardPort). */
    dashboard: number;
    /** First of the dynamic ports the Nomad stand-in hands to allocations (NOMAD_PORT_*). */
    allocRangeStart: number;
    allocRangeEnd: number;
  };
}

const portBase: Record<StackProfile, number> = { demo: 21000, test: 22000 };

/**
 * `at` places a throwaway copy of a profile's servers elsewhere: tests that must stop, break or
 * restart a server use one (their own state folder and port block) so the shared test stack stays
 * up for the other files. Keep `at.portBase` + 999 below the ephemeral range, like the profiles'.
 */
export function stackLayout(profile: StackProfile, at?: { stateDir: string; portBase: number }): StackLayout {
  const base = at?.portBase ?? portBase[profile];
  const stateDir = at?.stateDir ?? path.join(repoRoot, '.warroom', profile);
  return {
    profile,
    stateDir,
    ports: {
      epmd: base + 369,
      amqp: base + 672,
      rabbitDist: base + 673,
      rabbitManagement: base + 674,
      rabbitPrometheus: base + 675,
      prometheus: base + 90,
      postgres: base + 432,
      nomad: base + 646,
      demoApi: base + 80,
      loadgen: base + 81,
      // A throwaway copy of the demo must not take the real demo's port.
      dashboard: profile === 'demo' && !at ? 3000 : base + 300,
      allocRangeStart: base + 700,
      allocRangeEnd: base + 999,
    },
  };
}

/** Dashboard replicas a stack can run, on the ports from `dashboard` on (demo 3000-3009, else base + 300-309). */
export const maxDashboardReplicas = 10;

/** The port of dashboard replica `replica` (1-based): the first is `ports.dashboard`, the rest follow it. */
export function dashboardPort(layout: StackLayout, replica: number): number {
  if (!Number.isInteger(replica) || replica < 1 || replica > maxDashboardReplicas)
    throw new Error(`dashboard replica ${replica}: expected 1 to ${maxDashboardReplicas}`);
  return layout.ports.dashboard + replica - 1;
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
