// How the language server process is started. Shared by the extension and the node integration tests.
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { Interpreter } from "./interpreter";

export interface LaunchSpec {
  command: string;
  args: string[];
  options: { env: NodeJS.ProcessEnv; cwd?: string };
  mode: "bundled" | "environment";
}

export interface LaunchOptions {
  interpreter: Interpreter;
  /** Root of the installed extension (holds bundled/). */
  extensionPath: string;
  /** Prefer the server bundled in the extension when it is there. */
  useBundled: boolean;
  /** Extra interpreter flags (e.g. ["-S"] for a bare-interpreter test). */
  pythonFlags?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function bundledLauncher(extensionPath: string): string {
  return path.join(extensionPath, "bundled", "tool", "server.py");
}

export function hasBundledServer(extensionPath: string): boolean {
  return (
    existsSync(bundledLauncher(extensionPath)) &&
    existsSync(path.join(extensionPath, "bundled", "libs", "errhint", "__init__.py"))
  );
}

export function serverLaunch(o: LaunchOptions): LaunchSpec {
  const env: NodeJS.ProcessEnv = { ...(o.env ?? process.env), PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" };
  const flags = o.pythonFlags ?? [];
  if (o.useBundled && hasBundledServer(o.extensionPath)) {
    // -I: isolated mode, so a PYTHONPATH or user site-packages cannot shadow the bundled libs;
    // the launcher puts bundled/libs first on sys.path itself.
    return {
      command: o.interpreter.command,
      args: [...o.interpreter.args, "-I", ...flags, bundledLauncher(o.extensionPath)],
      options: { env, cwd: o.cwd },
      mode: "bundled",
    };
  }
  return {
    command: o.interpreter.command,
    args: [...o.interpreter.args, ...flags, "-m", "errhint", "serve"],
    options: { env, cwd: o.cwd },
    mode: "environment",
  };
}
