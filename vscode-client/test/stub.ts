// A stub of the `vscode` module (and of `vscode-languageclient/node`) for unit tests that run
// in plain Node: importing this file first makes `require('vscode')` return `vscodeStub`.
import Module = require('module');

export interface Recorded {
  errors: string[];
  commands: Map<string, (...args: unknown[]) => unknown>;
  executed: unknown[][];
  outputs: string[];
  statusTexts: string[];
  clients: FakeClient[];
  openListeners: ((doc: unknown) => void)[];
}

export const recorded: Recorded = {
  errors: [], commands: new Map(), executed: [], outputs: [], statusTexts: [], clients: [], openListeners: [],
};

/** `dockwise.*` settings: key -> {globalValue, workspaceValue, default}. */
export const settings = new Map<string, { globalValue?: unknown; workspaceValue?: unknown; defaultValue?: unknown }>();
export const state = { textDocuments: [] as unknown[], workspaceFolders: [] as unknown[] | undefined, errorChoice: undefined as string | undefined };

export function reset(): void {
  recorded.errors.length = 0;
  recorded.commands.clear();
  recorded.executed.length = 0;
  recorded.outputs.length = 0;
  recorded.statusTexts.length = 0;
  recorded.clients.length = 0;
  recorded.openListeners.length = 0;
  settings.clear();
  state.textDocuments = [];
  state.workspaceFolders = undefined;
  state.errorChoice = undefined;
}

const disposable = { dispose: () => undefined };

class Uri {
  constructor(public scheme: string, public fsPath: string) {}
  static file(p: string): Uri { return new Uri('file', p); }
  static parse(s: string): Uri { return s.startsWith('file://') ? new Uri('file', decodeURIComponent(s.slice(7))) : new Uri('untitled', s); }
  toString(): string { return `${this.scheme}://${this.fsPath}`; }
}

export function doc(languageId: string, path: string, scheme = 'file', text = ''): unknown {
  return { languageId, uri: new Uri(scheme, path), getText: () => text };
}

export const vscodeStub = {
  Uri,
  StatusBarAlignment: { Left: 1, Right: 2 },
  ThemeColor: class { constructor(public id: string) {} },
  window: {
    createOutputChannel: (name: string) => ({
      name, appendLine: (l: string) => { recorded.outputs.push(l); }, append: (l: string) => { recorded.outputs.push(l); },
      show: () => undefined, dispose: () => undefined, clear: () => undefined, replace: () => undefined, hide: () => undefined,
    }),
    createStatusBarItem: () => {
      const item = {
        text: '', tooltip: '', command: '', name: '', backgroundColor: undefined as unknown,
        show: () => { recorded.statusTexts.push(item.text); }, hide: () => undefined, dispose: () => undefined,
      };
      return item;
    },
    showErrorMessage: async (msg: string) => { recorded.errors.push(msg); return state.errorChoice; },
  },
  commands: {
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => { recorded.commands.set(id, fn); return disposable; },
    executeCommand: async (...args: unknown[]) => { recorded.executed.push(args); },
  },
  workspace: {
    get textDocuments() { return state.textDocuments; },
    get workspaceFolders() { return state.workspaceFolders; },
    getConfiguration: (section: string) => ({
      get: <T>(key: string): T | undefined => {
        const s = settings.get(`${section}.${key}`);
        return (s?.workspaceValue ?? s?.globalValue ?? s?.defaultValue) as T | undefined;
      },
      inspect: (key: string) => {
        const s = settings.get(`${section}.${key}`);
        return s ? { key: `${section}.${key}`, ...s } : undefined;
      },
    }),
    onDidChangeConfiguration: () => disposable,
    onDidOpenTextDocument: (fn: (doc: unknown) => void) => { recorded.openListeners.push(fn); return disposable; },
  },
};

export class FakeClient {
  started = false;
  stopped = false;
  listeners: ((e: { oldState: number; newState: number }) => void)[] = [];
  constructor(public id: string, public name: string, public serverOptions: any, public clientOptions: any) {
    recorded.clients.push(this);
  }
  onDidChangeState(fn: (e: { oldState: number; newState: number }) => void) { this.listeners.push(fn); return disposable; }
  async start(): Promise<void> {
    if (String(this.serverOptions.command).includes('fail-to-start')) {
      throw new Error(`spawn ${this.serverOptions.command} ENOENT`);
    }
    this.started = true;
    this.listeners.forEach((l) => l({ oldState: 1, newState: 2 }));
  }
  async stop(): Promise<void> { this.stopped = true; }
}

const languageClientStub = {
  LanguageClient: FakeClient,
  RevealOutputChannelOn: { Info: 1, Warn: 2, Error: 3, Never: 4 },
  State: { Stopped: 1, Running: 2, Starting: 3 },
};

const mod = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
const originalLoad = mod._load;
mod._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
  if (request === 'vscode') {
    return vscodeStub;
  }
  if (request === 'vscode-languageclient/node') {
    return languageClientStub;
  }
  return originalLoad.call(this, request, parent, isMain);
};
