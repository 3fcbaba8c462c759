import { PanelSkeleton } from '@/components/panel';

export default function Loading() {
  return (
    <main className="mx-auto max-w-6xl p-6">
      <PanelSkeleton title="warroom" />
    </main>
  );
}
