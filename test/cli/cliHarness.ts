/** Runs the CLI's `main` in-process with captured streams, as a terminal would call it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; stdin?: string } = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(args, {
    stdout,
    stderr,
    stdin: Readable.from([options.stdin ?? '']),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout: out, stderr: err };
}

/** A temp working directory holding `quorum.config.json` with the given content. */
export function dirWithConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-cli-'));
  writeFileSync(join(dir, 'quorum.config.json'), JSON.stringify(config, null, 2));
  return dir;
}
