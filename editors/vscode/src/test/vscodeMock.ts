// A hand-written stand-in for the `vscode` module (and for vscode-languageclient,
// which needs a real VS Code), so server.ts and commands.ts run under node:test
// without downloading VS Code. Importing this file installs it: the compiled
// sources `require('vscode')`, and Node's Module._load is wrapped to answer those
// two names with the fakes below. Only the API the extension calls is faked;
// every call is recorded in `calls` for the tests to assert on, and the user's
// answers (input box, message buttons) are queued in `answers`.
import * as fs from 'fs';
import Module from 'module';
import * as os from 'os';
import * as path from 'path';

export interface Calls {
  errors: { message: string; items: string[] }[];
  inputBoxes: Record<string, unknown>[];
  terminals: { options: Record<string, unknown>; shown: boolean }[];
  panels: { title: string; html: string }[];
  executed: unknown[][];
  clients: FakeLanguageClient[];
}

export const calls: Calls = {
  errors: [],
  inputBoxes: [],
  terminals: [],
  panels: [],
  executed: [],
  clients: [],
};
export const answers = {
  inputBox: undefined as string | undefined,
  errorChoice: undefined as string | undefined,
};
export const settings = new Map<string, unknown>();

interface FakeDocument {
  uri: { scheme: string; fsPath: string };
  languageId: string;
  word?: string;
}
export const editorState = {
  document: undefined as FakeDocument | undefined,
  folder: undefined as string | undefined,
};

/** Forgets the calls, answers, settings and editor of the previous test. */
export function reset(): void {
  for (const list of Object.values(calls) as unknown[][]) list.length = 0;
  answers.inputBox = undefined;
  answers.errorChoice = undefined;
  settings.clear();
  editorState.document = undefined;
  editorState.folder = undefined;
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory for a test's workspace and fake executables, removed when the test file ends. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'databuild-vscode-test-'));
  tempDirs.push(dir);
  return dir;
}

/** Writes an executable shell script, a stand-in for databuild, databuild-run or databuild-lsp. */
export function writeExecutable(file: string, script = 'exit 0'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return file;
}

export class FakeLanguageClient {
  running = false;
  stopped = 0;
  /** What start() does; a test makes it throw to fake a server that dies at once. */
  static startBehaviour: () => Promise<void> = async () => undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: { command: string; args: string[] },
    readonly clientOptions: {
      errorHandler: {
        closed: () => { action: number; message?: string };
      };
    },
  ) {
    calls.clients.push(this);
  }

  async start(): Promise<void> {
    await FakeLanguageClient.startBehaviour();
    this.running = true;
  }

  isRunning(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped++;
  }
}

const languageclient = {
  LanguageClient: FakeLanguageClient,
  ErrorAction: { Continue: 1, Shutdown: 2 },
  CloseAction: { DoNotRestart: 1, Restart: 2 },
};

const vscode = {
  ViewColumn: { Beside: -2 },
  window: {
    get activeTextEditor() {
      const document = editorState.document;
      if (!document) return undefined;
      return {
        selection: { active: { line: 0, character: 0 } },
        document: {
          ...document,
          getWordRangeAtPosition: () => (document.word === undefined ? undefined : {}),
          getText: () => document.word,
        },
      };
    },
    createOutputChannel: () => ({ appendLine: () => undefined, dispose: () => undefined }),
    showErrorMessage: async (message: string, ...items: string[]) => {
      calls.errors.push({ message, items });
      return answers.errorChoice;
    },
    showInputBox: async (options: Record<string, unknown>) => {
      calls.inputBoxes.push(options);
      return answers.inputBox;
    },
    createTerminal: (options: Record<string, unknown>) => {
      const terminal = { options, shown: false };
      calls.terminals.push(terminal);
      return { show: () => void (terminal.shown = true) };
    },
    createWebviewPanel: (_viewType: string, title: string) => {
      const panel = { title, html: '' };
      calls.panels.push(panel);
      return {
        webview: {
          set html(html: string) {
            panel.html = html;
          },
        },
      };
    },
  },
  workspace: {
    get workspaceFolders() {
      const folder = editorState.folder;
      return folder === undefined ? undefined : [{ uri: { fsPath: folder } }];
    },
    getConfiguration: (section: string) => ({
      get: <T>(key: string, fallback: T): T =>
        settings.has(`${section}.${key}`) ? (settings.get(`${section}.${key}`) as T) : fallback,
    }),
  },
  commands: {
    executeCommand: async (...args: unknown[]) => void calls.executed.push(args),
  },
};

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const load = loader._load;
loader._load = (request, parent, isMain) => {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return languageclient;
  return load(request, parent, isMain);
};
