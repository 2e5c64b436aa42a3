/**
 * Turns the facts of a failed request into a `ProviderError` whose advice tells the user what to do.
 * Advice is written for both surfaces: the VS Code command and the CLI's environment variable.
 */
import { ProviderError } from '../types';
import type { ProviderKind, Usage } from '../types';
import type { FailureFacts } from './errorFacts';

/** Who we are talking to, for messages. */
export interface VendorIdentity {
  readonly kind: ProviderKind;
  /** Label for messages: "OpenAI", "Groq", "Ollama", or the compatible server's host. */
  readonly vendor: string;
  /** The environment variable the CLI reads the key from; undefined when no key is used. */
  readonly envVar?: string;
  readonly baseUrl: string;
  readonly model: string;
}

export interface PartialState {
  readonly text: string;
  readonly usage?: Usage;
}

export function keyAdvice(who: VendorIdentity): string {
  const env = who.envVar ? ` (or the ${who.envVar} environment variable for the CLI)` : '';
  return `${who.vendor} rejected the API key; set it with 'Quorum: Set API Key'${env}.`;
}

export function unknownModelError(
  who: VendorIdentity,
  available: readonly string[] | undefined,
): ProviderError {
  const advice =
    available && available.length > 0
      ? `${who.vendor} has no model '${who.model}'. The server has: ${available.slice(0, 20).join(', ')}${available.length > 20 ? ', …' : ''}.`
      : `${who.vendor} has no model '${who.model}'; check the model name and the base URL (${who.baseUrl}).`;
  return new ProviderError('unknown-model', `Unknown model '${who.model}' at ${who.vendor}`, advice, 404);
}

/** Maps a failure that happened before any answer text arrived (or that is not a cut stream). */
export function errorFromFacts(
  facts: FailureFacts,
  who: VendorIdentity,
  partial: PartialState,
): ProviderError {
  const keep = (
    code: ConstructorParameters<typeof ProviderError>[0],
    message: string,
    advice: string,
  ): ProviderError =>
    new ProviderError(code, message, advice, facts.status, partial.text || undefined, partial.usage);
  const { status } = facts;
  if (facts.connectionRefused && who.kind === 'ollama') {
    return keep(
      'connection',
      `Connection refused at ${who.baseUrl}`,
      `Ollama is not running at ${who.baseUrl}; start it with \`ollama serve\`.`,
    );
  }
  if (facts.connectionRefused || facts.connectionFailed) {
    return keep(
      'connection',
      `Could not reach ${who.vendor}: ${facts.message}`,
      `Check the base URL (${who.baseUrl}) and your network connection.`,
    );
  }
  if (status === 401 || status === 403)
    return keep('auth', `${who.vendor} answered ${status}: ${facts.message}`, keyAdvice(who));
  if (status === 429) {
    return keep(
      'rate-limit',
      `${who.vendor} rate limit: ${facts.message}`,
      `${who.vendor} is rate-limiting this key; wait a minute or lower the number of parallel models.`,
    );
  }
  if (status !== undefined && status >= 500) {
    return keep(
      'server',
      `${who.vendor} server error ${status}: ${facts.message}`,
      `${who.vendor} is having trouble; try again shortly or disable this model.`,
    );
  }
  if (status !== undefined && status >= 400) {
    return keep(
      'bad-request',
      `${who.vendor} refused the request (${status}): ${facts.message}`,
      `Check the model settings (temperature, maxTokens) for '${who.model}'.`,
    );
  }
  if (facts.malformed) {
    return keep(
      'bad-response',
      `${who.vendor} sent a malformed response: ${facts.message}`,
      `The server at ${who.baseUrl} does not speak the expected protocol; check the base URL and provider kind.`,
    );
  }
  return keep(
    'bad-response',
    `${who.vendor} request failed: ${facts.message}`,
    `Try again; if it persists, check the base URL (${who.baseUrl}).`,
  );
}

export function incompleteError(who: VendorIdentity, partial: PartialState, cause: string): ProviderError {
  return new ProviderError(
    'incomplete',
    `The answer from ${who.vendor} was cut off: ${cause}`,
    'The partial answer is kept and marked incomplete; ask again for a full answer.',
    undefined,
    partial.text,
    partial.usage,
  );
}
