/**
 * The `vscode-lm` provider: a core `Provider` over VS Code's Language Model API, so the models of
 * Copilot or of any extension contributing language models are asked beside the key-based ones.
 * No key: the editor's own consent prompt applies on the first request. It lives in the host
 * because it needs `vscode`; the session sees an ordinary Provider (the pipeline's `extraProviders`).
 */
import * as vscode from 'vscode';
import { ProviderError } from '../../core/types';
import type { EditorModelConfig, LmSelector } from '../../core/editorModels';
import type { CompletionResult, ModelConfig, Provider, ProviderRequest, Usage } from '../../core/types';

export type { EditorModelConfig, LmSelector };

const DEFAULT_TIMEOUT_MS = 120_000;

export function describeSelector(selector: LmSelector): string {
  const parts = Object.entries(selector).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(', ') : 'any model';
}

/** LanguageModelError (no permission, blocked, not found) and the rest, as Quorum's failures with advice. */
export function providerErrorOf(error: unknown, model: string, partialText?: string): ProviderError {
  if (ProviderError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof vscode.LanguageModelError) {
    switch (error.code) {
      case vscode.LanguageModelError.NoPermissions().code:
        return new ProviderError(
          'auth',
          `VS Code did not allow Quorum to use ${model}: ${message}`,
          'Allow Quorum to use this model when VS Code asks (or under Accounts > Manage Language Model Access), then ask again.',
          undefined,
          partialText,
        );
      case vscode.LanguageModelError.Blocked().code:
        return new ProviderError(
          'rate-limit',
          `${model} refused the request: ${message}`,
          "The model's provider blocked it (quota, rate limit or content policy): wait, or ask another model.",
          undefined,
          partialText,
        );
      case vscode.LanguageModelError.NotFound().code:
        return new ProviderError(
          'unknown-model',
          `${model} is no longer available: ${message}`,
          'Check that the extension providing it is installed, enabled and signed in, or change the selector in quorum.models.',
          undefined,
          partialText,
        );
      default:
        break;
    }
  }
  return new ProviderError(
    'server',
    `${model} failed: ${message}`,
    'Look at the output of the extension that provides this model, then try again.',
    undefined,
    partialText,
  );
}

async function selectModel(config: EditorModelConfig): Promise<vscode.LanguageModelChat> {
  const [chosen] = await vscode.lm.selectChatModels({ ...config.selector });
  if (!chosen) {
    throw new ProviderError(
      'unknown-model',
      `No language model in VS Code matches ${describeSelector(config.selector)}.`,
      'Install and sign in to the extension that provides it (e.g. GitHub Copilot Chat), or change the selector of this model in quorum.models.',
    );
  }
  return chosen;
}

/** The API has no system role: the system prompt goes first, as the user's own words. */
function messagesOf(request: ProviderRequest): vscode.LanguageModelChatMessage[] {
  return request.messages.map((m) =>
    m.role === 'assistant'
      ? vscode.LanguageModelChatMessage.Assistant(m.content)
      : vscode.LanguageModelChatMessage.User(m.content),
  );
}

async function countUsage(
  chat: vscode.LanguageModelChat,
  messages: readonly vscode.LanguageModelChatMessage[],
  text: string,
): Promise<Usage | undefined> {
  try {
    const source = new vscode.CancellationTokenSource();
    const input = await Promise.all(messages.map((m) => chat.countTokens(m, source.token)));
    return { inputTokens: input.reduce((a, b) => a + b, 0), outputTokens: await chat.countTokens(text) };
  } catch {
    return undefined; // a provider without token counts still answers
  }
}

export function createVscodeLmProvider(config: EditorModelConfig): Provider {
  return {
    // The session reads id, model, price and timeout from here; `kind` is shown as-is.
    config: config as unknown as ModelConfig,
    async complete(request: ProviderRequest): Promise<CompletionResult> {
      const started = performance.now();
      const source = new vscode.CancellationTokenSource();
      let reason: 'cancelled' | 'timeout' | undefined;
      const stop = (why: 'cancelled' | 'timeout'): void => {
        reason ??= why;
        source.cancel();
      };
      const onAbort = (): void => stop('cancelled');
      if (request.signal.aborted) onAbort();
      request.signal.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => stop('timeout'), config.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      let text = '';
      let ttftMs: number | undefined;
      const name = `${config.id} (${describeSelector(config.selector)})`;
      try {
        const chat = await selectModel(config);
        const messages = messagesOf(request);
        const response = await chat.sendRequest(
          messages,
          { justification: 'Quorum asks several models for code and runs their answers.' },
          source.token,
        );
        for await (const piece of response.text) {
          if (reason) break;
          ttftMs ??= performance.now() - started;
          text += piece;
          request.onDelta(piece);
        }
        if (reason === 'cancelled')
          throw new ProviderError('cancelled', 'Cancelled', 'Run the ask again when ready.', undefined, text);
        if (reason === 'timeout')
          throw new ProviderError(
            'timeout',
            `${name} did not finish within ${config.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`,
            'Try again, or raise timeoutMs of this model in quorum.models.',
            undefined,
            text,
          );
        const usage = await countUsage(chat, messages, text);
        return { text, usage, ttftMs, latencyMs: performance.now() - started, finishReason: 'stop' };
      } catch (error) {
        if (reason === 'cancelled' && !ProviderError.is(error))
          throw new ProviderError('cancelled', 'Cancelled', 'Run the ask again when ready.', undefined, text);
        throw providerErrorOf(error, name, text || undefined);
      } finally {
        clearTimeout(timer);
        request.signal.removeEventListener('abort', onAbort);
        source.dispose();
      }
    },
  };
}
