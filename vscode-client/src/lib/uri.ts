// Naming of the read-only documents that hold terminal captures.

export const CAPTURE_SCHEME = "errhint-terminal";
export const GUIDE_SCHEME = "errhint-guide";

export type CaptureKind = "capture" | "selection" | "clipboard";

/** A short, file-name-safe slug of a command line: "npm install --save x" -> "npm-install-save-x". */
export function slugifyCommand(commandLine: string, maxLength = 40): string {
  const firstLine = commandLine.split(/\r?\n/)[0] ?? "";
  const words = firstLine
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/^.*[\\/]/, "")) // basename of paths: /usr/bin/npm -> npm
    .join(" ");
  let slug = words
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  if (slug.length > maxLength) slug = slug.slice(0, maxLength).replace(/[-.]+$/, "");
  return slug || "command";
}

/** Path (within the errhint-terminal scheme) of capture number `seq`. Ends in .log so VS Code picks the Log language. */
export function capturePath(kind: CaptureKind, seq: number, commandLine: string): string {
  const n = String(Math.max(0, Math.floor(seq))).padStart(4, "0");
  const name = kind === "capture" ? slugifyCommand(commandLine) : kind;
  return `/${kind}/${n}-${name}.log`;
}

export function captureUriString(kind: CaptureKind, seq: number, commandLine: string): string {
  return `${CAPTURE_SCHEME}:${capturePath(kind, seq, commandLine)}`;
}

/** Inverse of capturePath: the kind and sequence number, or undefined for foreign paths. */
export function parseCapturePath(path: string): { kind: CaptureKind; seq: number } | undefined {
  const m = /^\/(capture|selection|clipboard)\/(\d+)-[^/]*\.log$/.exec(path);
  if (!m) return undefined;
  return { kind: m[1] as CaptureKind, seq: Number(m[2]) };
}

/** Path of the virtual markdown document that shows a knowledge entry's guide. */
export function guidePath(entryId: string): string {
  const safe = entryId.replace(/[^A-Za-z0-9._/-]+/g, "-").replace(/^\/+/, "");
  return `/${safe}.md`;
}

export function parseGuidePath(path: string): string | undefined {
  const m = /^\/(.+)\.md$/.exec(path);
  return m ? m[1] : undefined;
}
