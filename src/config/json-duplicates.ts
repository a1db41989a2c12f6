/**
 * Keys that appear twice in one JSON object. `JSON.parse` keeps the last one silently
 * (ECMA-262, JSON.parse: "the last occurrence wins"; RFC 8259 §4 leaves duplicates' meaning to
 * the implementation), so `{"protected":["breakglass@…"],"protected":[]}` would load with nobody
 * protected. This scanner walks text that JSON.parse has already accepted and returns the path
 * of every repeated key, at any depth: `protected`, `roles.admin`, `reminders.scheduleDays`.
 * Keys are compared as JSON.parse decodes them, so `"prot\u0065cted"` repeats `"protected"`.
 */
export type JsonPath = ReadonlyArray<string | number>;

export function duplicateKeys(text: string): JsonPath[] {
  const scanner = new Scanner(text);
  scanner.value([]);
  return scanner.duplicates;
}

class Scanner {
  readonly duplicates: JsonPath[] = [];
  private at = 0;

  constructor(private readonly text: string) {}

  value(path: JsonPath): void {
    this.space();
    const c = this.text[this.at];
    if (c === "{") this.object(path);
    else if (c === "[") this.array(path);
    else if (c === '"') this.string();
    else this.scalar();
  }

  private object(path: JsonPath): void {
    const seen = new Set<string>();
    this.at++; // {
    this.space();
    if (this.text[this.at] === "}") {
      this.at++;
      return;
    }
    for (;;) {
      this.space();
      const key = this.string();
      if (seen.has(key)) this.duplicates.push([...path, key]);
      seen.add(key);
      this.space();
      this.at++; // :
      this.value([...path, key]);
      this.space();
      if (this.text[this.at++] !== ",") return; // "}", or the end of text that was not JSON after all
    }
  }

  private array(path: JsonPath): void {
    this.at++; // [
    this.space();
    if (this.text[this.at] === "]") {
      this.at++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value([...path, index]);
      this.space();
      if (this.text[this.at++] !== ",") return;
    }
  }

  /** A string token, decoded exactly as JSON.parse decodes it. */
  private string(): string {
    const start = this.at;
    this.at++; // opening quote
    while (this.at < this.text.length && this.text[this.at] !== '"') {
      this.at += this.text[this.at] === "\\" ? 2 : 1;
    }
    this.at++; // closing quote
    try {
      return JSON.parse(this.text.slice(start, this.at)) as string;
    } catch {
      return this.text.slice(start, this.at);
    }
  }

  /** true, false, null or a number: everything up to the next delimiter. */
  private scalar(): void {
    while (this.at < this.text.length && !/[\s,\]}]/.test(this.text[this.at]!)) this.at++;
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }
}
