'use client';

import Link from 'next/link';
import { useState } from 'react';
import { usePathname, useSearchParams } from 'next/navigation';

/** Shown instead of the live view's link button when a link replays a past moment. */
export function ReplayBanner({ at, storedAt, liveHref = '/' }: { at: string; storedAt: string; liveHref?: string }) {
  return (
    <section
      className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-accent bg-accent/10 px-4 py-2 text-sm"
      data-testid="replay-banner"
      data-at={at}
    >
      <span>
        Replaying the pipeline as it was at <span className="font-mono">{at.replace('T', ' ').slice(0, 19)} UTC</span>
        <span className="text-muted"> (snapshot stored {storedAt.slice(11, 19)})</span>. Not live.
      </span>
      <Link
        href={liveHref}
        className="rounded bg-sky-700 px-3 py-1 font-semibold text-white hover:bg-sky-600"
        data-testid="back-to-live"
      >
        Back to live
      </Link>
    </section>
  );
}

/** Copies a link that opens this exact moment later (`?at=`), keeping the selected stage. */
export function CopyMomentLink({ at }: { at: string }) {
  const params = useSearchParams();
  const pathname = usePathname();
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div className="flex items-center justify-end gap-2 text-xs">
      {copied && (
        <span className="font-mono text-muted" data-testid="copied-link">
          {copied}
        </span>
      )}
      <button
        className="rounded border border-edge px-2 py-1 hover:bg-edge"
        data-testid="copy-link"
        onClick={async () => {
          const next = new URLSearchParams(params.toString());
          next.set('at', at);
          const url = `${window.location.origin}${pathname}?${next}`;
          await navigator.clipboard?.writeText(url).catch(() => undefined);
          setCopied(url);
        }}
      >
        Copy link to this moment
      </button>
    </div>
  );
}
