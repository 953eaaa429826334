// Finding the dockwise server. Pure: no `vscode` import, so it is unit-tested.
import * as fs from 'fs';
import * as path from 'path';

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the command came from, for the log and the status item. */
  origin: 'dockwise.path' | 'dockwise.interpreter' | 'PATH';
}

export interface ServerSettings {
  path?: string;
  interpreter?: string;
}

export interface Environment {
  /** PATH-like search path. */
  PATH?: string;
  /** Windows executable suffixes. */
  PATHEXT?: string;
}

export type IsExecutable = (file: string) => boolean;

export const defaultIsExecutable: IsExecutable = (file) => {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform === 'win32') {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `which`: the first executable `name` on the search path, or undefined. */
export function findOnPath(name: string, env: Environment, isExecutable: IsExecutable = defaultIsExecutable,
                           platform: string = process.platform): string | undefined {
  const sep = platform === 'win32' ? ';' : ':';
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').concat(['']) : [''];
  for (const dir of (env.PATH ?? '').split(sep)) {
    if (!dir) {
      continue;
    }
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Expands `~` and `${workspaceFolder}` in a configured path. */
export function expandPath(value: string, workspaceFolder: string | undefined, home: string): string {
  let out = value.trim();
  if (out === '~' || out.startsWith('~/')) {
    out = path.join(home, out.slice(1));
  }
  if (workspaceFolder !== undefined) {
    out = out.split('${workspaceFolder}').join(workspaceFolder);
  }
  return out;
}

/** The command that starts the server: `dockwise.path`, else `dockwise.interpreter -m dockwise`,
 * else `dockwise` on PATH; undefined when none is there. */
export function resolveServerCommand(settings: ServerSettings, env: Environment,
                                     isExecutable: IsExecutable = defaultIsExecutable,
                                     platform: string = process.platform): ServerCommand | undefined {
  const configured = (settings.path ?? '').trim();
  if (configured) {
    return { command: configured, args: ['--stdio'], origin: 'dockwise.path' };
  }
  const interpreter = (settings.interpreter ?? '').trim();
  if (interpreter) {
    return { command: interpreter, args: ['-m', 'dockwise', '--stdio'], origin: 'dockwise.interpreter' };
  }
  const found = findOnPath('dockwise', env, isExecutable, platform);
  if (found) {
    return { command: found, args: ['--stdio'], origin: 'PATH' };
  }
  return undefined;
}

/** Problems with a configured command that are worth telling before trying to start it. */
export function checkConfigured(cmd: ServerCommand, isExecutable: IsExecutable = defaultIsExecutable,
                                env: Environment = {}, platform: string = process.platform): string | undefined {
  if (cmd.origin === 'PATH') {
    return undefined;
  }
  const file = cmd.command;
  const found = file.includes('/') || file.includes('\\') ? (isExecutable(file) ? file : undefined)
    : findOnPath(file, env, isExecutable, platform);
  if (!found) {
    return `\`${cmd.origin}\` is set to "${file}", which is not an executable file.`;
  }
  return undefined;
}

export const INSTALL_HINT =
  'The dockwise language server was not found. Install it with `pipx install dockwise` ' +
  '(or `pip install dockwise` in a virtual environment), then set `dockwise.path` to the ' +
  '`dockwise` executable or `dockwise.interpreter` to that environment\'s Python, ' +
  'or put `dockwise` on PATH.';
