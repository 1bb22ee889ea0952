// ServerController against the mocked vscode API and language client: which
// executable is started, the missing-server message and its "Open setting"
// button, giving up after repeated crashes, a server that fails to start, and
// the restart command.
import { calls, answers, FakeLanguageClient, reset, settings, tempDir, writeExecutable } from './vscodeMock';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { beforeEach, test } from 'node:test';
import { ServerController } from '../server';

const output = { appendLine: () => undefined } as never;

function withServer(): string {
  const server = writeExecutable(path.join(tempDir(), 'databuild-lsp'));
  settings.set('databuild.server.path', server);
  return server;
}

beforeEach(() => {
  reset();
  FakeLanguageClient.startBehaviour = async () => undefined;
});

test('starts the configured server for .dbuild files', async () => {
  const server = withServer();
  await new ServerController(output).start();
  assert.equal(calls.clients.length, 1);
  const client = calls.clients[0];
  assert.deepEqual(client.serverOptions, { command: server, args: [] });
  assert.equal(client.isRunning(), true);
  assert.deepEqual(calls.errors, []);
});

test('a missing server is reported once, with a button that opens the setting', async () => {
  settings.set('databuild.server.path', '/nonexistent/databuild-lsp');
  answers.errorChoice = 'Open setting';
  await new ServerController(output).start();
  assert.equal(calls.clients.length, 0);
  assert.equal(calls.errors.length, 1);
  assert.match(calls.errors[0].message, /setting databuild\.server\.path/);
  assert.deepEqual(calls.errors[0].items, ['Open setting']);
  assert.deepEqual(calls.executed, [['workbench.action.openSettings', 'databuild.server.path']]);
});

test('dismissing the missing-server message opens nothing', async () => {
  settings.set('databuild.server.path', '/nonexistent/databuild-lsp');
  await new ServerController(output).start();
  assert.equal(calls.errors.length, 1);
  assert.deepEqual(calls.executed, []);
});

test('a crashing server is restarted five times, then given up naming the restart command', async () => {
  withServer();
  await new ServerController(output).start();
  const { closed } = calls.clients[0].clientOptions.errorHandler;
  const restart = 2; // the mock's CloseAction.Restart
  for (let i = 0; i < 5; i++) assert.equal(closed().action, restart);
  const sixth = closed();
  assert.notEqual(sixth.action, restart);
  assert.match(sixth.message ?? '', /crashed 6 times.*DataBuild: Restart language server/s);
});

test('a server that fails to start is reported with the reason', async () => {
  const server = withServer();
  FakeLanguageClient.startBehaviour = async () => {
    throw new Error('exited with code 3');
  };
  await new ServerController(output).start();
  assert.equal(calls.errors.length, 1);
  assert.equal(calls.errors[0].message, `databuild-lsp (${server}) failed to start: exited with code 3`);
});

test('restart stops the running client and starts a new one', async () => {
  withServer();
  const controller = new ServerController(output);
  await controller.start();
  await controller.restart();
  assert.equal(calls.clients.length, 2);
  assert.equal(calls.clients[0].stopped, 1);
  assert.equal(calls.clients[1].isRunning(), true);
  await controller.stop();
  assert.equal(calls.clients[1].stopped, 1);
});
