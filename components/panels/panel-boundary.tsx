'use client';

import { Component, type ReactNode } from 'react';

/** Keeps a failing panel from taking the page down: it shows its own error and the rest lives on. */
export class PanelBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (this.state.error) {
      return (
        <div
          className="rounded-lg border border-crit/50 bg-crit/10 p-3 text-sm"
          data-testid={`panel-error-${this.props.name}`}
        >
          {this.props.name} failed: {this.state.error.message}{' '}
          <button className="underline" onClick={() => this.setState({ error: null })}>
            retry
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
