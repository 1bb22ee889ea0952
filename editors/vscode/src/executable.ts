// Finds the executables the extension runs (databuild-lsp, databuild, databuild-run).
// Kept free of the vscode API so the lookup rules are unit-tested: a setting naming a
// path wins (relative ones are taken from the workspace folder, where a checkout's
// build/ lives), a bare name is looked up on PATH, and a miss yields a message that
// says which setting to change.
import * as fs from 'fs';
import * as path from 'path';

export type Resolution = { ok: true; path: string } | { ok: false; message: string };

export interface LookupEnvironment {
  /** The PATH variable, entries separated by path.delimiter. */
  pathVariable: string;
  /** Directory that relative settings are resolved against, if any. */
  baseDir?: string;
  isExecutable: (file: string) => boolean;
}

export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function resolveExecutable(
  program: string,
  setting: string,
  configured: string,
  env: LookupEnvironment,
): Resolution {
  const wanted = configured.trim();
  const hasDirectory = wanted.includes('/') || wanted.includes(path.sep);
  if (wanted !== '' && hasDirectory) {
    const file = path.resolve(env.baseDir ?? process.cwd(), wanted);
    return env.isExecutable(file)
      ? { ok: true, path: file }
      : {
          ok: false,
          message: `${program}: "${file}" (setting ${setting}) is not an executable file.`,
        };
  }
  const name = wanted === '' ? program : wanted;
  for (const dir of env.pathVariable.split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    if (env.isExecutable(file)) return { ok: true, path: file };
  }
  return {
    ok: false,
    message:
      `${program}: "${name}" was not found on PATH. Build it (ninja -C build) and ` +
      `set ${setting} to its path, or put it on PATH.`,
  };
}
