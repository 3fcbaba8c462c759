import { z } from 'zod';

/**
 * Nomad HTTP API shapes (1.6-1.9), as documented. Only the fields warroom reads are required;
 * everything else passes through, so a newer server with extra fields still parses. These
 * schemas back both the dashboard's Nomad client and the tests of the demo's stand-in, so the
 * stand-in cannot drift from what a real cluster sends.
 */

const TaskGroupSummary = z.looseObject({
  Queued: z.number().int(),
  Complete: z.number().int(),
  Failed: z.number().int(),
  Running: z.number().int(),
  Starting: z.number().int(),
  Lost: z.number().int(),
  Unknown: z.number().int().optional(),
});

export const JobSummarySchema = z.looseObject({
  JobID: z.string(),
  Namespace: z.string(),
  Summary: z.record(z.string(), TaskGroupSummary),
  CreateIndex: z.number().int(),
  ModifyIndex: z.number().int(),
});

export const JobListStubSchema = z.looseObject({
  ID: z.string(),
  Name: z.string(),
  Namespace: z.string(),
  Type: z.string(),
  Status: z.string(),
  Stop: z.boolean(),
  JobSummary: JobSummarySchema,
  CreateIndex: z.number().int(),
  ModifyIndex: z.number().int(),
  JobModifyIndex: z.number().int(),
});
export const JobListSchema = z.array(JobListStubSchema);

export const ScalingPolicySchema = z.looseObject({
  Min: z.number().int().nullable().optional(),
  Max: z.number().int(),
  Enabled: z.boolean().optional(),
  Policy: z.record(z.string(), z.unknown()).nullable().optional(),
});

export const TaskGroupSchema = z.looseObject({
  Name: z.string(),
  Count: z.number().int(),
  Scaling: ScalingPolicySchema.nullable().optional(),
  Tasks: z.array(z.looseObject({ Name: z.string(), Driver: z.string() })).optional(),
});

export const JobSchema = z.looseObject({
  ID: z.string(),
  Name: z.string(),
  Namespace: z.string(),
  Type: z.string(),
  Status: z.string(),
  Stop: z.boolean().optional(),
  Version: z.number().int(),
  TaskGroups: z.array(TaskGroupSchema),
  CreateIndex: z.number().int(),
  ModifyIndex: z.number().int(),
  JobModifyIndex: z.number().int(),
});

export const AllocationStubSchema = z.looseObject({
  ID: z.string(),
  Name: z.string(),
  Namespace: z.string(),
  NodeID: z.string(),
  JobID: z.string(),
  TaskGroup: z.string(),
  DesiredStatus: z.string(),
  ClientStatus: z.string(),
  CreateIndex: z.number().int(),
  ModifyIndex: z.number().int(),
  CreateTime: z.number(),
  ModifyTime: z.number(),
});
export const AllocationListSchema = z.array(AllocationStubSchema);

export const ScalingEventSchema = z.looseObject({
  Count: z.number().int().nullable(),
  PreviousCount: z.number().int(),
  Message: z.string(),
  // The docs say string, the Go api package says bool; accept either.
  Error: z.union([z.boolean(), z.string()]).nullable().optional(),
  Meta: z.record(z.string(), z.unknown()).nullable().optional(),
  EvalID: z.string().nullable().optional(),
  Time: z.number(),
  CreateIndex: z.number().int(),
});

export const TaskGroupScaleStatusSchema = z.looseObject({
  Desired: z.number().int(),
  Placed: z.number().int(),
  Running: z.number().int(),
  Healthy: z.number().int(),
  Unhealthy: z.number().int(),
  Events: z.array(ScalingEventSchema).nullable(),
});

export const JobScaleStatusSchema = z.looseObject({
  JobID: z.string(),
  Namespace: z.string(),
  JobModifyIndex: z.number().int(),
  JobStopped: z.boolean(),
  TaskGroups: z.record(z.string(), TaskGroupScaleStatusSchema),
});

export const ScaleRequestSchema = z.object({
  Count: z.number().int().nullable().optional(),
  Target: z.object({ Group: z.string() }).catchall(z.string()),
  Message: z.string().optional(),
  Error: z.union([z.boolean(), z.string()]).optional(),
  Meta: z.record(z.string(), z.unknown()).nullable().optional(),
  PolicyOverride: z.boolean().optional(),
  /** Nomad compares JobModifyIndex with the job's only when EnforceIndex is true. */
  EnforceIndex: z.boolean().optional(),
  JobModifyIndex: z.number().int().optional(),
});

export const ScaleResponseSchema = z.looseObject({
  EvalID: z.string(),
  EvalCreateIndex: z.number().int(),
  JobModifyIndex: z.number().int(),
  Index: z.number().int(),
  Warnings: z.string().optional(),
});

/** GET /v1/job/:id/deployment (the latest, or null) and GET /v1/deployment/:id. */
export const DeploymentSchema = z.looseObject({
  ID: z.string(),
  Namespace: z.string(),
  JobID: z.string(),
  JobVersion: z.number().int(),
  JobModifyIndex: z.number().int(),
  JobCreateIndex: z.number().int(),
  TaskGroups: z.record(z.string(), z.looseObject({ DesiredTotal: z.number().int() })).nullable(),
  Status: z.string(),
  StatusDescription: z.string(),
  CreateIndex: z.number().int(),
  ModifyIndex: z.number().int(),
});

/** Nomad's Deployment.Active(): a deployment in one of these still holds the job. */
export const activeDeploymentStatuses: ReadonlySet<string> = new Set([
  'running',
  'paused',
  'pending',
  'blocked',
  'unblocking',
  'initializing',
]);

export type NomadDeployment = z.infer<typeof DeploymentSchema>;
export type NomadJobListStub = z.infer<typeof JobListStubSchema>;
export type NomadJob = z.infer<typeof JobSchema>;
export type NomadJobSummary = z.infer<typeof JobSummarySchema>;
export type NomadAllocationStub = z.infer<typeof AllocationStubSchema>;
export type NomadJobScaleStatus = z.infer<typeof JobScaleStatusSchema>;
export type NomadScaleRequest = z.infer<typeof ScaleRequestSchema>;
export type NomadScaleResponse = z.infer<typeof ScaleResponseSchema>;
