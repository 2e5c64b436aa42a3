import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SYSTEM_PROMPT } from '../../src/core/prompt';
import { INTENTS, LANGUAGES } from '../../src/core/types';
import { ASK_HELP } from '../../src/cli/ask';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: {
    configuration:
      | { properties: Record<string, { markdownDescription?: string }> }[]
      | { properties: Record<string, { markdownDescription?: string }> };
  };
};

function setting(name: string): { markdownDescription?: string } | undefined {
  const sections = Array.isArray(manifest.contributes.configuration)
    ? manifest.contributes.configuration
    : [manifest.contributes.configuration];
  return sections.map((s) => s.properties[name]).find(Boolean);
}

describe('help texts match the code', () => {
  it('quorum.systemPrompt names every language and every placeholder the default prompt uses', () => {
    const text = setting('quorum.systemPrompt')?.markdownDescription ?? '';
    for (const language of LANGUAGES) assert.ok(text.includes(language), `${language} is not listed`);
    const placeholders = new Set([...DEFAULT_SYSTEM_PROMPT.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    assert.ok(placeholders.size >= 3);
    for (const p of placeholders) assert.ok(text.includes(`{${p}}`), `{${p}} is not explained`);
  });

  it('quorum ask --help lists every language and intent', () => {
    for (const language of LANGUAGES) assert.match(ASK_HELP, new RegExp(`\\b${language}\\b`));
    for (const intent of INTENTS) assert.match(ASK_HELP, new RegExp(`\\b${intent}\\b`));
  });
});
