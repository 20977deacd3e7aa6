// Whether VS Code would activate the extension in a folder: the `workspaceContains:` globs of package.json's
// activationEvents matched against the folder's files, as VS Code's search does (issue 20: activation in a
// workspace that is not an ESP-IDF project should cost nothing, because nothing activates).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';

const REPO = path.resolve(import.meta.dirname, '../..');

/** The activation event that fires for `folder`, or undefined. */
export function activationEventFor(folder) {
  const events = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).activationEvents;
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p); else files.push(path.relative(folder, p).split(path.sep).join('/'));
    }
  };
  walk(folder);
  return events.filter((e) => e.startsWith('workspaceContains:')).find((e) => {
    const isMatch = picomatch(e.slice('workspaceContains:'.length), { dot: true });
    return files.some((f) => isMatch(f));
  });
}

/** Two folders that are not ESP-IDF projects: a plain CMake project, and one with a main/ folder (which activates; the server then stays silent). */
export function plainFolders() {
  const make = (files) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'esp-tls-lens-bench-plain-'));
    for (const [rel, text] of Object.entries(files)) { mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true }); writeFileSync(path.join(dir, rel), text); }
    return dir;
  };
  const top = 'cmake_minimum_required(VERSION 3.16)\nproject(plain C)\n';
  return {
    cmake: make({ 'CMakeLists.txt': top + 'add_executable(app app.c)\n', 'app.c': 'int main(void) { return 0; }\n', 'build.log': 'ok\n' }),
    cmakeWithMain: make({ 'CMakeLists.txt': top + 'add_subdirectory(main)\n', 'main/CMakeLists.txt': 'add_executable(app app.c)\n', 'main/app.c': 'int main(void) { return 0; }\n' }),
  };
}
