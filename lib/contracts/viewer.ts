import { z } from 'zod';

/** Roles, weakest first: each may do what the ones before it may. */
export const roles = ['viewer', 'operator', 'admin'] as const;

export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

/** The signed-in user as the browser sees them (no secrets); `signedIn` is false for anonymous read access. */
export const Viewer = z.object({
  name: z.string(),
  role: Role,
  signedIn: z.boolean(),
});
export type Viewer = z.infer<typeof Viewer>;
