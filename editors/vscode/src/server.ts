// Runs databuild-lsp through vscode-languageclient. A missing server is reported
// once with a button to the setting, not retried; a server that keeps crashing
// is given up after the client's default five restarts in three minutes, with a
// message naming the restart command, since the client's own notice is easy to miss.
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';
import { isExecutableFile, resolveExecutable } from './executable';

const SERVER_SETTING = 'databuild.server.path';
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** Resolves a DataBuild tool from its setting, relative paths from the first folder. */
export function findTool(program: string, setting: string): ReturnType<typeof resolveExecutable> {
  const [section, ...rest] = setting.split('.');
  const configured = vscode.workspace.getConfiguration(section).get<string>(rest.join('.'), '');
  return resolveExecutable(program, setting, configured, {
    pathVariable: process.env.PATH ?? '',
    baseDir: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    isExecutable: isExecutableFile,
  });
}

export class ServerController {
  private client: LanguageClient | undefined;

  constructor(private readonly output: vscode.OutputChannel) {}

  async start(): Promise<void> {
    const server = findTool('databuild-lsp', SERVER_SETTING);
    if (!server.ok) {
      this.output.appendLine(server.message);
      const choice = await vscode.window.showErrorMessage(server.message, 'Open setting');
      if (choice) {
        await vscode.commands.executeCommand('workbench.action.openSettings', SERVER_SETTING);
      }
      return;
    }
    const serverOptions: ServerOptions = { command: server.path, args: [] };
    const crashes: number[] = [];
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'databuild' }],
      outputChannel: this.output,
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => {
          const now = Date.now();
          crashes.push(now);
          while (crashes.length > 0 && crashes[0] < now - RESTART_WINDOW_MS) crashes.shift();
          if (crashes.length <= MAX_RESTARTS) return { action: CloseAction.Restart };
          return {
            action: CloseAction.DoNotRestart,
            message:
              `databuild-lsp (${server.path}) crashed ${crashes.length} times in three minutes ` +
              'and was not restarted. See the "DataBuild" output, then run ' +
              '"DataBuild: Restart language server".',
          };
        },
      },
    };
    this.client = new LanguageClient('databuild', 'DataBuild', serverOptions, clientOptions);
    try {
      await this.client.start();
      this.output.appendLine(`Started ${server.path}`);
    } catch (error) {
      void vscode.window.showErrorMessage(
        `databuild-lsp (${server.path}) failed to start: ${(error as Error).message}`,
      );
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isRunning()) await client.stop();
  }
}
