/** `quorum`: the Quorum pipeline from a terminal. Each subcommand lives in src/cli/. */
import { askCommand } from './cli/ask';
import { demoCommand } from './cli/demo';
import { enginesCommand } from './cli/engines';
import { judgeCommand } from './cli/judge';
import { mcpCommand } from './cli/mcp';
import { runCommand } from './cli/run';
import { serveCommand } from './cli/serve';
import { statsCommand } from './cli/stats';
import { EXIT, UsageError } from './cli/io';
import type { CliIo, Subcommand } from './cli/io';

const HELP = `Usage: quorum <command> [options]

Commands:
  ask "PROMPT"   ask every configured model, run each answer in the sandbox, judge
  run FILE|-     run one program in the sandbox
  engines        list the sandbox engines: version, state, pool, running
  judge FILE     judge given candidates (and tests) by running them in the sandbox
  demo           the whole pipeline on recorded answers: no key, no network needed
  mcp            serve run_code, ask_models and judge to agents (Model Context Protocol, stdio)
  serve          the verification gateway over HTTP (runs, SSE events, execute, judge)
  stats          each model's record: asks, picks, win rate, verified, fixes, cost, wins per dollar

Run 'quorum <command> --help' for a command's options.`;

const COMMANDS: Readonly<Record<string, Subcommand>> = {
  ask: askCommand,
  run: runCommand,
  engines: enginesCommand,
  judge: judgeCommand,
  demo: demoCommand,
  mcp: mcpCommand,
  serve: serveCommand,
  stats: statsCommand,
};

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP + '\n');
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`quorum: unknown command "${name}"\n\n${HELP}\n`);
    return EXIT.usage;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.stderr.write(`quorum ${name}: ${(error as Error).message}\n`);
    if (usage) io.stderr.write(`Run 'quorum ${name} --help' for usage.\n`);
    return usage ? EXIT.usage : EXIT.failed;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`quorum: ${String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
