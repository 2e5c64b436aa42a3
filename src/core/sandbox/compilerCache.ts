import type Docker from 'dockerode';
import type { Language, Logger, PullProgress } from '../types';
import { SandboxError } from '../types';
import { isNoSuchImage } from './engineErrors';
import { GO_BUILD_ENV, GO_CACHE_SEED } from './languages';
import { withDeadline } from './deadline';
import { SANDBOX_ULIMITS } from './limits';
import { Demuxer, StreamCapture } from './output';

/**
 * Go images since Go 1.20 ship no compiled standard library: a fresh container compiles `fmt`
 * and everything under it before the first program, longer than a run may take (the Go test in
 * test/sandbox/languages.test.ts times out without the prepared cache). So the standard library is compiled once per base image, by our own program in a
 * container of that image, and committed as a derived image (`quorum-cache/go:<image id>`) whose
 * cache seed each run's container copies into its tmpfs before it reports ready. The runs keep
 * the usual isolation (read-only root, no mounts); the derived image is reused across processes
 * and rebuilt when the base image changes.
 */

/** The packages compiled into the seed: what short programs import. */
const GO_SEED_PROGRAM = `package main

import (
\t_ "bufio"
\t_ "bytes"
\t_ "container/heap"
\t_ "container/list"
\t_ "encoding/json"
\t_ "errors"
\t_ "fmt"
\t_ "math"
\t_ "math/rand"
\t_ "os"
\t_ "regexp"
\t_ "sort"
\t_ "strconv"
\t_ "strings"
\t_ "sync"
\t_ "time"
\t_ "unicode"
)

func main() {}
`;

/** Longest a seed build may take: the whole standard library on a slow engine. */
export const SEED_TIMEOUT_MS = 10 * 60_000;

const SEED_REPO = 'quorum-cache/go';

/** The tag of the derived image for a base image id (`sha256:...`). */
export function seedTag(imageId: string): string {
  return `${SEED_REPO}:${imageId.replace(/^sha256:/, '').slice(0, 16)}`;
}

export class CompilerCaches {
  private readonly prepared = new Map<string, Promise<string>>();
  /** Seed builds under way, removed by dispose() so none outlives the sandbox. */
  private readonly building = new Set<Docker.Container>();

  constructor(
    private readonly docker: Docker,
    private readonly labels: Readonly<Record<string, string>>,
    private readonly logger: Logger,
    private readonly onProgress?: (progress: PullProgress) => void,
  ) {}

  /** The image a run of `language` uses: the base image, or for Go its derived image with a cache. */
  imageFor(language: Language, image: string): Promise<string> {
    if (language !== 'go') return Promise.resolve(image);
    let pending = this.prepared.get(image);
    if (!pending) {
      pending = this.prepare(image);
      this.prepared.set(image, pending);
      pending.catch(() => this.prepared.delete(image)); // a later run may try again
    }
    return pending;
  }

  /** Stops seed builds still running (their runs fail as the engine removes the container). */
  async dispose(): Promise<void> {
    await Promise.allSettled([...this.building].map((c) => c.remove({ force: true })));
  }

  private async prepare(image: string): Promise<string> {
    const { Id } = await this.docker.getImage(image).inspect();
    const tag = seedTag(Id);
    try {
      await this.docker.getImage(tag).inspect();
      return tag;
    } catch (error) {
      if (!isNoSuchImage(error)) throw error;
    }
    this.logger.info(`sandbox: compiling the Go standard library once for ${image} (${tag})`);
    const started = performance.now();
    const [repo, version] = tag.split(':') as [string, string];
    const script =
      `mkdir -p /tmp/seed ${GO_CACHE_SEED} && printf '%s' "$1" > /tmp/seed/main.go && cd /tmp/seed && ` +
      `GOCACHE=${GO_CACHE_SEED} ${GO_BUILD_ENV} go build -o /tmp/seed/main main.go 2>&1 && ` +
      `chmod -R a+rX ${GO_CACHE_SEED} && rm -rf /tmp/seed`;
    const container = await this.docker.createContainer({
      Image: image,
      Entrypoint: [],
      Cmd: ['/bin/sh', '-c', script, 'seed', GO_SEED_PROGRAM],
      // Root inside, to write the seed into the image's own tree; it runs our program only.
      User: '0:0',
      WorkingDir: '/tmp',
      Env: ['HOME=/tmp'],
      Labels: { ...this.labels },
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        // Root writing into directories root owns, and chmod of its own files, need no capability.
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Memory: 1024 * 1024 * 1024,
        MemorySwap: 1024 * 1024 * 1024,
        PidsLimit: 512,
        // Explicit, as for runs: Podman's defaults cannot be applied where root lacks CAP_SYS_RESOURCE.
        Ulimits: SANDBOX_ULIMITS,
        LogConfig: { Type: 'json-file', Config: {} },
      },
    });
    // A build of many seconds with no event in between: say it is still going, every 2 s.
    const say = (status: string, fraction?: number): void =>
      this.onProgress?.({ image, phase: 'prepare', status, fraction });
    say('compiling the Go standard library, once for this image');
    const ticker = setInterval(
      () =>
        say(
          `compiling the Go standard library, once for this image (${Math.round((performance.now() - started) / 1000)} s)`,
        ),
      2000,
    );
    this.building.add(container);
    try {
      await container.start();
      const status = (await withDeadline(
        'the Go standard library build',
        (abortSignal) => container.wait({ abortSignal }),
        { ms: SEED_TIMEOUT_MS },
      )) as { StatusCode: number };
      if (status.StatusCode !== 0) {
        const log = await container.logs({ stdout: true, stderr: true }).then(
          (b) => logText(b),
          () => '',
        );
        throw new Error(`exit status ${status.StatusCode}${log ? `: ${log.slice(-600)}` : ''}`);
      }
      await container.commit({
        repo,
        tag: version,
        comment: `Go build cache for ${image}, by Quorum`,
        changes: 'LABEL dev.quorum.cache-for=' + JSON.stringify(image),
      });
    } catch (error) {
      throw new SandboxError(
        'engine-error',
        `Could not compile the Go standard library in ${image}: ${error instanceof Error ? error.message : String(error)}`,
        'Sandbox Go images need /bin/sh and go on their PATH (the official golang images have both); pick another image in quorum.sandbox.images.go.',
      );
    } finally {
      this.building.delete(container);
      clearInterval(ticker);
      await container.remove({ force: true }).catch(() => undefined);
    }
    say('done', 1);
    this.logger.info(`sandbox: ${tag} ready in ${Math.round(performance.now() - started)} ms`);
    return tag;
  }
}

/** The text of a container's (non-TTY, so multiplexed) logs, at most the last 64 KiB kept. */
function logText(buffer: Buffer): string {
  const text = new StreamCapture(64 * 1024, '\0no marker');
  new Demuxer(text, text).write(buffer);
  text.end();
  return text.text().trim();
}
