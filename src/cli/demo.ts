/** `quorum demo`: the real pipeline, through the real SDKs, against a local server replaying recorded answers. */
import { parseArgs } from 'node:util';
import { startReplayServer } from '../demo/replayServer';
import { DEMO_LABEL, DEMO_MODELS, DEMO_PROMPT } from '../demo/recordings';
import { loadConfigFile } from './configFile';
import { executeAsk } from './ask';
import { EXIT } from './io';
import type { Subcommand } from './io';

export const DEMO_HELP = `Usage: quorum demo ["PROMPT"] [--image IMAGE] [--no-run] [--json | --format markdown]

Starts a loopback server that speaks the OpenAI, Groq and Ollama wire protocols and replays
recorded answers, points four demo models at it, and runs the real pipeline: streaming, extraction,
the Docker sandbox and the judge. No key and no network are needed. The answers are RECORDED.

To use real models instead: export OPENAI_API_KEY or GROQ_API_KEY (or start Ollama with
'ollama serve'), list the models in quorum.config.json, and run 'quorum ask "PROMPT"'.`;

export const demoCommand: Subcommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      image: { type: 'string' },
      config: { type: 'string' },
      'no-run': { type: 'boolean' },
      json: { type: 'boolean' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(DEMO_HELP + '\n');
    return EXIT.ok;
  }
  // Sandbox settings (images, limits, engine) still come from the config file when there is one.
  const { config } = loadConfigFile(values.config, io.cwd);
  const server = await startReplayServer();
  try {
    io.stderr.write(`quorum demo: ${DEMO_LABEL}\n`);
    return await executeAsk(
      {
        request: {
          instruction: positionals.join(' ').trim() || DEMO_PROMPT,
          intent: 'generate',
          language: 'python',
        },
        models: DEMO_MODELS(server.url),
        config,
        keyFor: () => 'demo-key-not-secret',
        execute: !values['no-run'],
        image: values.image,
        format: values.json ? 'json' : values.format === 'markdown' ? 'markdown' : 'text',
        demo: true,
      },
      io,
    );
  } finally {
    await server.close();
  }
};
