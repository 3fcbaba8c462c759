import 'server-only';
import { headers } from 'next/headers';
import { currentConfig } from '../config';
import { authenticate, type User } from './authenticate';

/** The user behind the current page request (server components), and whether users exist at all. */
export async function currentUser(): Promise<{ user: User | null; authConfigured: boolean }> {
  const state = currentConfig();
  if (state.status !== 'loaded' || !state.config.auth) return { user: null, authConfigured: false };
  return { user: authenticate(await headers(), state.config), authConfigured: true };
}

/** The current user as the browser components see them (no secrets), or null. */
export async function viewerOf(): Promise<{ name: string; role: User['role']; signedIn: boolean } | null> {
  const { user } = await currentUser();
  return user ? { name: user.name, role: user.role, signedIn: user.via !== 'anonymous' } : null;
}
