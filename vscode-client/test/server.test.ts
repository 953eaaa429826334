import { strict as assert } from 'assert';
import { test } from 'node:test';
import { checkConfigured, expandPath, findOnPath, INSTALL_HINT, resolveServerCommand } from '../src/server';

const exists = (files: string[]) => (f: string) => files.includes(f);

test('dockwise.path wins', () => {
  const cmd = resolveServerCommand({ path: '/opt/dw/bin/dockwise', interpreter: '/usr/bin/python3' },
    { PATH: '/usr/bin' }, exists(['/usr/bin/dockwise']), 'linux');
  assert.deepEqual(cmd, { command: '/opt/dw/bin/dockwise', args: ['--stdio'], origin: 'dockwise.path' });
});

test('then dockwise.interpreter with -m dockwise', () => {
  const cmd = resolveServerCommand({ path: '  ', interpreter: '/venv/bin/python' }, { PATH: '/usr/bin' },
    exists(['/usr/bin/dockwise']), 'linux');
  assert.deepEqual(cmd, { command: '/venv/bin/python', args: ['-m', 'dockwise', '--stdio'], origin: 'dockwise.interpreter' });
});

test('then dockwise on PATH', () => {
  const cmd = resolveServerCommand({}, { PATH: '/nope:/home/u/.local/bin:/usr/bin' },
    exists(['/home/u/.local/bin/dockwise', '/usr/bin/dockwise']), 'linux');
  assert.deepEqual(cmd, { command: '/home/u/.local/bin/dockwise', args: ['--stdio'], origin: 'PATH' });
});

test('PATH lookup on Windows uses PATHEXT', () => {
  const found = findOnPath('dockwise', { PATH: 'C:\\py\\Scripts', PATHEXT: '.COM;.EXE' },
    (f) => f.toLowerCase().endsWith('dockwise.exe'), 'win32');
  assert.ok(found && found.endsWith('dockwise.EXE'), found);
});

test('missing everywhere gives undefined, and the hint says how to install', () => {
  assert.equal(resolveServerCommand({ path: '', interpreter: '' }, { PATH: '/usr/bin' }, exists([]), 'linux'), undefined);
  assert.match(INSTALL_HINT, /pipx install dockwise/);
  assert.match(INSTALL_HINT, /dockwise\.path/);
  assert.match(INSTALL_HINT, /dockwise\.interpreter/);
});

test('a configured path that is not executable is reported', () => {
  const cmd = { command: '/nope/dockwise', args: ['--stdio'], origin: 'dockwise.path' as const };
  assert.match(checkConfigured(cmd, exists([]), {}, 'linux') ?? '', /dockwise\.path.*not an executable/);
  assert.equal(checkConfigured(cmd, exists(['/nope/dockwise']), {}, 'linux'), undefined);
  const bare = { command: 'python3', args: ['-m', 'dockwise', '--stdio'], origin: 'dockwise.interpreter' as const };
  assert.equal(checkConfigured(bare, exists(['/usr/bin/python3']), { PATH: '/usr/bin' }, 'linux'), undefined);
});

test('~ and ${workspaceFolder} are expanded', () => {
  assert.equal(expandPath('~/venv/bin/python', '/w', '/home/u'), '/home/u/venv/bin/python');
  assert.equal(expandPath('${workspaceFolder}/.venv/bin/dockwise', '/w', '/home/u'), '/w/.venv/bin/dockwise');
});
