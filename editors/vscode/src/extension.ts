// Entry point: starts the language server and registers the DataBuild commands.
// VS Code activates the extension on a .dbuild file, a workspace.dbuild in the
// folder, or one of the commands (activation events implied by package.json).
import * as vscode from 'vscode';
import { buildPartition, checkWorkspace, showGraph } from './commands';
import { ServerController } from './server';

let server: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('DataBuild');
  const controller = new ServerController(output);
  server = controller;
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('databuild.restartServer', () => controller.restart()),
    vscode.commands.registerCommand('databuild.showGraph', showGraph),
    vscode.commands.registerCommand('databuild.buildPartition', buildPartition),
    vscode.commands.registerCommand('databuild.checkWorkspace', checkWorkspace),
  );
  await controller.start();
}

/** Stops the server before VS Code closes the extension host (awaited, unlike dispose). */
export function deactivate(): Promise<void> | undefined {
  return server?.stop();
}
