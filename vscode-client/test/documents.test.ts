import { strict as assert } from 'assert';
import { test } from 'node:test';
import { documentSelector, handles, isComposeName, isDockerfileName, languageIdFor } from '../src/documents';

test('compose file names match the server\'s rule', () => {
  for (const name of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.override.yml',
    'compose.prod.yaml', '/a/b/docker-compose.dev.yaml', 'C:\\x\\compose.yaml']) {
    assert.ok(isComposeName(name), name);
  }
  for (const name of ['values.yaml', 'my-compose.yaml', 'compose.json', 'docker-compose.yml.bak', 'compose/x.yaml']) {
    assert.ok(!isComposeName(name), name);
  }
});

test('Dockerfile names', () => {
  for (const name of ['Dockerfile', 'Dockerfile.dev', 'Containerfile', 'app.dockerfile', '/x/Dockerfile']) {
    assert.ok(isDockerfileName(name), name);
  }
  assert.ok(!isDockerfileName('Dockerfiles.md'));
});

test('handled documents: docker language ids, and yaml only for Compose names', () => {
  assert.ok(handles('dockerfile', '/w/anything'));
  assert.ok(handles('dockercompose', '/w/stack.yml'));
  assert.ok(handles('yaml', '/w/compose.yaml'));
  assert.ok(handles('yaml', '/w/docker-compose.override.yml'));
  assert.ok(!handles('yaml', '/w/.github/workflows/ci.yml', 'on: push\njobs:\n  build:\n    services:\n'));
  // a Compose file by content: a top-level `services:` (or `include:`)
  assert.ok(handles('yaml', '/w/stack.yaml', '# prod\nservices:\n  web:\n    image: nginx\n'));
  assert.ok(handles('yaml', '/w/all.yml', 'include:\n  - a.yaml\n'));
  assert.ok(!handles('python', '/w/compose.yaml'));
  assert.equal(languageIdFor('yaml', '/w/compose.yaml'), 'dockercompose');
  assert.equal(languageIdFor('yaml', '/w/values.yaml'), 'yaml');
});

test('document selector covers both languages and every yaml file', () => {
  const sel = documentSelector();
  assert.ok(sel.some((s) => s.scheme === 'file' && s.language === 'dockerfile'));
  assert.ok(sel.some((s) => s.scheme === 'file' && s.language === 'dockercompose'));
  const yaml = sel.filter((s) => s.language === 'yaml');
  assert.deepEqual(yaml, [{ scheme: 'file', language: 'yaml' }]);
});
