/**
 * Whether a vendor's key (OPENAI_API_KEY, GROQ_API_KEY) may follow a config's `baseUrl`.
 *
 * A config file found in the current folder comes with the repository the user cloned, so it is
 * untrusted, like a workspace in Restricted Mode: a model of kind openai or groq it names gets the
 * vendor's key only at the vendor's own host. The user vouches for anything else outside the
 * repository: their own config (~/.config/quorum/config.json or $QUORUM_CONFIG), a
 * QUORUM_<ID>_API_KEY for that one model, or `--trust-config`.
 */
import type { ModelConfig, ProviderKind } from './types';

export interface ConfigTrust {
  /** The user vouched for the whole file: it is their own config, or they passed --trust-config. */
  readonly trusted: boolean;
  /** Where the config came from, named in messages ("/repo/quorum.config.json"). */
  readonly source: string;
  /** Endpoints the user's own config names (`kind baseUrl`): a vendor key may go there too. */
  readonly userEndpoints: readonly string[];
}

/** A config built in code (tests, the editor's settings): nobody else wrote it. */
export const TRUSTED_CONFIG: ConfigTrust = Object.freeze({
  trusted: true,
  source: 'the program',
  userEndpoints: Object.freeze([]),
});

/** The host each vendor's key belongs to; kinds without an entry have no vendor-wide key. */
export const VENDOR_HOSTS: Readonly<Partial<Record<ProviderKind, string>>> = Object.freeze({
  openai: 'api.openai.com',
  groq: 'api.groq.com',
});

/** `kind baseUrl` with the URL normalised (case of the host, a trailing slash), for comparison. */
export function endpointOf(model: Pick<ModelConfig, 'kind' | 'baseUrl'>): string {
  let url = model.baseUrl ?? '';
  try {
    url = new URL(url).href.replace(/\/+$/, '');
  } catch {
    // kept as written: an unparsable URL only ever equals itself
  }
  return `${model.kind} ${url}`;
}

/** True when the model's requests go to its vendor's own host over https (or to the default URL). */
export function atVendorHost(model: Pick<ModelConfig, 'kind' | 'baseUrl'>): boolean {
  const host = VENDOR_HOSTS[model.kind];
  if (!host) return false;
  if (model.baseUrl === undefined) return true;
  try {
    const url = new URL(model.baseUrl);
    return url.protocol === 'https:' && url.hostname.toLowerCase() === host && url.port === '';
  } catch {
    return false;
  }
}

/** Whether the vendor-wide key of this model's kind may be sent where the model points. */
export function vendorKeyAllowed(model: ModelConfig, trust: ConfigTrust): boolean {
  return trust.trusted || atVendorHost(model) || trust.userEndpoints.includes(endpointOf(model));
}

/** What the user reads when a vendor key is held back from a model, and how to send it anyway. */
export function withheldKeyMessage(
  model: ModelConfig,
  vendorVar: string,
  ownVar: string,
  trust: ConfigTrust,
): string {
  return (
    `${model.id}: not sending ${vendorVar} to ${model.baseUrl ?? '?'}: that address comes from ${trust.source}, ` +
    `which is not your own config, and ${vendorVar} belongs to ${VENDOR_HOSTS[model.kind] ?? 'its vendor'}. ` +
    `If you trust this endpoint, set ${ownVar} for this model, list the model in your user config ` +
    `(~/.config/quorum/config.json or $QUORUM_CONFIG), or pass --trust-config.`
  );
}
