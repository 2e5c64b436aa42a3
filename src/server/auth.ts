/**
 * Bearer tokens, compared in constant time: each token and the presented one are hashed to equal
 * lengths first, so neither a token's content nor its length leaks through timing. Without tokens
 * the gateway is reachable from this machine only.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export interface TokenCheck {
  /** True when tokens are configured (the server requires one). */
  readonly required: boolean;
  /** A short, non-secret name for the token in the header (its index), or undefined when it is wrong. */
  identify(authorization: string | undefined): string | undefined;
}

export function tokenCheck(tokens: readonly string[]): TokenCheck {
  const digests = tokens.map(digest);
  return {
    required: digests.length > 0,
    identify(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      const presented = digest(match?.[1] ?? '');
      let found: number | undefined;
      // Every token is compared, whether or not an earlier one matched.
      digests.forEach((d, i) => {
        if (timingSafeEqual(d, presented) && match) found = i;
      });
      return found === undefined ? undefined : `token-${found}`;
    },
  };
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

/** A host to listen on that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}
