/**
 * Collects what the chat participant and the tools showed during the in-host tests and writes it as
 * Markdown: the README's editor transcript is this file. It always goes to .test-output/; with
 * QUORUM_UPDATE_DOCS=1 also to docs/editor-ai-transcript.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as vscode from 'vscode';

/** dist/test/ when bundled: the repo root is two levels up. */
const REPO_ROOT = resolve(__dirname, '../..');
const sections: string[] = [];

export function addTranscript(title: string, body: string): void {
  sections.push(`## ${title}\n\n${body.trim()}\n`);
}

export function writeTranscript(): void {
  if (!sections.length) return;
  const text = [
    '# Quorum in VS Code chat and agent mode: recorded by the integration suite',
    '',
    `VS Code ${vscode.version}, written by test/integration/suite/chat.test.ts and tools.test.ts`,
    '(`QUORUM_UPDATE_DOCS=1 npx tsx test/integration/runInServer.ts`). Models: the replay server; runs: Docker.',
    '',
    ...sections,
  ].join('\n');
  const targets = [join(REPO_ROOT, '.test-output/editor-ai-transcript.md')];
  if (process.env.QUORUM_UPDATE_DOCS === '1') targets.push(join(REPO_ROOT, 'docs/editor-ai-transcript.md'));
  for (const file of targets) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
