// Server path resolution: setting paths, PATH lookup, and the messages on a miss.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveExecutable } from '../executable';

const files = new Set(['/opt/db/bin/databuild-lsp', '/repo/build/lsp/databuild-lsp', '/usr/bin/lsp2']);
const env = {
  pathVariable: ['/usr/local/bin', '', '/opt/db/bin', '/usr/bin'].join(path.delimiter),
  baseDir: '/repo',
  isExecutable: (file: string) => files.has(file),
};
const SETTING = 'databuild.server.path';

test('an empty setting finds the program on PATH, in PATH order', () => {
  assert.deepEqual(resolveExecutable('databuild-lsp', SETTING, '', env), {
    ok: true,
    path: '/opt/db/bin/databuild-lsp',
  });
});

test('a bare name in the setting is looked up on PATH too', () => {
  assert.deepEqual(resolveExecutable('databuild-lsp', SETTING, ' lsp2 ', env), {
    ok: true,
    path: '/usr/bin/lsp2',
  });
});

test('a relative path is taken from the workspace folder, an absolute one as is', () => {
  const relative = resolveExecutable('databuild-lsp', SETTING, 'build/lsp/databuild-lsp', env);
  assert.deepEqual(relative, { ok: true, path: '/repo/build/lsp/databuild-lsp' });
  const absolute = resolveExecutable('databuild-lsp', SETTING, '/opt/db/bin/databuild-lsp', env);
  assert.deepEqual(absolute, { ok: true, path: '/opt/db/bin/databuild-lsp' });
});

test('a setting naming a missing file says so and names the setting', () => {
  const result = resolveExecutable('databuild-lsp', SETTING, './nope/databuild-lsp', env);
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.message : '', /"\/repo\/nope\/databuild-lsp" \(setting databuild\.server\.path\) is not an executable/);
});

test('a program on no PATH entry says how to fix it', () => {
  const result = resolveExecutable('databuild-lsp', SETTING, '', { ...env, pathVariable: '/usr/bin' });
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.message : '', /not found on PATH.*set databuild\.server\.path/);
});
