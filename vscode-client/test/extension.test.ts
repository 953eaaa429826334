import { doc, FakeClient, recorded, reset, settings, state, vscodeStub } from './stub';
import { strict as assert } from 'assert';
import { afterEach, beforeEach, test } from 'node:test';
import * as ext from '../src/extension';

const context = () => ({ subscriptions: [] as { dispose(): unknown }[] });
const tick = () => new Promise((r) => setTimeout(r, 10));
let savedPath: string | undefined;

beforeEach(() => { reset(); savedPath = process.env.PATH; process.env.PATH = '/nonexistent-dir'; });
afterEach(async () => { await ext.deactivate(); process.env.PATH = savedPath; });

test('registers the commands and the status item; waits for a Docker document', async () => {
  ext.activate(context() as never);
  assert.ok(recorded.commands.has('dockwise.restartServer'));
  assert.ok(recorded.commands.has('dockwise.showOutput'));
  assert.equal(recorded.clients.length, 0);
  assert.match(recorded.statusTexts.at(-1) ?? '', /dockwise/);
  // a plain yaml file is not a reason to start the server
  recorded.openListeners.forEach((l) => l(doc('yaml', '/w/.github/workflows/ci.yml')));
  await tick();
  assert.equal(recorded.errors.length, 0);
});

test('a missing server gives a notification that says how to install it', async () => {
  state.textDocuments = [doc('dockerfile', '/w/Dockerfile')];
  state.errorChoice = 'Open settings';
  ext.activate(context() as never);
  await tick();
  assert.equal(recorded.clients.length, 0);
  assert.equal(recorded.errors.length, 1);
  assert.match(recorded.errors[0], /pipx install dockwise/);
  assert.deepEqual(recorded.executed[0], ['workbench.action.openSettings', '@ext:dockwise.dockwise']);
  assert.match(recorded.statusTexts.at(-1) ?? '', /warning/);
});

test('starts the server from dockwise.path on a Compose file opened as yaml', async () => {
  settings.set('dockwise.path', { globalValue: process.execPath });
  settings.set('dockwise.ignore', { defaultValue: [], workspaceValue: ['DF301'] });
  settings.set('dockwise.registryLookup', { defaultValue: false });
  ext.activate(context() as never);
  recorded.openListeners.forEach((l) => l(doc('yaml', '/w/docker-compose.yml')));
  await tick();
  assert.equal(recorded.clients.length, 1);
  const c = recorded.clients[0];
  assert.equal(c.serverOptions.command, process.execPath);
  assert.deepEqual(c.serverOptions.args, ['--stdio']);
  assert.ok(c.started);
  assert.deepEqual(c.clientOptions.initializationOptions, { ignore: ['DF301'] });
  const langs = c.clientOptions.documentSelector.map((s: { language: string }) => s.language);
  assert.ok(langs.includes('dockerfile') && langs.includes('dockercompose') && langs.includes('yaml'));
  // workspace/configuration for `dockwise` answers with explicit server settings only
  const res = await c.clientOptions.middleware.workspace.configuration(
    { items: [{ section: 'dockwise' }, { section: 'editor' }] }, {}, async () => [{ path: 'x', ignore: [] }, { tabSize: 4 }]);
  assert.deepEqual(res, [{ ignore: ['DF301'] }, { tabSize: 4 }]);
  assert.match(recorded.statusTexts.at(-1) ?? '', /check/);
  assert.ok(recorded.outputs.some((l) => l.includes('starting') && l.includes('dockwise.path')));
});

test('the interpreter setting runs -m dockwise; restart replaces the client', async () => {
  settings.set('dockwise.interpreter', { globalValue: process.execPath });
  state.textDocuments = [doc('dockercompose', '/w/stack.yml')];
  ext.activate(context() as never);
  await tick();
  assert.deepEqual(recorded.clients[0].serverOptions.args, ['-m', 'dockwise', '--stdio']);
  await recorded.commands.get('dockwise.restartServer')!();
  assert.equal(recorded.clients.length, 2);
  assert.ok(recorded.clients[0].stopped);
  assert.ok(recorded.clients[1].started);
});

test('a server that fails to spawn is reported with the install hint', async () => {
  settings.set('dockwise.interpreter', { globalValue: 'fail-to-start-python' });
  process.env.PATH = '/nonexistent-dir';
  state.textDocuments = [doc('dockerfile', '/w/Dockerfile')];
  ext.activate(context() as never);
  await tick();
  // `fail-to-start-python` is not on PATH: caught before spawning
  assert.equal(recorded.clients.length, 0);
  assert.match(recorded.errors[0], /dockwise\.interpreter.*fail-to-start-python.*pipx install dockwise/s);
});

void vscodeStub;
void FakeClient;
