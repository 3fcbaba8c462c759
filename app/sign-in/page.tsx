import { SignInForm } from '@/components/auth/sign-in-form';
import { Panel } from '@/components/panel';
import { localPath } from '@/lib/contracts/local-path';

export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  // Only local paths: a sign-in link must not send anyone elsewhere.
  const target = localPath(Array.isArray(next) ? next[0] : next);
  return (
    <main className="mx-auto max-w-sm p-6">
      <Panel title="Sign in to warroom">
        <SignInForm next={target} />
      </Panel>
    </main>
  );
}
