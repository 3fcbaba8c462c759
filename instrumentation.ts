/** Builds the application (and so starts the poll loop) when the server starts, so the dashboard is current before anyone looks. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { getApp } = await import('./lib/root/app');
    getApp();
  }
}
