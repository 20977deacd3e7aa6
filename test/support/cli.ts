// Runs the bundled dist/cli.js (built by `npm test` before the CLI suites) as a user would.
import { execFile } from 'node:child_process';
import path from 'node:path';

export const repo = path.resolve(__dirname, '../..');
export const cliPath = path.join(repo, 'dist/cli.js');

export interface Run { code: number; stdout: string; stderr: string }

export function runCli(args: string[], options: { cwd?: string; input?: Buffer | string; timeout?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cliPath, ...args], { cwd: options.cwd ?? repo, timeout: options.timeout ?? 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}
