import * as os from 'os';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { documentSelector, handles } from './documents';
import { checkConfigured, expandPath, INSTALL_HINT, resolveServerCommand, ServerCommand } from './server';
import { explicitSettings, SERVER_SETTINGS, ServerSetting } from './settings';

const SECTION = 'dockwise';
const OPEN_SETTINGS = 'Open settings';
const SHOW_LOG = 'Show log';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let trace: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let starting: Promise<void> | undefined;

function setStatus(kind: 'starting' | 'running' | 'stopped' | 'missing' | 'error', detail?: string): void {
  const icons = { starting: '$(sync~spin)', running: '$(check)', stopped: '$(circle-slash)', missing: '$(warning)', error: '$(error)' };
  status.text = `${icons[kind]} dockwise`;
  status.tooltip = detail ? `dockwise: ${kind} (${detail}) — click for the server log` : `dockwise: ${kind} — click for the server log`;
  status.backgroundColor = kind === 'missing' || kind === 'error'
    ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  status.show();
}

function workspaceFolderPath(): string | undefined {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

function findServer(): ServerCommand | undefined {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const ws = workspaceFolderPath();
  const expand = (v: string | undefined) => (v ? expandPath(v, ws, os.homedir()) : '');
  return resolveServerCommand({ path: expand(cfg.get<string>('path')), interpreter: expand(cfg.get<string>('interpreter')) },
    { PATH: process.env.PATH, PATHEXT: process.env.PATHEXT });
}

function settingsFor(scope?: vscode.Uri): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  return explicitSettings((key: ServerSetting) => cfg.inspect(key));
}

async function tellMissing(message: string): Promise<void> {
  output.appendLine(message);
  const choice = await vscode.window.showErrorMessage(message, OPEN_SETTINGS, SHOW_LOG);
  if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:dockwise.dockwise');
  } else if (choice === SHOW_LOG) {
    output.show(true);
  }
}

async function start(): Promise<void> {
  const cmd = findServer();
  if (!cmd) {
    setStatus('missing', 'server not found');
    await tellMissing(INSTALL_HINT);
    return;
  }
  const problem = checkConfigured(cmd, undefined, { PATH: process.env.PATH, PATHEXT: process.env.PATHEXT });
  if (problem) {
    setStatus('missing', problem);
    await tellMissing(`${problem} ${INSTALL_HINT}`);
    return;
  }
  output.appendLine(`[client] starting ${cmd.command} ${cmd.args.join(' ')} (from ${cmd.origin})`);
  const serverOptions: ServerOptions = {
    command: cmd.command,
    args: cmd.args,
    options: { cwd: workspaceFolderPath(), env: { ...process.env, PYTHONUNBUFFERED: '1' } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    outputChannel: output,
    traceOutputChannel: trace,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: settingsFor(),
    middleware: {
      workspace: {
        // answer `workspace/configuration` for `dockwise` with the explicitly set server
        // settings only (client-only keys and defaults left out)
        configuration: async (params, token, next) => {
          const fallback = await next(params, token);
          if (!Array.isArray(fallback)) {
            return fallback;
          }
          return params.items.map((item, i) =>
            item.section === SECTION ? settingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : fallback[i]);
        },
      },
    },
  };
  const lc = new LanguageClient('dockwise', 'dockwise', serverOptions, clientOptions);
  lc.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      setStatus('running', `${cmd.command} (${cmd.origin})`);
    } else if (e.newState === State.Starting) {
      setStatus('starting');
    } else {
      setStatus('stopped');
    }
  });
  client = lc;
  setStatus('starting');
  try {
    await lc.start();
  } catch (err) {
    client = undefined;
    const msg = err instanceof Error ? err.message : String(err);
    setStatus('error', msg);
    output.appendLine(`[client] the server failed to start: ${msg}`);
    if (/ENOENT|not found|No module named/i.test(msg)) {
      await tellMissing(`Could not start \`${cmd.command}\` (${cmd.origin}). ${INSTALL_HINT}`);
    } else {
      void vscode.window.showErrorMessage(`dockwise: the language server failed to start: ${msg}`, SHOW_LOG)
        .then((c) => { if (c === SHOW_LOG) { output.show(true); } });
    }
  }
}

async function stop(): Promise<void> {
  const lc = client;
  client = undefined;
  if (lc) {
    try {
      await lc.stop();
    } catch (err) {
      output.appendLine(`[client] stop: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function restart(): Promise<void> {
  await stop();
  starting = start();
  await starting;
}

function ensureStarted(): void {
  if (!starting) {
    starting = start();
  }
}

function isHandled(doc: vscode.TextDocument): boolean {
  return (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') && handles(doc.languageId, doc.uri.fsPath, doc.languageId === 'yaml' ? doc.getText() : '');
}

export function activate(context: vscode.ExtensionContext): void {
  output = vscode.window.createOutputChannel('dockwise');
  trace = vscode.window.createOutputChannel('dockwise (trace)');
  status = vscode.window.createStatusBarItem('dockwise.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'dockwise';
  status.command = 'dockwise.showOutput';
  context.subscriptions.push(output, trace, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('dockwise.restartServer', async () => {
      output.appendLine('[client] restart requested');
      await restart();
    }),
    vscode.commands.registerCommand('dockwise.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('dockwise.path') || e.affectsConfiguration('dockwise.interpreter')) {
        output.appendLine('[client] server location changed: restarting');
        await restart();
      }
    }),
    // activation may come from a plain `yaml` file or a workspace match: start the server
    // with the first Dockerfile or Compose document
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (isHandled(doc)) {
        ensureStarted();
      }
    }),
    { dispose: () => { void stop(); } },
  );
  if (vscode.workspace.textDocuments.some(isHandled)) {
    ensureStarted();
  } else {
    setStatus('stopped', 'waiting for a Dockerfile or Compose file');
  }
}

export async function deactivate(): Promise<void> {
  starting = undefined;
  await stop();
}

// exported for the unit tests
export const _internal = { SERVER_SETTINGS, isHandled, settingsFor };
