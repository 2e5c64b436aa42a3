/** Path -> sha256 of every file (and a mark per folder) under root: a tree, byte for byte, to prove an ask left it as it was. */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function treeHash(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.set(`${p}/`, 'dir');
        visit(p);
      } else {
        const digest = e.isFile()
          ? createHash('sha256')
              .update(readFileSync(join(root, p)))
              .digest('hex')
          : 'other';
        out.set(p, digest);
      }
    }
  };
  visit('');
  return out;
}
