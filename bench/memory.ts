/**
 * Samples the heap while a benchmark runs. With `node --expose-gc` the start and end
 * readings follow a full collection, so growth means memory kept, not garbage not yet
 * collected.
 */
export class MemorySampler {
  private readonly gc = (globalThis as { gc?: () => void }).gc;
  private readonly startBytes: number;
  private peakBytes: number;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 100) {
    this.gc?.();
    this.startBytes = process.memoryUsage().heapUsed;
    this.peakBytes = this.startBytes;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    this.samples++;
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage().heapUsed);
  }

  stop(): { startBytes: number; peakBytes: number; endBytes: number; samples: number; gc: boolean } {
    clearInterval(this.timer);
    this.sample();
    this.gc?.();
    return {
      startBytes: this.startBytes,
      peakBytes: this.peakBytes,
      endBytes: process.memoryUsage().heapUsed,
      samples: this.samples,
      gc: this.gc !== undefined,
    };
  }
}
