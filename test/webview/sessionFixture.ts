/**
 * A realistic ask as the host would stream it to the panel: four models (one provider failure,
 * one sandbox timeout, one failing run, one pick), a fifth model without a key, a verdict with
 * a cross-test matrix, diffs, and model text that tries to inject HTML.
 */
import type {
  CandidateRecord,
  ModelConfig,
  RunRecord,
  RunResult,
  SessionEventBody,
  Verdict,
} from '../../src/core/types';
import { DEFAULT_LIMITS } from '../../src/core/types';
import type { HostMessage, ModelView } from '../../src/protocol';
import { runResult } from '../fakes/runResult';

export const XSS_PROSE =
  'Careful: <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> are text.';

const models: ModelConfig[] = [
  {
    id: 'gpt-mini',
    kind: 'openai',
    model: 'gpt-4o-mini',
    enabled: true,
    price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  },
  { id: 'groq-llama', kind: 'groq', model: 'llama-3.3-70b-versatile', enabled: true },
  { id: 'ollama-qwen', kind: 'ollama', model: 'qwen2.5-coder:7b', enabled: true },
  { id: 'compat-deepseek', kind: 'openai-compatible', model: 'deepseek-coder', enabled: true },
];

export const MODEL_VIEWS: ModelView[] = [
  ...models.map((m) => ({ id: m.id, kind: m.kind, model: m.model, enabled: true, hasKey: true })),
  { id: 'groq-kimi', kind: 'groq', model: 'kimi-k2', enabled: false, hasKey: false },
];

const GOOD =
  'def slugify(text):\n    # lower-case, words joined by dashes\n    return "-".join(text.lower().split())\n';
const WRONG = 'def slugify(text):\n    return text.replace(" ", "-")\n';
const LOOP = 'def slugify(text):\n    while True:\n        pass\n';
const answers: Record<string, string> = {
  'gpt-mini': `Here is a slug function.\n\n\`\`\`python\n${GOOD}\`\`\`\n\nIt splits on whitespace, so runs of spaces collapse.`,
  'groq-llama': `\`\`\`python\n${WRONG}\`\`\`\n\nThis keeps the case as is.`,
  'ollama-qwen': `\`\`\`python\n${LOOP}\`\`\`\n\n${XSS_PROSE}`,
};

const run = (partial: Partial<RunResult>): RunResult =>
  runResult({ image: 'quorum/python:3.11-offline', durationMs: 120, ...partial });

const runs: Record<string, RunResult> = {
  'gpt-mini': run({ stdout: 'hello-world\n', durationMs: 212 }),
  'groq-llama': run({
    exitCode: 1,
    stderr: 'Traceback (most recent call last):\nAssertionError: expected "hello-world", got "Hello-World"\n',
    durationMs: 240,
  }),
  'ollama-qwen': run({ exitCode: null, timedOut: true, durationMs: 10_000, limitsHit: ['timeout'] }),
};

export const VERDICT: Verdict = {
  pick: 'gpt-mini',
  strategy: 'cross-test',
  confidence: 0.82,
  unverified: false,
  reasons: [
    'gpt-mini passes 3 of 3 cross tests; groq-llama passes 1 of 3.',
    'ollama-qwen timed out after 10 s.',
    'compat-deepseek did not answer (rate limited).',
  ],
  ranking: [
    { id: 'gpt-mini', score: 0.93, ran: true, testsPassed: 3, testsTotal: 3 },
    { id: 'groq-llama', score: 0.41, ran: true, testsPassed: 1, testsTotal: 3 },
    { id: 'ollama-qwen', score: 0.05, ran: true, testsPassed: 0, testsTotal: 3 },
  ],
  matrix: {
    cases: [
      {
        id: 'gpt-mini-tests#1',
        testId: 'gpt-mini-tests',
        code: 'assert slugify("Hello World") == "hello-world"',
      },
      { id: 'gpt-mini-tests#2', testId: 'gpt-mini-tests', code: 'assert slugify("a  b") == "a-b"' },
      { id: 'groq-llama-tests#1', testId: 'groq-llama-tests', code: 'assert slugify("x") == "x"' },
    ],
    cells: {
      'gpt-mini': { 'gpt-mini-tests#1': 'pass', 'gpt-mini-tests#2': 'pass', 'groq-llama-tests#1': 'pass' },
      'groq-llama': { 'gpt-mini-tests#1': 'fail', 'gpt-mini-tests#2': 'fail', 'groq-llama-tests#1': 'pass' },
      'ollama-qwen': {
        'gpt-mini-tests#1': 'timeout',
        'gpt-mini-tests#2': 'timeout',
        'groq-llama-tests#1': 'timeout',
      },
    },
  },
  llm: {
    pick: 'gpt-mini',
    rationale: 'It lower-cases and collapses whitespace as asked.',
    model: 'gpt-4o-mini',
  },
};

const RATE_LIMIT = {
  code: 'rate-limit' as const,
  message: '429 Too Many Requests',
  advice: 'Wait a minute or lower the request rate for compat-deepseek.',
  status: 429,
};

