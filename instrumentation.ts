/** Starts the poll loop when the server starts, so the dashboard is current before anyone looks. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { getPoller } = await import('./lib/poller');
    getPoller();
  }
}
