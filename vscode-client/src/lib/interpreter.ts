// Finding a Python interpreter (>= 3.10) for the server. Side effects are injected so it can be unit-tested.
import { execFile } from "node:child_process";
import { constants as fsConstants, promises as fs } from "node:fs";
import * as path from "node:path";

export const MIN_PYTHON: [number, number] = [3, 10];

export interface Interpreter {
  command: string;
  args: string[];
}

export type InterpreterSource = "setting" | "python-extension" | "path";

export type Discovery =
  | { ok: true; interpreter: Interpreter; source: InterpreterSource; version: string; notes: string[] }
  | { ok: false; message: string; notes: string[] };

export interface ProbeResult {
  ok: boolean;
  version?: [number, number];
  error?: string;
}

export interface DiscoveryDeps {
  platform: NodeJS.Platform;
  /** The errhint.interpreter setting ("" when unset). */
  setting: string;
  /** The Python extension's active interpreter, when that extension is installed. */
  pythonExtension?: () => Promise<string | undefined>;
  which: (command: string) => Promise<string | undefined>;
  probe: (interp: Interpreter) => Promise<ProbeResult>;
}

/** Splits a setting such as `py -3` or `"C:\\Program Files\\Python\\python.exe"` into command + args. */
export function splitCommandLine(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function fmt(v: [number, number]): string {
  return `${v[0]}.${v[1]}`;
}

function newEnough(v: [number, number]): boolean {
  return v[0] > MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] >= MIN_PYTHON[1]);
}

async function check(
  interp: Interpreter,
  deps: DiscoveryDeps,
  label: string,
  notes: string[],
): Promise<string | undefined> {
  const r = await deps.probe(interp);
  const shown = [interp.command, ...interp.args].join(" ");
  if (!r.ok || !r.version) {
    notes.push(`${label}: ${shown} could not be run (${r.error ?? "no version"})`);
    return undefined;
  }
  if (!newEnough(r.version)) {
    notes.push(`${label}: ${shown} is Python ${fmt(r.version)}, errhint needs ${fmt(MIN_PYTHON)} or newer`);
    return undefined;
  }
  return fmt(r.version);
}

export async function discoverInterpreter(deps: DiscoveryDeps): Promise<Discovery> {
  const notes: string[] = [];

  if (deps.setting.trim()) {
    const [command, ...args] = splitCommandLine(deps.setting.trim());
    const interp = { command, args };
    const version = await check(interp, deps, "errhint.interpreter", notes);
    if (version) return { ok: true, interpreter: interp, source: "setting", version, notes };
    // An explicit setting that does not work is an error, not something to silently route around.
    return {
      ok: false,
      notes,
      message:
        `errhint: the interpreter in the "errhint.interpreter" setting cannot run the server (${notes[notes.length - 1]}). ` +
        `Point the setting at a Python ${fmt(MIN_PYTHON)}+ executable, or clear it to let errhint find one.`,
    };
  }

  if (deps.pythonExtension) {
    let active: string | undefined;
    try {
      active = await deps.pythonExtension();
    } catch (e) {
      notes.push(`Python extension: no active interpreter (${e instanceof Error ? e.message : String(e)})`);
    }
    if (active) {
      const interp = { command: active, args: [] };
      const version = await check(interp, deps, "Python extension", notes);
      if (version) return { ok: true, interpreter: interp, source: "python-extension", version, notes };
    }
  }

  const candidates: Interpreter[] =
    deps.platform === "win32"
      ? [{ command: "py", args: ["-3"] }, { command: "python", args: [] }, { command: "python3", args: [] }]
      : [{ command: "python3", args: [] }, { command: "python", args: [] }];
  for (const c of candidates) {
    const found = await deps.which(c.command);
    if (!found) {
      notes.push(`PATH: no ${c.command}`);
      continue;
    }
    const interp = { command: found, args: c.args };
    const version = await check(interp, deps, "PATH", notes);
    if (version) return { ok: true, interpreter: interp, source: "path", version, notes };
  }

  const install =
    deps.platform === "win32"
      ? "Install Python from python.org (it adds the `py` launcher)"
      : deps.platform === "darwin"
        ? "Install Python 3 (e.g. `brew install python`)"
        : "Install Python 3 (e.g. `sudo apt install python3`)";
  return {
    ok: false,
    notes,
    message:
      `errhint needs Python ${fmt(MIN_PYTHON)} or newer to run its language server, and none was found. ` +
      `${install}, or set "errhint.interpreter" to the path of a Python executable.`,
  };
}

/** `which`: the first executable named `command` on PATH (honours PATHEXT on Windows); absolute paths are checked as is. */
export async function whichOnPath(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
  const isWin = platform === "win32";
  const exts = isWin ? (env.PATHEXT ?? ".EXE;.CMD;.BAT;.COM").split(";").filter(Boolean) : [""];
  const candidates = (base: string) =>
    isWin && !path.extname(base) ? exts.map((e) => base + e.toLowerCase()).concat(exts.map((e) => base + e)) : [base];
  const ok = async (p: string) => {
    try {
      await fs.access(p, isWin ? fsConstants.F_OK : fsConstants.X_OK);
      return (await fs.stat(p)).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes("/") || (isWin && command.includes("\\"))) {
    for (const c of candidates(command)) if (await ok(c)) return c;
    return undefined;
  }
  const dirs = (env.PATH ?? env.Path ?? "").split(isWin ? ";" : path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const c of candidates(path.join(dir, command))) if (await ok(c)) return c;
  }
  return undefined;
}

/** Runs the interpreter once to read its version. */
export function probeInterpreter(interp: Interpreter, timeoutMs = 15000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(
      interp.command,
      [...interp.args, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
      { timeout: timeoutMs, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          resolve({ ok: false, error: (stderr || err.message).toString().trim().split("\n").pop() });
          return;
        }
        const m = /(\d+)\.(\d+)/.exec(stdout.toString());
        resolve(m ? { ok: true, version: [Number(m[1]), Number(m[2])] } : { ok: false, error: `unexpected output ${JSON.stringify(stdout)}` });
      },
    );
  });
}
