// Mapping of VS Code settings (section "errhint") to the server's initializationOptions
// and to the client's own options. No `vscode` import: the caller passes a getter.

export interface ServerSettings {
  enable: boolean;
  languageIds: string[];
  fileGlobs: string[];
  knowledgePaths: string[];
  minConfidence: number;
  ignoredIds: string[];
  maxDocumentBytes: number;
  workspaceTrusted: boolean;
  clientCommands: boolean;
  /** push: the server publishes diagnostics, so captures that VS Code closes keep theirs (see extension.ts). */
  diagnosticMode: "push";
}

export interface ClientSettings {
  enable: boolean;
  interpreter: string;
  useBundledServer: boolean;
  notifications: boolean;
  capture: boolean;
  maxCaptureBytes: number;
  keepCaptures: number;
}

/** Reads one key of the "errhint" section (e.g. "minConfidence", "terminal.keepCaptures"). */
export type SettingGetter = (key: string) => unknown;

export const DEFAULTS = {
  enable: true,
  interpreter: "",
  useBundledServer: true,
  // Same defaults as the server (server/errhint/lsp/settings.py).
  languageIds: ["log", "plaintext"],
  fileGlobs: ["*.log", "*.out", "*.err", "*.txt"],
  knowledgePaths: [] as string[],
  minConfidence: 0.5,
  ignoredIds: [] as string[],
  maxDocumentBytes: 50 * 1024 * 1024,
  notifications: true,
  capture: true,
  maxCaptureBytes: 262_144,
  keepCaptures: 20,
};

/** Keys whose change needs a server restart (the document selector or the process itself changes). */
export const RESTART_KEYS = ["enable", "interpreter", "useBundledServer", "languageIds", "fileGlobs"];

function bool(v: unknown, d: boolean): boolean {
  return typeof v === "boolean" ? v : d;
}

function str(v: unknown, d: string): string {
  return typeof v === "string" ? v.trim() : d;
}

function strings(v: unknown, d: string[]): string[] {
  if (!Array.isArray(v)) return [...d];
  const out: string[] = [];
  for (const item of v) {
    if (typeof item === "string" && item.trim() && !out.includes(item.trim())) out.push(item.trim());
  }
  return out;
}

function num(v: unknown, d: number, min: number, max: number, integer = false): number {
  let n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (!Number.isFinite(n)) n = d;
  if (integer) n = Math.floor(n);
  return Math.min(max, Math.max(min, n));
}

export function serverSettings(get: SettingGetter, workspaceTrusted: boolean): ServerSettings {
  return {
    enable: bool(get("enable"), DEFAULTS.enable),
    languageIds: strings(get("languageIds"), DEFAULTS.languageIds),
    fileGlobs: strings(get("fileGlobs"), DEFAULTS.fileGlobs),
    knowledgePaths: strings(get("knowledgePaths"), DEFAULTS.knowledgePaths),
    minConfidence: num(get("minConfidence"), DEFAULTS.minConfidence, 0, 1),
    ignoredIds: strings(get("ignoredIds"), DEFAULTS.ignoredIds),
    maxDocumentBytes: num(get("maxDocumentBytes"), DEFAULTS.maxDocumentBytes, 0, Number.MAX_SAFE_INTEGER, true),
    workspaceTrusted,
    clientCommands: true,
    diagnosticMode: "push",
  };
}

export function clientSettings(get: SettingGetter): ClientSettings {
  return {
    enable: bool(get("enable"), DEFAULTS.enable),
    interpreter: str(get("interpreter"), DEFAULTS.interpreter),
    useBundledServer: bool(get("useBundledServer"), DEFAULTS.useBundledServer),
    notifications: bool(get("notifications.enabled"), DEFAULTS.notifications),
    capture: bool(get("terminal.capture"), DEFAULTS.capture),
    maxCaptureBytes: num(get("terminal.maxCaptureBytes"), DEFAULTS.maxCaptureBytes, 4096, 64 * 1024 * 1024, true),
    keepCaptures: num(get("terminal.keepCaptures"), DEFAULTS.keepCaptures, 1, 1000, true),
  };
}

/** `workspace/didChangeConfiguration` params the server expects. */
export function didChangeConfigurationParams(s: ServerSettings): { settings: { errhint: ServerSettings } } {
  return { settings: { errhint: s } };
}

export type DocumentFilter =
  | { scheme: string; language?: string; pattern?: string }
  | { language: string; scheme?: string; pattern?: string }
  | { pattern: string; scheme?: string; language?: string };

/** Which documents the client syncs to the server: terminal captures always, plus the configured languages and globs. */
export function documentSelector(s: Pick<ServerSettings, "languageIds" | "fileGlobs">, captureScheme: string): DocumentFilter[] {
  const sel: DocumentFilter[] = [{ scheme: captureScheme }];
  for (const language of s.languageIds) {
    sel.push({ scheme: "file", language }, { scheme: "untitled", language });
  }
  for (const glob of s.fileGlobs) sel.push({ scheme: "file", pattern: vscodePattern(glob) });
  return sel;
}

// errhint's fileGlobs match a file's base name when they have no "/" ("*.log"), as the server does;
// VS Code's document filters match the whole path, so those get a "**/" prefix.
export function vscodePattern(glob: string): string {
  return glob.includes("/") ? glob : `**/${glob}`;
}

/** True when a configuration change under "errhint" touches one of the keys. */
export function affectsAny(affects: (section: string) => boolean, keys: readonly string[]): boolean {
  return keys.some((k) => affects(`errhint.${k}`));
}
