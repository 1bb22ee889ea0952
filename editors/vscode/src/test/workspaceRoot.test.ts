// The workspace root the commands run in: nearest workspace.dbuild upwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findWorkspaceRoot } from '../workspaceRoot';

const exists = (file: string) => ['/w/workspace.dbuild', '/w/nested/workspace.dbuild'].includes(file);

test('finds the nearest workspace.dbuild upwards', () => {
  assert.equal(findWorkspaceRoot('/w/jobs/daily', exists), '/w');
  assert.equal(findWorkspaceRoot('/w/nested/jobs', exists), '/w/nested');
  assert.equal(findWorkspaceRoot('/w', exists), '/w');
});

test('stops at the file system root', () => {
  assert.equal(findWorkspaceRoot('/elsewhere/x', exists), undefined);
});
