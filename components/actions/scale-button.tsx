'use client';

import { useUiStore } from '../live/ui-store';
import type { Viewer } from '@/lib/contracts/viewer';

/**
 * The Scale button (disabled, with the reason, when the role forbids it): it opens the dialog of
 * scale-dialog.tsx, which loads only then.
 */
export function ScaleButton({
  job,
  group,
  suggested,
  viewer,
  label,
}: {
  job: string;
  group: string;
  suggested: number;
  viewer: Viewer | null;
  label?: string;
}) {
  const openScale = useUiStore((s) => s.openScale);
  const denied =
    !viewer || !viewer.signedIn
      ? 'sign in as an operator to scale'
      : viewer.role === 'viewer'
        ? `${viewer.name} is a viewer: scaling needs the operator role`
        : null;
  return (
    <>
      <button
        className="rounded bg-red-700 px-3 py-1 text-sm font-semibold text-white hover:bg-red-600 disabled:cursor-not-allowed disabled:bg-edge disabled:text-muted"
        disabled={denied !== null}
        title={denied ?? ''}
        onClick={() => openScale({ job, group, suggested })}
        data-testid={`scale-button-${group}`}
      >
        {label ?? `Scale ${group}`}
      </button>
      {denied && (
        <span className="ml-2 text-xs text-muted" data-testid="scale-disabled-reason">
          {denied}
        </span>
      )}
    </>
  );
}
