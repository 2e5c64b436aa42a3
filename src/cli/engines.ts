/** `quorum engines`: each sandbox engine with its version, state, pool and running count. */
import { parseArgs } from 'node:util';
import { createDockerSandbox } from '../core/sandbox/docker';
import type { EngineStatus } from '../core/sandbox/docker';
import { loadConfigFile } from './configFile';
import { EXIT, UsageError } from './io';
import type { CliIo, Subcommand } from './io';

export const ENGINES_HELP = `Usage: quorum engines [--json] [--config FILE]

Lists the sandbox engines of the config (sandbox.engines; else sandbox.dockerHost, DOCKER_HOST or
the local socket): address, engine version, state (up / down with the reason), containers waiting
in this process's pool and runs under way, and the engine's run capacity and weight.

Options:
  --json         one JSON array of { engine, state, version, reason, pool, running, maxConcurrent, weight }
  --config FILE  config file (default: ./quorum.config.json)

Exit code: 0 when every engine answers, 1 when at least one is down, 2 for bad usage.`;

export const enginesCommand: Subcommand = async (args, io: CliIo) => {
  let values: { json?: boolean; config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        json: { type: 'boolean' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr.write(`quorum engines: ${(error as Error).message}\n(quorum engines --help for usage)\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(`${ENGINES_HELP}\n`);
    return EXIT.ok;
  }
  let config;
  try {
    ({ config } = loadConfigFile(values.config, io.cwd));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`quorum engines: ${error.message}\n`);
    return EXIT.usage;
  }
  const sandbox = createDockerSandbox({
    dockerHost: config.sandbox.dockerHost,
    engines: config.sandbox.engines,
    env: io.env,
    poolSize: 0,
  });
  try {
    const engines = await sandbox.engines();
    io.stdout.write(values.json ? `${JSON.stringify(engines)}\n` : table(engines));
    return engines.every((e) => e.state === 'up') ? EXIT.ok : EXIT.failed;
  } finally {
    await sandbox.dispose();
  }
};

function table(engines: readonly EngineStatus[]): string {
  const rows = [
    ['ENGINE', 'STATE', 'VERSION', 'POOL', 'RUNNING', 'CAPACITY', 'WEIGHT'],
    ...engines.map((e) => [
      e.engine,
      e.state,
      e.version ?? '-',
      String(e.pool),
      String(e.running),
      String(e.maxConcurrent),
      String(e.weight),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  const reasons = engines.filter((e) => e.reason).map((e) => `${e.engine}: ${e.reason}`);
  return `${[...lines, ...reasons].join('\n')}\n`;
}
