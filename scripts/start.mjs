// `npm start`: opens a fresh copy of the demo project (test/fixtures/demo-project, copied outside the
// repository on every run, auto-save off) in VS Code with the extension loaded.
//   - a desktop `code` on PATH: `code --extensionDevelopmentPath=<repo> <demo>` (loads dist/ straight from the repo)
//   - otherwise: code-server on 127.0.0.1 (PORT or a free port) with the packaged vsix installed into a
//     persistent profile (.cache/editor/start-profile), until Ctrl+C.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CACHE, REPO, SetupError, ensureInstalled, ensureVsix, freshStartDemo, startCodeServer } from './editor/codeserver.mjs';

const log = (m) => console.log(`[start] ${m}`);
const DEMO = freshStartDemo();
log(`demo project copied to ${DEMO} (made afresh on every run; your edits there never reach the repository)`);

if (spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0) {
  log(`desktop VS Code found: code --extensionDevelopmentPath=${REPO} ${DEMO}`);
  const r = spawnSync('code', [`--extensionDevelopmentPath=${REPO}`, DEMO], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

try {
  ensureInstalled({ log });
} catch (e) {
  console.error(`[start] cannot run code-server here: ${e instanceof SetupError ? e.message : e.stack}`);
  process.exit(1);
}
const vsix = ensureVsix({ log });
// The profile persists (settings, opened editors, UI state) across runs; only the extension is replaced.
const server = await startCodeServer({
  folder: DEMO, vsix, port: process.env.PORT, profileDir: path.join(CACHE, 'start-profile'), log,
});
console.log(`\n  ESP-IDF TLS Lens demo is running.\n\n  Open ${server.url}\n\n  (code-server log: ${server.logFile}; Ctrl+C to stop)\n`);
// Ctrl+C stops the server's process group (codeserver.mjs installs the handler); if it dies on its own, say so.
const { code, signal } = await server.exited;
if (server.stopped) await new Promise(() => {}); // we are stopping it (Ctrl+C): the signal handler exits
console.error(`[start] code-server exited (code ${code}, signal ${signal}); log: ${server.logFile}`);
await server.stop();
process.exit(1);
