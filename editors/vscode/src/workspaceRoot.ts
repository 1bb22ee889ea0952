// Which directory the graph, build and check commands run in: the DataBuild
// workspace root (the nearest directory upwards holding workspace.dbuild) of the
// file being edited, so a VS Code folder holding several workspaces, or a
// workspace below the opened folder, still works. Free of the vscode API for tests.
import * as fs from 'fs';
import * as path from 'path';

export function findWorkspaceRoot(
  startDir: string,
  exists: (file: string) => boolean = fs.existsSync,
): string | undefined {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    if (exists(path.join(dir, 'workspace.dbuild'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
