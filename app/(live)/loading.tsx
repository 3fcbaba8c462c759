// Only the live page streams behind a skeleton: a loading boundary above the incident pages would
// send their status before they know whether the incident exists (a 200 for an unknown incident).
import { PanelSkeleton } from '@/components/panel';

export default function Loading() {
  return (
    <main className="mx-auto max-w-[96rem] p-3 sm:p-6">
      <PanelSkeleton title="warroom" />
    </main>
  );
}
