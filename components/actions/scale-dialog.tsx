'use client';

import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { sendJson } from '../live/api-client';
import type { ScaleOutcome, ScalePreview } from '@/lib/contracts/scale';
import { randomKey } from '@/lib/format/random-key';
import { ScaleChecking } from './scale-checking';

/**
 * Scale a worker group (opened by scale-button.tsx): a dialog with the preview, a required reason, the typed confirmation for large changes, and the
 * result with an Undo that goes through the same guard.
 */
const post = <T,>(url: string, body: unknown) => sendJson<T>('POST', url, body);

/** Tab and Shift+Tab wrap round the dialog's enabled controls instead of leaving it. */
function keepFocusInside(e: ReactKeyboardEvent<HTMLDialogElement>) {
  if (e.key !== 'Tab') return;
  const focusable = [
    ...e.currentTarget.querySelectorAll<HTMLElement>('button, input, textarea, select, a[href], [tabindex]'),
  ].filter((el) => !el.hasAttribute('disabled') && el.tabIndex >= 0);
  const first = focusable[0];
  const last = focusable.at(-1);
  if (!first || !last) return;
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !e.currentTarget.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !e.currentTarget.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

export function ScaleDialog({
  job,
  group,
  suggested,
  onClose,
}: {
  job: string;
  group: string;
  suggested: number;
  onClose: () => void;
}) {
  const [count, setCount] = useState(suggested);
  const [preview, setPreview] = useState<ScalePreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [confirm, setConfirm] = useState('');
  // An enabled autoscaler would move a manual count again: pause its policy for a while.
  const [pauseMinutes, setPauseMinutes] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: true; value: ScaleOutcome } | { ok: false; message: string } | null>(null);
  // One key per dialog: a double click or a retry of the same request scales once.
  const [idempotencyKey, setIdempotencyKey] = useState(() => randomKey());

  useEffect(() => {
    let cancelled = false;
    void post<ScalePreview>('/api/actions/scale/preview', { job, group, count }).then((r) => {
      if (cancelled) return;
      if (r.ok) {
        setPreview(r.value);
        setPreviewError(null);
      } else {
        setPreview(null);
        setPreviewError(r.message);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [job, group, count]);

  // Escape closes the dialog, as any modal; not while a request is in flight. The listener reads
  // `busy` through a ref: re-subscribing after each render left a moment, right after a result
  // appeared, when the old listener still thought the request was in flight and ignored Escape.
  const busyRef = useRef(false);
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  }, [onClose]);
  // Opened as a modal on mount; on unmount the focus goes back to what opened it (the Scale button).
  const dialogRef = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => opener?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busyRef.current) closeRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  async function execute(to: number, why: string, key: string) {
    busyRef.current = true;
    setBusy(true);
    const r = await post<ScaleOutcome>('/api/actions/scale', {
      job,
      group,
      count: to,
      reason: why,
      idempotencyKey: key,
      ...(preview && to === preview.to ? { expectedModifyIndex: preview.jobModifyIndex } : {}),
      ...(preview?.largeChange && to === preview.to ? { confirm } : {}),
      ...(pauseMinutes !== null && preview?.autoscaler?.enabled && to === preview.to
        ? { pauseAutoscalerMinutes: pauseMinutes }
        : {}),
    });
    busyRef.current = false;
    setBusy(false);
    setResult(r);
  }

  const needsConfirm = preview?.largeChange ?? false;
  const canSubmit =
    preview !== null &&
    preview.blocked === null &&
    reason.trim().length >= 3 &&
    (!needsConfirm || confirm === group) &&
    !busy;
  return (
    // A native modal <dialog>: the page behind it is inert. Tab past the last control would go on
    // to the browser's own UI, so it wraps round to the first (and Shift+Tab the other way). Escape
    // is handled above: the native cancel is refused so that React alone decides when it closes.
    <dialog
      ref={dialogRef}
      onCancel={(e) => e.preventDefault()}
      onKeyDown={keepFocusInside}
      aria-labelledby="scale-dialog-title"
      className="m-auto max-h-[calc(100dvh-1rem)] w-[calc(100%-1rem)] max-w-lg overflow-y-auto rounded-lg border border-edge bg-panel p-0 text-ink backdrop:bg-black/60"
      data-testid="scale-dialog"
    >
      <div className="space-y-3 p-4 text-sm sm:p-5">
        <h2 id="scale-dialog-title" className="text-base font-semibold">
          Scale{' '}
          <span className="font-mono">
            {job}/{group}
          </span>
        </h2>
        {result?.ok ? (
          <div className="space-y-2" data-testid="scale-result">
            {result.value.checking ? (
              <ScaleChecking auditId={result.value.auditId} job={job} group={group} message={result.value.checking} />
            ) : (
              <p className="text-ok">
                Scaled from {result.value.from} to {result.value.to}
                {result.value.repeated ? ' (this request had already been carried out)' : ''}
                {result.value.autoscalerPausedUntil
                  ? `, the autoscaler policy paused until ${result.value.autoscalerPausedUntil.slice(11, 16)} UTC`
                  : ''}
                . Nomad evaluation <span className="font-mono">{result.value.evalId.slice(0, 8)}</span>, audit #
                {result.value.auditId}.
              </p>
            )}
            <div className="flex gap-2">
              <button
                className="rounded border border-edge px-3 py-1 hover:bg-edge"
                data-testid="scale-undo"
                onClick={() => {
                  const key = randomKey();
                  setIdempotencyKey(key);
                  void execute(result.value.from, `undo of audit #${result.value.auditId}`, key);
                }}
              >
                Undo (back to {result.value.from})
              </button>
              <button
                className="rounded border border-edge px-3 py-1 hover:bg-edge"
                onClick={onClose}
                data-testid="scale-close"
              >
                Close
              </button>
            </div>
          </div>
        ) : (
          <>
            <label className="block">
              New count
              <input
                type="number"
                min={0}
                value={count}
                onChange={(e) => setCount(Math.max(0, Math.floor(Number(e.target.value) || 0)))}
                className="ml-2 w-24 rounded border border-edge bg-surface px-2 py-1 font-mono"
                data-testid="scale-count"
              />
            </label>
            {previewError && (
              <p className="text-crit" data-testid="scale-preview-error">
                {previewError}
              </p>
            )}
            {preview && (
              <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs" data-testid="scale-preview">
                <dt className="text-muted">now → after</dt>
                <dd className="font-mono" data-testid="scale-preview-counts">
                  {preview.current} → {preview.to}
                </dd>
                <dt className="text-muted">allowed</dt>
                <dd className="font-mono">
                  {preview.bounds.min}–{preview.bounds.max}
                </dd>
                <dt className="text-muted">cooldown</dt>
                <dd>
                  {preview.cooldown.remainingSec > 0
                    ? `${preview.cooldown.remainingSec} s left (last by ${preview.cooldown.lastBy})`
                    : `none (${preview.cooldown.seconds} s after a change)`}
                </dd>
                {preview.projection && (
                  <>
                    <dt className="text-muted">capacity after</dt>
                    <dd>
                      {preview.projection.capacityPerSec?.toFixed(1) ?? '–'}/s for{' '}
                      {preview.projection.arrivalPerSec?.toFixed(1) ?? '–'}/s arriving
                    </dd>
                    <dt className="text-muted">backlog drained in</dt>
                    <dd data-testid="scale-preview-drain">
                      {preview.projection.drainSeconds !== null
                        ? `about ${preview.projection.drainSeconds} s`
                        : 'not at this count'}
                    </dd>
                  </>
                )}
              </dl>
            )}
            {preview?.autoscaler?.enabled && (
              <p className="text-warn" data-testid="scale-autoscaler">
                An autoscaler policy is enabled for this group ({preview.autoscaler.min ?? 0}–{preview.autoscaler.max}
                ): the Nomad Autoscaler may move the count again at its next evaluation. To hold a manual count, pause
                the policy.
              </p>
            )}
            {preview?.autoscaler?.enabled && (
              <label className="flex flex-wrap items-center gap-2 text-xs">
                <input
                  type="checkbox"
                  checked={pauseMinutes !== null}
                  onChange={(e) => setPauseMinutes(e.target.checked ? 30 : null)}
                  data-testid="scale-pause-autoscaler"
                />
                Pause the autoscaler policy for
                <input
                  type="number"
                  min={5}
                  max={240}
                  value={pauseMinutes ?? 30}
                  disabled={pauseMinutes === null}
                  onChange={(e) => setPauseMinutes(Math.round(Number(e.target.value)) || 30)}
                  className="w-16 rounded border border-edge bg-surface px-1"
                  aria-label="minutes"
                  data-testid="scale-pause-minutes"
                />
                minutes (warroom enables it again after)
              </label>
            )}
            {preview?.blocked && (
              <p className="text-warn" data-testid="scale-blocked">
                {preview.blocked}
              </p>
            )}
            <label className="block">
              Reason (goes to the audit log and to Nomad)
              <textarea
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                rows={2}
                className="mt-1 w-full rounded border border-edge bg-surface px-2 py-1"
                data-testid="scale-reason"
              />
            </label>
            {needsConfirm && (
              <label className="block text-warn">
                This is a large change. Type <span className="font-mono">{group}</span> to confirm:
                <input
                  value={confirm}
                  onChange={(e) => setConfirm(e.target.value)}
                  className="mt-1 w-full rounded border border-edge bg-surface px-2 py-1 font-mono text-ink"
                  data-testid="scale-confirm"
                />
              </label>
            )}
            {result && !result.ok && (
              <p className="text-crit" data-testid="scale-error">
                {result.message}
              </p>
            )}
            <div className="flex gap-2">
              <button
                className="rounded bg-red-700 px-3 py-1 font-semibold text-white hover:bg-red-600 disabled:cursor-not-allowed disabled:bg-edge disabled:text-muted"
                disabled={!canSubmit}
                onClick={() => void execute(count, reason.trim(), idempotencyKey)}
                data-testid="scale-submit"
              >
                {busy ? 'Scaling…' : `Scale to ${count}`}
              </button>
              <button className="rounded border border-edge px-3 py-1 hover:bg-edge" onClick={onClose}>
                Cancel
              </button>
            </div>
          </>
        )}
      </div>
    </dialog>
  );
}
