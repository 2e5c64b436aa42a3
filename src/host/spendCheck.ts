/**
 * Spend before fan-out in the host: the same messages the session will build, counted and priced for
 * the models the ask would use, shown in the panel before Run and confirmed above
 * `quorum.confirmAboveUsd`.
 */
import * as vscode from 'vscode';
import { buildMessages } from '../core/prompt';
import { estimateSpend, formatUsd } from '../core/spend';
import type { SpendEstimate } from '../core/spend';
import type { Intent } from '../core/types';
import { sendableSelection, sentContextOf } from './contextPreview';
import type { HostServices } from './services';

export async function estimateAsk(
  s: HostServices,
  instruction: string,
  intent: Intent,
  modelIds?: readonly string[],
): Promise<SpendEstimate> {
  const selection = sendableSelection(s);
  const config = s.settings.config;
  const language = selection?.language ?? config.language ?? 'python';
  const messages = buildMessages(
    { instruction, intent, context: selection?.text || undefined, contextFile: selection?.file, language },
    language,
    config.systemPrompt,
  );
  const models = s.runner.models().filter((m) => (modelIds ? modelIds.includes(m.id) : m.enabled));
  const estimate = await estimateSpend(messages, models);
  return { ...estimate, context: sentContextOf(s) };
}

/** Asks the user whether to send; replaceable so the integration test can answer without a modal. */
export type SpendPrompt = (message: string, detail: string | undefined) => Promise<boolean>;

const modalPrompt: SpendPrompt = async (message, detail) =>
  (await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Send')) === 'Send';
let prompt: SpendPrompt = modalPrompt;

export function setSpendPrompt(replacement: SpendPrompt | undefined): void {
  prompt = replacement ?? modalPrompt;
}

/** True when the ask may go out: under the threshold, no priced model, or the user said Send. */
export async function confirmSpend(
  s: HostServices,
  instruction: string,
  intent: Intent,
  modelIds?: readonly string[],
): Promise<boolean> {
  if (s.demo.active) return true; // recorded answers cost nothing
  // No priced model, nothing to confirm: do not delay the ask by loading a tokenizer.
  const asked = s.runner.models().filter((m) => (modelIds ? modelIds.includes(m.id) : m.enabled));
  if (!asked.some((m) => m.price)) return true;
  const threshold = s.settings.confirmAboveUsd;
  const estimate = await estimateAsk(s, instruction, intent, modelIds);
  if (estimate.inputUsd === undefined || estimate.inputUsd <= threshold) return true;
  const tokens = estimate.models.reduce((sum, m) => sum + m.inputTokens, 0);
  return prompt(
    `Quorum: this ask sends about ${tokens.toLocaleString('en-US')} input tokens to ${estimate.models.length} ` +
      `model(s), about ${formatUsd(estimate.inputUsd)} before any output ` +
      `(above quorum.confirmAboveUsd = ${formatUsd(threshold)}).`,
    estimate.estimated ? 'Some counts are estimates (characters / 4).' : undefined,
  );
}
