/**
 * Quorum's Language Model Tools, for Copilot's agent mode and any extension that calls tools:
 * `quorum_run_code` runs a snippet in the sandbox, `quorum_verify` asks the configured models for a
 * solution, runs and judges their answers. Both ask the user first (confirmation messages), both
 * refuse in Restricted Mode, and both check their input against the schema package.json declares
 * (the editor passes tool input through unchecked).
 */
import * as vscode from 'vscode';
import type * as AgentTools from '../../core/agentTools';
import type { AskModelsInput, RunCodeInput } from '../../core/agentTools';
import { SandboxError } from '../../core/types';
import { NoModelsError } from '../askRunner';
import type { HostServices } from '../services';

export const TOOL_NAMES = { runCode: 'quorum_run_code', verify: 'quorum_verify' } as const;

/** Zod and the summaries load on the first call, not at activation. */
const loadAgentTools = (): Promise<typeof AgentTools> => import('../../core/agentTools.js');

/** A fence longer than any backtick run in the code, so the code cannot end it. */
export function fenced(code: string, language = ''): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${code}${code.endsWith('\n') ? '' : '\n'}${fence}`;
}

function textResult(value: unknown): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(value))]);
}

/** Errors the model (and the user) can act on: the message plus Quorum's advice. */
function explained(error: unknown): Error {
  if (SandboxError.is(error)) return new Error(`${error.message} ${error.advice}`);
  if (error instanceof NoModelsError) return new Error(`${error.message} ${error.advice}`);
  return error instanceof Error ? error : new Error(String(error));
}

function refuseWhenBlocked(s: HostServices): void {
  const blocked = s.sandbox.blockedReason;
  if (blocked) throw new Error(`Quorum: ${blocked}`);
}

class RunCodeTool implements vscode.LanguageModelTool<RunCodeInput> {
  constructor(private readonly s: HostServices) {}

  prepareInvocation(
    options: vscode.LanguageModelToolInvocationPrepareOptions<RunCodeInput>,
  ): vscode.PreparedToolInvocation {
    // Nothing will run when blocked (invoke refuses), so there is nothing to confirm.
    if (this.s.sandbox.blockedReason)
      return { invocationMessage: 'Quorum: running code is not allowed here' };
    const { code, language } = options.input;
    const limits = this.s.settings.config.sandbox.limits;
    return {
      invocationMessage: `Running ${String(language)} in the Quorum sandbox`,
      confirmationMessages: {
        title: `Quorum: run this ${String(language)} code in the sandbox?`,
        message: new vscode.MarkdownString(
          `It runs in a Docker container with no network and a read-only root, for at most ` +
            `${limits.timeoutMs / 1000} s and ${limits.memoryMiB} MiB.\n\n${fenced(String(code), String(language))}`,
        ),
      },
    };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<RunCodeInput>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    refuseWhenBlocked(this.s);
    const { parseToolInput, runCodeInput, runForAgent } = await loadAgentTools();
    const input = parseToolInput(runCodeInput, options.input);
    const lease = await this.s.sandbox.forAsk();
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      if (!lease.sandbox) throw new Error(`Quorum cannot run code: ${lease.engineProblem ?? 'no sandbox.'}`);
      const run = await lease.sandbox.run({
        code: input.code,
        language: input.language,
        stdin: input.stdin,
        args: input.args,
        limits: input.timeoutSeconds ? { timeoutMs: Math.round(input.timeoutSeconds * 1000) } : undefined,
        signal: controller.signal,
      });
      return textResult(runForAgent(run));
    } catch (error) {
      throw explained(error);
    } finally {
      cancel.dispose();
      lease.release();
    }
  }
}

class VerifyTool implements vscode.LanguageModelTool<AskModelsInput> {
  constructor(private readonly s: HostServices) {}

  prepareInvocation(
    options: vscode.LanguageModelToolInvocationPrepareOptions<AskModelsInput>,
  ): vscode.PreparedToolInvocation {
    if (this.s.sandbox.blockedReason)
      return { invocationMessage: 'Quorum: running code is not allowed here' };
    const wanted = Array.isArray(options.input.models) ? options.input.models : undefined;
    const models = this.s.runner
      .models()
      .filter((m) => (wanted ? wanted.includes(m.id) : m.enabled))
      .map((m) => `\`${m.id}\``);
    return {
      invocationMessage: `Asking ${models.length} model(s) through Quorum and running their answers`,
      confirmationMessages: {
        title: 'Quorum: ask the models and run their answers?',
        message: new vscode.MarkdownString(
          `Sends the prompt to ${models.join(', ') || 'no model'}, runs each answer in the Docker ` +
            `sandbox and lets the judge pick.\n\n> ${String(options.input.prompt).replace(/\n/g, '\n> ')}`,
        ),
      },
    };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<AskModelsInput>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    refuseWhenBlocked(this.s);
    const { parseToolInput, askModelsInput, askSummary } = await loadAgentTools();
    const input = parseToolInput(askModelsInput, options.input);
    const editorModels = this.s.settings.config.editorModels ?? [];
    const known = new Set([...this.s.runner.models(), ...editorModels].map((m) => m.id));
    const unknown = input.models?.filter((id) => !known.has(id)) ?? [];
    if (unknown.length) throw new Error(`Quorum: no model with id ${unknown.join(', ')} in quorum.models.`);
    try {
      const record = await this.s.runner.ask(
        {
          instruction: input.prompt,
          context: input.context,
          language: input.language,
          intent: input.intent ?? (input.context ? 'review' : 'generate'),
        },
        { modelIds: input.models, token },
      );
      return textResult(askSummary(record));
    } catch (error) {
      throw explained(error);
    }
  }
}

export interface QuorumTools {
  readonly runCode: vscode.LanguageModelTool<RunCodeInput>;
  readonly verify: vscode.LanguageModelTool<AskModelsInput>;
}

export function createQuorumTools(s: HostServices): QuorumTools {
  return { runCode: new RunCodeTool(s), verify: new VerifyTool(s) };
}

export function registerQuorumTools(tools: QuorumTools): vscode.Disposable[] {
  return [
    vscode.lm.registerTool(TOOL_NAMES.runCode, tools.runCode),
    vscode.lm.registerTool(TOOL_NAMES.verify, tools.verify),
  ];
}
