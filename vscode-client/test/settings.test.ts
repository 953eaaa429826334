import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { explicitSettings, SERVER_SETTINGS } from '../src/settings';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const props: Record<string, { markdownDescription?: string; description?: string }> = pkg.contributes.configuration.properties;

test('every server setting is contributed with a description', () => {
  for (const key of SERVER_SETTINGS) {
    const p = props[`dockwise.${key}`];
    assert.ok(p, `dockwise.${key} is not contributed`);
    assert.ok((p.markdownDescription ?? p.description ?? '').length > 20, `dockwise.${key} has no description`);
  }
  for (const key of ['dockwise.path', 'dockwise.interpreter', 'dockwise.trace.server']) {
    assert.ok(props[key], key);
  }
});

test('only explicitly set server settings are sent, most specific scope first', () => {
  const values: Record<string, object> = {
    select: { defaultValue: null },
    ignore: { globalValue: ['DF301'], workspaceValue: ['DF202'] },
    registryLookup: { defaultValue: false, globalValue: true },
    severity: { workspaceFolderValue: { DF104: 'warning' } },
    minComposeVersion: { defaultValue: '2.20' },
  };
  const out = explicitSettings((k) => values[k]);
  assert.deepEqual(out, { ignore: ['DF202'], registryLookup: true, severity: { DF104: 'warning' } });
});

test('client-only keys are never server settings', () => {
  for (const key of ['path', 'interpreter', 'trace']) {
    assert.ok(!(SERVER_SETTINGS as readonly string[]).includes(key));
  }
});
