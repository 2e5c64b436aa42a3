/** `quorum run FILE|-`: runs one program in the Docker sandbox, with the same hardening as an ask. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildPipeline } from '../core/pipeline';
import { runJson } from '../core/runJson';
import { runSummary } from '../core/runSummary';
import { pullProgressPrinter } from './progress';
import { isLanguage, SandboxError } from '../core/types';
import type { Language, RunResult } from '../core/types';
import { loadConfigFile } from './configFile';
import { EXIT, readAll, UsageError } from './io';
import type { CliIo, Subcommand } from './io';

export const RUN_HELP = `Usage: quorum run FILE|- [--lang LANG] [--image IMAGE] [--timeout SECONDS] [--stdin FILE] [--json]

Runs one program in a fresh, hardened Docker container (no network, read-only root, no host
environment) and prints its output. FILE '-' reads the program from standard input.

Options:
  --lang LANG        python | javascript | typescript | bash | rust | go (default: from the file
                     extension: .py .js .mjs .cjs .ts .sh .bash .rs .go)
  --image IMAGE      image to run it in (default: quorum.config.json sandbox.images, then public images)
  --timeout SECONDS  wall-clock limit, then the container is killed (default 10)
  --stdin FILE       file given to the program as its standard input
  --json             print one JSON object: language, exitCode, stdout, stderr, durationMs,
                     timedOut, oomKilled, outputTruncated, image, engine (the engine's address)
  --config FILE      config file (default: ./quorum.config.json)

Exit code: 0 when the program exited 0, 1 for anything else it did, 2 for bad usage or no sandbox.
The engine comes from sandbox.engines in the config (the one with most free capacity), else
sandbox.dockerHost, else DOCKER_HOST (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), else the local
socket. Any engine failure ends the run with exit code 2 and the engine's address in the message.`;

const BY_EXTENSION: Readonly<Record<string, Language>> = {
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.ts': 'typescript',
  '.sh': 'bash',
  '.bash': 'bash',
  '.rs': 'rust',
  '.go': 'go',
};

interface RunValues {
  lang?: string;
  image?: string;
  timeout?: string;
  stdin?: string;
  json?: boolean;
  config?: string;
  help?: boolean;
}

function readFile(file: string, cwd: string, what: string): string {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

function parse(args: readonly string[]): { values: RunValues; file: string } {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      lang: { type: 'string', short: 'l' },
      image: { type: 'string' },
      timeout: { type: 'string', short: 't' },
      stdin: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { values, file: '' };
  if (positionals.length !== 1) throw new UsageError('expected exactly one FILE (or - for standard input)');
  return { values, file: positionals[0] ?? '' };
}

export const runCommand: Subcommand = async (args, io: CliIo) => {
  let values: RunValues;
  let file: string;
  try {
    ({ values, file } = parse(args));
  } catch (error) {
    io.stderr.write(`quorum run: ${(error as Error).message}\n(quorum run --help for usage)\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(`${RUN_HELP}\n`);
    return EXIT.ok;
  }
  try {
    const language = values.lang ?? BY_EXTENSION[path.extname(file).toLowerCase()];
    if (!isLanguage(language)) {
      throw new UsageError(
        values.lang ? `unknown language "${values.lang}"` : 'say which language with --lang',
      );
    }
    const seconds = values.timeout === undefined ? undefined : Number(values.timeout);
    if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
      throw new UsageError(`--timeout needs a positive number of seconds, not "${values.timeout}"`);
    }
    const code = file === '-' ? await readAll(io.stdin) : readFile(file, io.cwd, 'program');
    const stdin = values.stdin ? readFile(values.stdin, io.cwd, '--stdin file') : undefined;
    const { config } = loadConfigFile(values.config, io.cwd);
    return await execute(io, values, {
      language,
      code,
      stdin,
      timeoutMs: seconds === undefined ? undefined : Math.round(seconds * 1000),
      config,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`quorum run: ${error.message}\n(quorum run --help for usage)\n`);
      return EXIT.usage;
    }
    if (SandboxError.is(error)) {
      io.stderr.write(`quorum run: ${error.message}\n${error.advice}\n`);
      return error.reason === 'cancelled' ? EXIT.failed : EXIT.usage;
    }
    throw error;
  }
};

async function execute(
  io: CliIo,
  values: RunValues,
  job: {
    language: Language;
    code: string;
    stdin?: string;
    timeoutMs?: number;
    config: ReturnType<typeof loadConfigFile>['config'];
  },
): Promise<number> {
  const pipeline = await buildPipeline({
    // One run: a warm container would only be created to be thrown away.
    config: { ...job.config, sandbox: { ...job.config.sandbox, enabled: true, poolSize: 0 } },
    models: [],
    keyFor: () => undefined,
    env: io.env,
    requireSandbox: true,
    onPullProgress: values.json ? undefined : pullProgressPrinter(io),
  });
  const sandbox = pipeline.sandbox;
  if (!sandbox) throw new Error('no sandbox'); // requireSandbox: the builder threw instead
  // Ctrl-C must not leave a running container behind.
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const result = await sandbox.run({
      language: job.language,
      code: job.code,
      stdin: job.stdin,
      image: values.image,
      limits: job.timeoutMs === undefined ? undefined : { timeoutMs: job.timeoutMs },
      signal: controller.signal,
    });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(runJson(result))}\n`);
    } else {
      io.stdout.write(result.stdout);
      io.stderr.write(result.stderr);
      io.stderr.write(`${summary(result)}\n`);
    }
    return result.exitCode === 0 && !result.timedOut ? EXIT.ok : EXIT.failed;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await pipeline.dispose();
  }
}

function summary(r: RunResult): string {
  return `[quorum run: ${runSummary(r)} (${r.image})]`;
}
