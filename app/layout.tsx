import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'warroom',
  description: 'Incident war room for ML-serving pipelines',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans antialiased">
        {/* One query cache for the whole page, so panels that share data refresh together. */}
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
