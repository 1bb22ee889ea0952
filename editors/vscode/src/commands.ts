// The three DataBuild commands besides the server restart. Build and check run in
// a terminal with the executable as the terminal's process (no shell), so refs and
// paths need no quoting and the exit status stays visible; the graph is read from
// `databuild graph --format json` and drawn by graphView.
import { execFile } from 'child_process';
import * as crypto from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { parseGraph } from './graph';
import { graphHtml, layoutGraph, renderSvg } from './graphView';
import { refShapeError } from './partitionRef';
import { findTool } from './server';
import { findWorkspaceRoot } from './workspaceRoot';

/** The DataBuild workspace of the active file, else of the first folder. */
function workspaceRoot(): string | undefined {
  const file = vscode.window.activeTextEditor?.document.uri;
  const start = file?.scheme === 'file' ? path.dirname(file.fsPath) : undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const root = (start && findWorkspaceRoot(start)) ?? (folder && findWorkspaceRoot(folder));
  if (!root) void vscode.window.showErrorMessage('DataBuild: no workspace.dbuild above this file.');
  return root || undefined;
}

function runInTerminal(program: string, setting: string, args: string[]): void {
  const tool = findTool(program, setting);
  if (!tool.ok) {
    void vscode.window.showErrorMessage(tool.message);
    return;
  }
  const cwd = workspaceRoot();
  if (!cwd) return;
  const terminal = vscode.window.createTerminal({
    name: `DataBuild: ${[program, ...args].join(' ')}`,
    shellPath: tool.path,
    shellArgs: args,
    cwd,
  });
  terminal.show();
}

export async function buildPartition(): Promise<void> {
  const ref = await vscode.window.showInputBox({
    title: 'DataBuild: Build partition',
    prompt: 'Partition ref: DATASET/KEY=VALUE/…',
    placeHolder: 'clean_events/date=2024-01-03/region=us',
    validateInput: refShapeError,
  });
  if (ref === undefined) return;
  runInTerminal('databuild-run', 'databuild.runtime.path', ['build', ref.trim()]);
}

export function checkWorkspace(): void {
  runInTerminal('databuild', 'databuild.analyzer.path', ['check']);
}

function runGraph(tool: string, cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const argv = ['graph', '--format', 'json', ...args];
    execFile(tool, argv, { cwd, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout),
    );
  });
}

/** The identifier under the cursor in a .dbuild editor: the graph's focus candidate. */
function wordUnderCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId !== 'databuild') return undefined;
  const range = editor.document.getWordRangeAtPosition(editor.selection.active, /[A-Za-z_]\w*/);
  return range && editor.document.getText(range);
}

export async function showGraph(): Promise<void> {
  const tool = findTool('databuild', 'databuild.analyzer.path');
  if (!tool.ok) {
    void vscode.window.showErrorMessage(tool.message);
    return;
  }
  const cwd = workspaceRoot();
  if (!cwd) return;
  const focus = wordUnderCursor();
  const depth = vscode.workspace.getConfiguration('databuild').get<number>('graph.depth', 2);
  let title = `DataBuild graph: ${path.basename(cwd)}`;
  let text: string | undefined;
  if (focus) {
    try {
      text = await runGraph(tool.path, cwd, ['--focus', focus, '--depth', String(depth)]);
      title = `DataBuild graph: ${focus}, depth ${depth}`;
    } catch {
      // Not every word is a dataset: when the analyzer refuses the focus, show everything.
    }
  }
  try {
    text ??= await runGraph(tool.path, cwd, []);
  } catch (error) {
    void vscode.window.showErrorMessage(`databuild graph failed: ${(error as Error).message}`);
    return;
  }
  let svg: string;
  try {
    svg = renderSvg(layoutGraph(parseGraph(text), focus));
  } catch (error) {
    const message = `databuild graph: unexpected output: ${(error as Error).message}`;
    void vscode.window.showErrorMessage(message);
    return;
  }
  const panel = vscode.window.createWebviewPanel(
    'databuild.graph',
    title,
    vscode.ViewColumn.Beside,
    { enableScripts: false },
  );
  panel.webview.html = graphHtml(svg, title, crypto.randomBytes(16).toString('base64'));
}
