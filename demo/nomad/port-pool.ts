/** Hands out dynamic ports from a fixed range, as a Nomad client does for `DynamicPorts`. */
export class PortPool {
  private readonly used = new Set<number>();

  constructor(
    private readonly start: number,
    private readonly end: number,
  ) {}

  take(): number {
    for (let port = this.start; port <= this.end; port++) {
      if (!this.used.has(port)) {
        this.used.add(port);
        return port;
      }
    }
    throw new Error(`no free port left in ${this.start}-${this.end}`);
  }

  release(port: number): void {
    this.used.delete(port);
  }
}