function extractionOf(id: string, answer: string): CandidateRecord['extraction'] {
  const code = id === 'gpt-mini' ? GOOD : id === 'groq-llama' ? WRONG : LOOP;
  const main = { code, language: 'python' as const, info: 'python', unterminated: false };
  return {
    main,
    tests: null,
    blocks: [main],
    language: 'python',
    prose: answer.replace(/```[\s\S]*?```/g, '').trim(),
  };
}

/** The stored form of the ask, as `session-done` and `record/show` carry it. */
export function buildRecord(askId: string, instruction: string): RunRecord {
  const candidates: CandidateRecord[] = models.map((m) => {
    if (m.id === 'compat-deepseek')
      return { id: m.id, model: m, status: 'failed', answer: '', error: RATE_LIMIT };
    const answer = answers[m.id];
    return {
      id: m.id,
      model: m,
      status: 'done',
      answer,
      extraction: extractionOf(m.id, answer),
      usage: { inputTokens: 182, outputTokens: 64 },
      timing: { ttftMs: 310, latencyMs: 1450 },
      incomplete: false,
      run: runs[m.id],
      costUsd: m.price ? (182 * 0.15 + 64 * 0.6) / 1e6 : undefined,
    };
  });
  return {
    version: 1,
    askId,
    startedAt: '2026-11-24T10:00:00.000Z',
    finishedAt: '2026-11-24T10:00:12.000Z',
    request: { instruction, intent: 'generate', language: 'python', context: '', contextFile: 'slug.py' },
    systemPrompt: 'You are a careful programmer.',
    candidates,
    limits: DEFAULT_LIMITS,
    images: { python: 'quorum/python:3.11-offline' },
    verdict: VERDICT,
  };
}

/** Splits text in small chunks, as a model streams it. */
function chunks(text: string, size = 7): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export const INSTRUCTION = 'Write slugify(text): lower-case words joined by dashes';

export function initMessages(): HostMessage[] {
  return [
    {
      type: 'state/init',
      models: MODEL_VIEWS,
      trusted: true,
      demo: true,
      selection: {
        text: 'def slugify(text):\n    pass\n\n\nprint(slugify("Hello World"))\n# more\n',
        language: 'python',
        file: 'slug.py',
        wholeFile: false,
      },
      history: [],
    },
    { type: 'docker/status', available: true },
  ];
}

/** The whole live ask, in the order the host sends it. */
export function sessionMessages(askId = 'ask-1'): HostMessage[] {
  const ev = (event: SessionEventBody): HostMessage => ({
    type: 'session/event',
    event: { ...event, askId },
  });
  const out: HostMessage[] = [ev({ type: 'session-started', models })];
  for (const m of models) out.push(ev({ type: 'candidate-started', candidateId: m.id, model: m }));
  // Interleave the three streams the way parallel providers arrive.
  const streams = Object.entries(answers).map(([id, text]) => ({ id, parts: chunks(text) }));
  for (let i = 0; streams.some((s) => i < s.parts.length); i++) {
    for (const s of streams)
      if (i < s.parts.length) out.push(ev({ type: 'delta', candidateId: s.id, text: s.parts[i] }));
  }
  out.push(ev({ type: 'candidate-failed', candidateId: 'compat-deepseek', error: RATE_LIMIT }));
  const record = buildRecord(askId, INSTRUCTION);
  for (const c of record.candidates) {
    if (c.status !== 'done') continue;
    out.push(
      ev({
        type: 'candidate-done',
        candidateId: c.id,
        answer: c.answer,
        extraction: c.extraction!,
        usage: c.usage,
        timing: c.timing!,
        incomplete: false,
        costUsd: c.costUsd,
      }),
    );
    out.push(ev({ type: 'run-started', candidateId: c.id, image: 'quorum/python:3.11-offline' }));
  }
  for (const c of record.candidates)
    if (c.run) out.push(ev({ type: 'run-done', candidateId: c.id, run: c.run }));
  out.push(ev({ type: 'judge-started' }));
  out.push(ev({ type: 'verdict', verdict: VERDICT }));
  out.push({
    type: 'diff/update',
    base: 'pick',
    diffs: {
      'groq-llama': [
        { kind: 'same', text: 'def slugify(text):' },
        { kind: 'del', text: '    # lower-case, words joined by dashes' },
        { kind: 'del', text: '    return "-".join(text.lower().split())' },
        { kind: 'add', text: '    return text.replace(" ", "-")' },
      ],
      'ollama-qwen': [
        { kind: 'same', text: 'def slugify(text):' },
        { kind: 'del', text: '    # lower-case, words joined by dashes' },
        { kind: 'del', text: '    return "-".join(text.lower().split())' },
        { kind: 'add', text: '    while True:' },
        { kind: 'add', text: '        pass' },
      ],
    },
  });
  out.push(ev({ type: 'session-done', record, cancelled: false }));
  out.push({
    type: 'history/update',
    history: [{ askId, startedAt: record.startedAt, instruction: INSTRUCTION, pick: 'gpt-mini', demo: true }],
  });
  return out;
}
