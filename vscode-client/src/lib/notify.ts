// Notification de-duplication and the small decisions around fixes. No `vscode` import.

/** Allows one notification per (command capture, knowledge entry). */
export class NotificationGate {
  private readonly seen = new Map<string, Set<string>>();

  /** True the first time this entry is seen for this capture, false after. */
  shouldNotify(captureKey: string, entryId: string): boolean {
    let ids = this.seen.get(captureKey);
    if (!ids) {
      ids = new Set();
      this.seen.set(captureKey, ids);
    }
    if (ids.has(entryId)) return false;
    ids.add(entryId);
    return true;
  }

  forget(captureKey: string): void {
    this.seen.delete(captureKey);
  }

  get trackedCaptures(): number {
    return this.seen.size;
  }
}

export interface DiagnosticLike {
  severity: "error" | "warning" | "info" | "hint";
  code?: string;
  title?: string;
  message: string;
}

/** The diagnostics of a capture that deserve a notification: errors, first of each id, in order. */
export function notifiable(diags: DiagnosticLike[]): DiagnosticLike[] {
  const seen = new Set<string>();
  const out: DiagnosticLike[] = [];
  for (const d of diags) {
    if (d.severity !== "error") continue;
    const id = d.code ?? d.message;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(d);
  }
  return out;
}

/** "Claude Code 401 auth loop — …": the notification text for one diagnostic. */
export function notificationText(d: DiagnosticLike, commandLine?: string): string {
  const title = d.title ?? d.message.split(" — ")[0];
  const cmd = commandLine ? ` (in “${truncate(commandLine, 60)}”)` : "";
  return `errhint: ${title}${cmd}`;
}

export function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? one.slice(0, n - 1) + "…" : one;
}

export interface FixCommands {
  posix?: string;
  powershell?: string;
  cmd?: string;
}

export type ShellKind = "posix" | "powershell" | "cmd";

/** Guesses the shell family from a shell path or name ("/bin/zsh", "pwsh.exe", "cmd.exe"). */
export function shellKind(shellPath: string | undefined, platform: NodeJS.Platform): ShellKind {
  const base = (shellPath ?? "").toLowerCase().replace(/^.*[\\/]/, "").replace(/\.exe$/, "");
  if (base === "pwsh" || base === "powershell") return "powershell";
  if (base === "cmd") return "cmd";
  if (base) return "posix"; // bash, zsh, fish, sh, git-bash, wsl…
  return platform === "win32" ? "powershell" : "posix";
}

/** The fix command for this shell family, if the entry has one. */
export function pickFixCommand(commands: FixCommands | undefined, kind: ShellKind): { command: string; kind: ShellKind } | undefined {
  if (!commands) return undefined;
  // No fallback across families: a POSIX command pasted into PowerShell (or the reverse) does something else.
  const c = commands[kind];
  return typeof c === "string" && c.trim() ? { command: c, kind } : undefined;
}
