import { rename, writeFile } from "node:fs/promises";

/**
 * Writes the tenant back to its JSON file after changes. Bursts of changes (a bulk
 * enable) coalesce into one write; writes never overlap, and each replaces the
 * file atomically so a crash never leaves half a seed behind.
 */
export class TenantPersister {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  lastError: Error | undefined;

  constructor(
    readonly path: string,
    private readonly snapshot: () => unknown,
    private readonly debounceMs = 50,
  ) {}

  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.debounceMs);
  }

  /** Writes now if anything changed since the last write; resolves when it is on disk. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const text = `${JSON.stringify(this.snapshot(), null, 2)}\n`;
      const temporary = `${this.path}.${process.pid}.tmp`;
      try {
        await writeFile(temporary, text, "utf8");
        await rename(temporary, this.path);
      } catch (error) {
        this.lastError = error as Error;
      }
    });
    return this.writing;
  }
}
