// Running long setup steps and installing Debian packages: shared by the editor setup
// (scripts/editor/codeserver.mjs) and the Mbed TLS build (scripts/mbedtls/build.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

export const dpkgInstalled = (pkg) =>
  /Status: install ok installed/.test(spawnSync('dpkg', ['-s', pkg], { encoding: 'utf8' }).stdout || '');

/**
 * Runs `argv` with its output in `logFile`, printing a line every 15 s with the log's last line, so that a
 * step of minutes (compiling code-server, installing Chromium) shows it is alive. Returns spawnSync's result.
 */
export function runLogged(argv, { logFile, label, env, cwd }) {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const script = `log="$1"; label="$2"; shift 2; "$@" >"$log" 2>&1 & pid=$!; t=0
    while kill -0 $pid 2>/dev/null; do sleep 1; t=$((t+1))
      if [ $((t % 15)) -eq 0 ] && kill -0 $pid 2>/dev/null; then printf '%s\\n' "$label ... still running (\${t} s): $(tail -n 1 "$log" | cut -c1-100)"; fi
    done; wait $pid`;
  return spawnSync('sh', ['-c', script, 'sh', logFile, label, ...argv], { env, cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

export const logTail = (logFile) => { try { return readFileSync(logFile, 'utf8').trim().slice(-2000); } catch { return ''; } };

/**
 * apt-get install of `packages` (retried once after apt-get update, for the stale lists of a fresh
 * container). Returns undefined, or why it failed; the caller decides what that means.
 */
export function aptInstall(packages, { logFile, label, log, recommends = true }) {
  const t0 = Date.now();
  log(`apt-get install ${packages.join(' ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => runLogged(['apt-get', 'install', '-y', '-qq', ...(recommends ? [] : ['--no-install-recommends']), ...packages], { logFile, label: `${label} apt-get install`, env });
  let r = install();
  if (r.status !== 0) {
    log('apt-get install failed; running apt-get update and retrying');
    runLogged(['apt-get', 'update', '-qq'], { logFile, label: `${label} apt-get update`, env });
    r = install();
  }
  if (r.status !== 0) return `apt-get install ${packages.join(' ')} failed (full log: ${logFile}):\n${logTail(logFile)}`;
  log(`apt packages installed (${seconds(t0)})`);
  return undefined;
}
