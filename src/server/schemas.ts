/**
 * Request bodies, as zod schemas: Fastify validates with them (a bad body is a 400 naming the
 * field) and @fastify/swagger turns them into /openapi.json. The judge body is `quorum judge`'s
 * file; the inference body is the original gateway's.
 */
import { z } from 'zod';
import { JUDGE_INPUT } from '../core/agentTools';
import { INTENTS, LANGUAGES } from '../core/types';
import { ASK_STRATEGIES } from '../core/strategy/types';

const modelIds = z
  .array(z.string().min(1))
  .min(1)
  .max(32)
  .describe('Ids of configured models (GET /v1/models); default: every enabled one.');

export const askBody = z
  .object({
    prompt: z.string().min(1).max(100_000).describe('What the models should write.'),
    language: z.enum(LANGUAGES).optional(),
    intent: z.enum(INTENTS).optional(),
    context: z.string().max(200_000).optional().describe('Existing code sent with the prompt.'),
    models: modelIds.optional(),
    execute: z.boolean().optional().describe('Run the answers in the sandbox (default true).'),
    strategy: z
      .enum(ASK_STRATEGIES)
      .optional()
      .describe(
        "Whom to ask: every model (all), tier by tier until the verdict is verified and confident (cascade), or within budgetUsd (budget); default: the server's config.",
      ),
    budgetUsd: z
      .number()
      .positive()
      .max(1000)
      .optional()
      .describe('The budget strategy: the most this ask may cost, in USD (estimated before asking).'),
    project: z
      .object({
        archive: z
          .string()
          .min(1)
          .describe(
            'base64 of a tar.gz of the project folder: regular files and folders only (no links, no absolute or ../ paths); .git and devcontainer files are ignored.',
          ),
        file: z.string().min(1).max(1000).describe('The edited file, relative to the project folder.'),
        range: z
          .object({ startLine: z.number().int().min(1), endLine: z.number().int().min(1) })
          .strict()
          .optional()
          .describe('Lines of the file to change (1-based, inclusive).'),
      })
      .strict()
      .optional()
      .describe(
        "An edit ask of a project (quorum ask --file F --project DIR --server URL): each answer is applied to a copy of it and checked against the project's own tests; the body may then be up to server.maxUploadBytes.",
      ),
  })
  .strict();
export type AskInput = z.infer<typeof askBody>;

export const executeBody = z
  .object({
    code: z.string().min(1),
    language: z.enum(LANGUAGES),
    stdin: z.string().optional(),
    args: z.array(z.string()).max(64).optional(),
    timeoutMs: z.number().int().min(100).max(600_000).optional(),
  })
  .strict();
export type ExecuteInput = z.infer<typeof executeBody>;

export const judgeBody = z.object({ ...JUDGE_INPUT, context: z.string().optional() }).strict();

export const inferenceBody = z
  .object({
    prompt: z.string().min(1).max(100_000),
    execute_code: z.boolean().optional().describe('Run the extracted code (default true).'),
    models: modelIds.optional(),
  })
  .strict();

export const runParams = z.object({ id: z.string().min(1).max(100) });

export const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }).strict();
