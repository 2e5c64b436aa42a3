/**
 * Bearer tokens, held only as SHA-256 digests (a config may list them as `sha256:<hex>`, so the
 * token itself is written nowhere on the server) and compared in constant time: the presented
 * token is hashed to the same length first, and every digest is compared, so neither a token's
 * content nor its length leaks through timing. A caller is named by its token's id (`t:` and 16
 * hex digits of the digest): runs are stored under it, never under the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Who is calling: the owner id their runs are stored under, and whether they see every run. */
export interface Caller {
  readonly owner: string;
  readonly admin: boolean;
}

/** The caller of a gateway without tokens (this machine only): it owns and sees every run. */
export const LOCAL_CALLER: Caller = Object.freeze({ owner: 'local', admin: true });

export interface TokenCheck {
  /** True when tokens are configured (the server requires one). */
  readonly required: boolean;
  /** The caller the Authorization header names, or undefined when its token is wrong. */
  identify(authorization: string | undefined): Caller | undefined;
}

/** A configured token's digest: `sha256:<64 hex>` as written, else the digest of the token. */
export function tokenDigest(token: string): Buffer {
  const stored = /^sha256:([0-9a-f]{64})$/i.exec(token);
  return stored?.[1] ? Buffer.from(stored[1], 'hex') : digest(token);
}

/** The non-secret id a token's runs are stored under. */
export const ownerOf = (d: Buffer): string => `t:${d.toString('hex').slice(0, 16)}`;

export function tokenCheck(tokens: readonly string[], adminTokens: readonly string[] = []): TokenCheck {
  const known = [
    ...tokens.map((t) => ({ digest: tokenDigest(t), admin: false })),
    ...adminTokens.map((t) => ({ digest: tokenDigest(t), admin: true })),
  ];
  return {
    required: known.length > 0,
    identify(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      const presented = digest(match?.[1] ?? '');
      let found: { digest: Buffer; admin: boolean } | undefined;
      // Every token is compared, whether or not an earlier one matched.
      for (const k of known)
        if (timingSafeEqual(k.digest, presented) && match) found = found?.admin ? found : k;
      return found ? { owner: ownerOf(found.digest), admin: found.admin } : undefined;
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
