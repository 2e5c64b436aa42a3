/**
 * A read-only Docker registry on loopback (distribution API v2, schema-2 manifests), serving one
 * image taken from the local engine with `docker save`. It lets the sandbox's pull path run for
 * real with no registry reachable: the engine treats 127.0.0.0/8 registries as insecure and
 * pulls from them over plain HTTP.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';

interface Blob {
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly digest: string;
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Each entry of a tar stream with its whole content. */
async function* tarEntries(
  stream: NodeJS.ReadableStream,
): AsyncGenerator<{ header: tarStream.Header; bytes: Buffer }> {
  const extract = tarStream.extract();
  stream.pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    yield { header: entry.header, bytes: Buffer.concat(chunks) };
  }
}

/** The files of a `docker save` stream (a tar of the legacy layout: manifest.json, config, layer.tar). */
async function savedFiles(docker: Docker, image: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for await (const { header, bytes } of tarEntries(await docker.getImage(image).get()))
    files.set(header.name, bytes);
  return files;
}

/** The tar `layer` with one more regular file. */
async function withExtraFile(layer: Buffer, name: string, content: string): Promise<Buffer> {
  const pack = tarStream.pack();
  const out: Buffer[] = [];
  const packed = (async () => {
    for await (const chunk of pack) out.push(chunk as Buffer);
  })();
  for await (const { header, bytes } of tarEntries(Readable.from([layer]))) pack.entry(header, bytes);
  pack.entry({ name, mode: 0o644 }, content);
  pack.finalize();
  await packed;
  return Buffer.concat(out);
}

export interface LocalRegistry {
  /** host:port, to prefix a repository name with. */
  readonly address: string;
  /** Paths the engine asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves `image` (present on the engine) as every repository and tag asked for. */
export async function startLocalRegistry(docker: Docker, image: string): Promise<LocalRegistry> {
  const files = await savedFiles(docker, image);
  const saved = JSON.parse(files.get('manifest.json')?.toString('utf8') ?? '[]') as {
    Config: string;
    Layers: string[];
  }[];
  const entry = saved[0];
  if (!entry) throw new Error(`docker save ${image} gave no manifest`);
  // A layer of our own (the image's files plus a unique one) and a config naming it, so the engine
  // finds nothing of this image locally and really downloads every blob.
  const layerPath = entry.Layers.length === 1 ? entry.Layers[0] : undefined;
  if (!layerPath) throw new Error(`${image}: expected an image of one layer (docker import)`);
  const layerTar = await withExtraFile(
    files.get(layerPath) ?? Buffer.alloc(0),
    'etc/quorum-pull-test',
    randomUUID(),
  );
  const imageConfig = JSON.parse(files.get(entry.Config)?.toString('utf8') ?? '{}') as {
    rootfs?: { type: string; diff_ids: string[] };
  };
  imageConfig.rootfs = { type: 'layers', diff_ids: [sha256(layerTar)] };
  const configBytes = Buffer.from(JSON.stringify(imageConfig));
  const config: Blob = {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    bytes: configBytes,
    digest: sha256(configBytes),
  };
  const gz = gzipSync(layerTar);
  const layers: Blob[] = [
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', bytes: gz, digest: sha256(gz) },
  ];
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: config.mediaType, size: config.bytes.length, digest: config.digest },
      layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.bytes.length, digest: l.digest })),
    }),
  );
  const blobs = new Map([config, ...layers].map((b) => [b.digest, b]));
  const requests: string[] = [];

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(`${req.method ?? 'GET'} ${path}`);
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const send = (type: string, body: Buffer, digest?: string): void => {
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': body.length,
        ...(digest ? { 'Docker-Content-Digest': digest } : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/v2/' || path === '/v2') return send('application/json', Buffer.from('{}'));
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (m?.[2] === 'manifests') {
      return send('application/vnd.docker.distribution.manifest.v2+json', manifest, sha256(manifest));
    }
    const blob = m?.[2] === 'blobs' ? blobs.get(decodeURIComponent(m[3] ?? '')) : undefined;
    if (blob) return send('application/octet-stream', blob.bytes, blob.digest);
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'not here' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
