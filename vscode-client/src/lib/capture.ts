// Terminal capture logic, free of the `vscode` module so it can be unit-tested in plain node.

/**
 * A bounded, streaming buffer for one command's output.
 *
 * Output is appended chunk by chunk as the terminal produces it. When the total
 * exceeds `maxChars`, the first `headFraction` of the budget (where the first
 * error usually is) and the most recent rest (where the final error usually is)
 * are kept, and the middle is dropped; `text()` marks the gap.
 */
export class CaptureBuffer {
  private head = "";
  private tail: string[] = [];
  private tailLength = 0;
  private total = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(readonly maxChars: number, headFraction = 0.25) {
    if (!Number.isFinite(maxChars) || maxChars < 16) {
      throw new RangeError(`maxChars must be >= 16, got ${maxChars}`);
    }
    this.headMax = Math.floor(maxChars * Math.min(Math.max(headFraction, 0), 1));
    this.tailMax = maxChars - this.headMax;
  }

  append(chunk: string): void {
    if (!chunk) return;
    this.total += chunk.length;
    if (this.head.length < this.headMax) {
      const room = this.headMax - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
      if (!chunk) return;
    }
    this.tail.push(chunk);
    this.tailLength += chunk.length;
    // Compact lazily (amortised O(n)): only when the tail is twice its budget.
    if (this.tailLength > this.tailMax * 2 || this.tail.length > 4096) this.compact();
  }

  private compact(): void {
    let joined = this.tail.join("");
    if (joined.length > this.tailMax) joined = joined.slice(joined.length - this.tailMax);
    this.tail = joined ? [joined] : [];
    this.tailLength = joined.length;
  }

  /** Characters received in total (kept or not). */
  get totalChars(): number {
    return this.total;
  }

  /** Characters dropped from the middle so far. */
  get droppedChars(): number {
    return Math.max(0, this.total - this.headMax - this.tailMax);
  }

  /** Characters currently kept. */
  get keptChars(): number {
    return this.head.length + Math.min(this.tailLength, this.tailMax);
  }

  text(): string {
    this.compact();
    const tail = this.tail.join("");
    const dropped = this.droppedChars;
    if (dropped === 0) return this.head + tail;
    // Resume the tail at a line start when one is near, so the kept lines are whole.
    const nl = tail.indexOf("\n");
    const cleanTail = nl >= 0 && nl < 1024 ? tail.slice(nl + 1) : tail;
    const omitted = dropped + (tail.length - cleanTail.length);
    const sep = this.head.endsWith("\n") || this.head === "" ? "" : "\n";
    return `${this.head}${sep}[… errhint: ${omitted} characters of output omitted …]\n${cleanTail}`;
  }
}

// OSC: ESC ] ... (BEL | ESC \)   — also used by shell integration (633/133 sequences).
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
// CSI: ESC [ params intermediates final-byte
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
// DCS / SOS / PM / APC strings: ESC P|X|^|_ ... ESC \
const STRING_SEQ = /\x1b[PX^_][^\x1b]*(?:\x1b\\)?/g;
// Other two-byte escapes (charset selection, keypad mode, …).
const ESC2 = /\x1b[()*+][0-9A-Za-z]|\x1b[@-Z\\-_=>78]/g;
// C1 CSI (0x9b) sequences and leftover control characters except \t \n \r \b.
const C1CSI = /\x9b[0-?]*[ -/]*[@-~]/g;
const CTRL = /[\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

/**
 * Turns raw terminal output (escape sequences, CR-overwritten progress lines,
 * backspaces, CRLF) into the plain text a person saw on screen.
 */
export function cleanTerminalOutput(raw: string): string {
  let s = raw.replace(OSC, "").replace(STRING_SEQ, "").replace(CSI, "").replace(C1CSI, "").replace(ESC2, "");
  s = s.replace(/\x1b/g, "").replace(CTRL, "");
  s = s.replace(/\r+\n/g, "\n");
  const lines = s.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.includes("\r")) line = overwriteCarriageReturns(line);
    if (line.includes("\b")) line = applyBackspaces(line);
    lines[i] = line;
  }
  return lines.join("\n");
}

function overwriteCarriageReturns(line: string): string {
  // Each segment after a CR overwrites the start of what was there before it.
  let screen = "";
  for (const seg of line.split("\r")) {
    screen = seg.length >= screen.length ? seg : seg + screen.slice(seg.length);
  }
  return screen;
}

function applyBackspaces(line: string): string {
  const out: string[] = [];
  for (const ch of line) {
    if (ch === "\b") out.pop();
    else out.push(ch);
  }
  return out.join("");
}

export interface CaptureMeta {
  commandLine: string;
  cwd?: string;
  exitCode?: number;
  /** true while the command is still running */
  running: boolean;
  startedAt: Date;
  terminalName?: string;
  /** where the text came from when it is not a shell-integration capture */
  origin?: "terminal" | "selection" | "clipboard";
}

/** The text of the read-only capture document shown to the user and scanned by the server. */
export function formatCaptureDocument(meta: CaptureMeta, output: string): string {
  const header: string[] = [];
  const origin = meta.origin ?? "terminal";
  if (origin === "terminal") {
    header.push(`$ ${oneLine(meta.commandLine) || "(unknown command)"}`);
    if (meta.cwd) header.push(`# cwd: ${meta.cwd}`);
    if (meta.terminalName) header.push(`# terminal: ${oneLine(meta.terminalName)}`);
    header.push(
      meta.running
        ? "# exit code: (still running)"
        : `# exit code: ${meta.exitCode === undefined ? "unknown" : meta.exitCode}`,
    );
  } else {
    header.push(`# errhint: text from the ${origin === "selection" ? "terminal selection" : "clipboard"}`);
  }
  header.push(`# captured: ${meta.startedAt.toISOString()}`);
  const body = output.endsWith("\n") || output === "" ? output : output + "\n";
  return `${header.join("\n")}\n\n${body}`;
}

/** "/home/ann/project" -> "~/project" when home is "/home/ann" (shorter, and no user name in shared captures). */
export function tildify(p: string, home: string | undefined): string {
  if (!home || home === "/" || !p) return p;
  const h = home.replace(/[\\/]+$/, "");
  if (p === h) return "~";
  for (const sep of ["/", "\\"]) {
    if (p.startsWith(h + sep)) return "~" + sep + p.slice(h.length + 1);
  }
  return p;
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, " ⏎ ").trim();
}

/**
 * Keeps the last `limit` captures; adding one returns the keys it pushed out so
 * the caller can dispose their documents and diagnostics.
 */
export class CaptureStore<T> {
  private readonly items = new Map<string, T>();

  constructor(private limit: number) {
    this.setLimit(limit);
  }

  setLimit(limit: number): string[] {
    this.limit = Math.max(1, Math.floor(limit) || 1);
    return this.evict();
  }

  add(key: string, value: T): string[] {
    this.items.delete(key);
    this.items.set(key, value);
    return this.evict();
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  delete(key: string): boolean {
    return this.items.delete(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  values(): T[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  private evict(): string[] {
    const evicted: string[] = [];
    while (this.items.size > this.limit) {
      const oldest = this.items.keys().next().value as string;
      this.items.delete(oldest);
      evicted.push(oldest);
    }
    return evicted;
  }
}
