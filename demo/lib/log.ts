/** One line per event, prefixed with time and process, so interleaved logs stay readable. */
export function log(name: string, message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${name}: ${message}\n`);
}
