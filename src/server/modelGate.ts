/**
 * Bounds the model streams open at once per endpoint and key (`kind`, base URL, the key's hash),
 * across every ask of the gateway, so a burst of asks never trips a vendor's concurrency or rate
 * limit: asks beyond the bound wait for a stream before their request is sent. Waiting here holds
 * nothing else (no sandbox slot, no ask slot beyond the ask's own).
 */
import { createHash } from 'node:crypto';
import { ProviderError } from '../core/types';
import type { ModelConfig, Provider } from '../core/types';
import { Semaphore } from './semaphore';

export class ModelGate {
  private readonly gates = new Map<string, Semaphore>();

  constructor(
    /** Streams at once per endpoint and key. */
    readonly perEndpoint: number,
    /** Told how long each request took once its stream was granted (for /metrics). */
    private readonly observe?: (model: ModelConfig, seconds: number, ok: boolean) => void,
  ) {}

  /** The endpoint a model's requests go to, with the key it sends (hashed; never the key itself). */
  static endpointOf(model: ModelConfig, key: string | undefined): string {
    const keyId = key ? createHash('sha256').update(key).digest('hex').slice(0, 12) : '-';
    return `${model.kind} ${model.baseUrl ?? '(default)'} ${keyId}`;
  }

  private gateFor(endpoint: string): Semaphore {
    let gate = this.gates.get(endpoint);
    if (!gate) this.gates.set(endpoint, (gate = new Semaphore(this.perEndpoint)));
    return gate;
  }

  /** Streams open and waiting, per endpoint (for /v1/queue and /metrics). */
  use(): { endpoint: string; open: number; waiting: number }[] {
    return [...this.gates].map(([endpoint, g]) => ({
      endpoint: endpoint.replace(/ \S+$/, ''),
      open: g.inUse,
      waiting: g.waiting,
    }));
  }

  /** The provider, whose `complete` first waits for a stream of its endpoint. */
  wrap(provider: Provider, key: string | undefined): Provider {
    const gate = this.gateFor(ModelGate.endpointOf(provider.config, key));
    const observe = this.observe;
    return {
      config: provider.config,
      async complete(request) {
        const release = await gate.acquire(request.signal).catch(() => {
          throw new ProviderError('cancelled', 'Cancelled while waiting for a model stream.', '');
        });
        const started = performance.now();
        let ok = false;
        try {
          const result = await provider.complete(request);
          ok = true;
          return result;
        } finally {
          release();
          observe?.(provider.config, (performance.now() - started) / 1000, ok);
        }
      },
    };
  }
}
