import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from '../../../src/core/extract';
import { buildMessages } from '../../../src/core/prompt';
import type { Intent, Language } from '../../../src/core/types';
import { DEMO_ASKS, matchDemoAsk } from '../../../src/demo/demoAsks';
import { DEMO_PROMPT, RECORDED_MODEL_NAMES, recordingFor } from '../../../src/demo/recordings';

const SAMPLE = join(__dirname, '../../../sample');
const file = (name: string): string => readFileSync(join(SAMPLE, name), 'utf8');

/** The prompt text the replay server sees for an ask, built by the core's own prompt builder. */
function wire(instruction: string, intent: Intent, language: Language, context?: string): string {
  return buildMessages({ instruction, intent, context, contextFile: 'x' }, language)
    .map((m) => m.content)
    .join('\n');
}

/** The lines of `symbol`'s definition in a sample file, as a user selects it. */
function selectFunction(text: string, symbol: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes(`def ${symbol}(`) || l.includes(`function ${symbol}(`));
  let end = start + 1;
  while (end < lines.length && (lines[end].startsWith(' ') || lines[end] === '}')) end++;
  return lines.slice(start, end).join('\n');
}

describe('demo: answers that match what is asked', () => {
  it('the sample\'s "make is_prime faster" is answered with is_prime itself, never another function', () => {
    const context = selectFunction(file('primes.py'), 'is_prime');
    for (const words of ['make is_prime faster', 'Speed up is_prime please', 'optimize this']) {
      const prompt = wire(words, 'generate', 'python', context);
      assert.equal(matchDemoAsk(prompt)?.id, 'is-prime-faster', words);
      for (const model of RECORDED_MODEL_NAMES) {
        const code = extract(recordingFor(model, prompt)!.text).main?.code ?? '';
        assert.match(code, /^def is_prime\(n(: int)?\)/m, model);
        assert.doesNotMatch(
          code,
          /primes_up_to|__main__/,
          `${model}: the selection's file has its own main block`,
        );
      }
    }
  });

  it('with the whole file as context, each answer is the whole file with one __main__ block', () => {
    const prompt = wire('make is_prime faster', 'generate', 'python', file('primes.py'));
    for (const model of RECORDED_MODEL_NAMES) {
      const code = extract(recordingFor(model, prompt)!.text).main?.code ?? '';
      assert.equal(code.match(/__main__/g)?.length, 1, model);
      assert.match(
        code,
        /def primes_below\(limit\):\n {4}return \[n for n in range\(limit\) if is_prime\(n\)\]/,
      );
    }
  });

  it('the TypeScript off-by-one fix is answered with sumRange, for the selection or the Quick Fix wording', () => {
    const context = selectFunction(file('sumRange.ts'), 'sumRange');
    for (const [words, intent] of [
      ['Fix the off-by-one', 'fix'],
      ['Fix the code so these problems go away, changing nothing else:\n- line 5: wrong', 'fix'],
    ] as const) {
      const prompt = wire(words, intent, 'typescript', context);
      assert.equal(matchDemoAsk(prompt)?.id, 'sum-range-fix');
      for (const model of RECORDED_MODEL_NAMES) {
        const code = extract(recordingFor(model, prompt)!.text).main?.code ?? '';
        assert.match(code, /function sumRange\(from: number, to: number\): number/, model);
        assert.doesNotMatch(code, /console\.log/, model);
      }
    }
  });

  it('every listed ask is recognised from its own instruction, and nothing else is', () => {
    for (const ask of DEMO_ASKS) {
      const context = ask.file && ask.symbol ? selectFunction(file(ask.file), ask.symbol) : undefined;
      assert.equal(matchDemoAsk(wire(ask.instruction, ask.intent, ask.language, context))?.id, ask.id);
    }
    assert.equal(matchDemoAsk(wire(DEMO_PROMPT, 'generate', 'python'))?.id, 'primes-up-to');
    for (const other of ['Write a quicksort', 'Explain this code', 'make it faster']) {
      assert.equal(matchDemoAsk(wire(other, 'generate', 'python')), undefined, other);
    }
    // A word that merely starts like one ("quicksort") does not ask for speed, even about is_prime's file.
    const quick = wire('Write a quicksort in Rust', 'generate', 'python', file('primes.py'));
    assert.equal(matchDemoAsk(quick), undefined);
    // Context alone does not choose: a file that mentions chunk is not the chunk demo.
    const mentions = wire('Add a docstring', 'generate', 'javascript', 'const chunk = 1; // chunk');
    assert.equal(matchDemoAsk(mentions), undefined);
  });
});
