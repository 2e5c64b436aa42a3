import type Docker from 'dockerode';
import type { PullProgress } from '../types';
import { SandboxError } from '../types';
import { isNoSuchImage } from './engineErrors';

export interface ImageOptions {
  /** May the engine pull a missing image? Off for air-gapped setups. */
  readonly pull: boolean;
  readonly onPullProgress?: (progress: PullProgress) => void;
}

interface PullEvent {
  status?: string;
  id?: string;
  error?: string;
  progressDetail?: { current?: number; total?: number };
}

function missing(image: string, why: string): SandboxError {
  return new SandboxError(
    'image-missing',
    `The sandbox image "${image}" is not available: ${why}`,
    `Pull it yourself (\`docker pull ${image}\`), or pick a local image in the setting quorum.sandbox.images (CLI: --image IMAGE); \`npm run sandbox:images\` builds offline ones.`,
  );
}

/**
 * Makes sure an image is present, pulling it with progress when allowed. Answers are cached
 * per image, so the engine is asked once per image and process (a failure is not cached).
 */
export class ImageCache {
  private readonly known = new Map<string, Promise<void>>();

  constructor(
    private readonly docker: Docker,
    private readonly options: ImageOptions,
  ) {}

  ensure(image: string): Promise<void> {
    let pending = this.known.get(image);
    if (!pending) {
      pending = this.resolve(image);
      this.known.set(image, pending);
      pending.catch(() => this.known.delete(image));
    }
    return pending;
  }

  private async resolve(image: string): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch (error) {
      if (!isNoSuchImage(error)) throw error;
    }
    if (!this.options.pull) throw missing(image, 'it is not on this engine and pulling is turned off.');
    await this.pull(image);
  }

  private async pull(image: string): Promise<void> {
    const layers = new Map<string, { current: number; total: number }>();
    const report = (event: PullEvent): void => {
      if (event.id && event.progressDetail?.total) {
        layers.set(event.id, {
          current: event.progressDetail.current ?? 0,
          total: event.progressDetail.total,
        });
      }
      let current = 0;
      let total = 0;
      for (const layer of layers.values()) {
        current += layer.current;
        total += layer.total;
      }
      this.options.onPullProgress?.({
        image,
        status: event.status ?? '',
        fraction: total > 0 ? Math.min(1, current / total) : undefined,
      });
    };
    try {
      const stream = await this.docker.pull(image);
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(
          stream,
          (error: Error | null, events: PullEvent[]) => {
            const failed = events?.find((e) => e.error);
            if (error || failed) reject(new Error(error?.message ?? failed?.error));
            else resolve();
          },
          report,
        );
      });
    } catch (error) {
      throw missing(image, `pulling it failed (${error instanceof Error ? error.message : String(error)}).`);
    }
    this.options.onPullProgress?.({ image, status: 'done', fraction: 1 });
  }
}
