import type { JudgeCase } from './testCases';

/**
 * Evidence when none is given (issue 28): inputs for the function under judgement, made from its
 * Python signature (the prompt's, else a candidate's), its type hints (the prompt's, else the
 * candidates'), the argument names, and the arguments of the user's examples (mutated: one more,
 * one less, shorter, reversed).
 * Each input becomes a case `entry(args)` with no expected value: the harness records what every
 * candidate returns or raises on it (its probes), and behaviourClusters.ts groups candidates that
 * behave the same. Pure and deterministic: the same prompt and candidates give the same inputs,
 * in the batch judge and in the incremental one (which sends them to its open harnesses at finish).
 */

/** The pseudo test block generated inputs belong to in the evidence (never shown as a test). */
export const GENERATED_TEST_ID = 'generated';

/** A Python value the generator can write as a literal. */
export type PyValue =
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'none' }
  | { readonly t: 'list' | 'tuple' | 'set'; readonly items: readonly PyValue[] }
  | { readonly t: 'dict'; readonly entries: readonly (readonly [PyValue, PyValue])[] };

/** The shape of a parameter, from a hint, an example's value or a name. */
export type PyType =
  | { readonly k: 'int' | 'float' | 'str' | 'bool' | 'none' | 'any' }
  | { readonly k: 'list' | 'set'; readonly of: PyType }
  | { readonly k: 'tuple'; readonly items?: readonly PyType[]; readonly of?: PyType }
  | { readonly k: 'dict'; readonly key: PyType; readonly val: PyType }
  | { readonly k: 'optional'; readonly of: PyType };

export interface Param {
  readonly name: string;
  /** The annotation as written, when there is one. */
  readonly hint?: string;
}

export interface Signature {
  readonly name: string;
  readonly params: readonly Param[];
}

export interface GeneratedInput {
  /** Python source of the argument list, e.g. `[1, 2], 'a'`. */
  readonly args: string;
  readonly from: 'example' | 'signature';
}

export interface GenerateOptions {
  /** Inputs mutated from the examples' arguments, at most (default 12). */
  readonly fromExamples?: number;
  /** Inputs from the parameter types, at most (default 20). */
  readonly fromTypes?: number;
}

const INT_POOL = [0, 1, 2, 3, -1, 5, 10, 7, -3, 12, 4, 20, 6, 9, 15, 8, 30, 100, 50, 11];
const FLOAT_POOL = [0.0, 1.5, -2.5, 3.0, 0.5, 10.0, 2.25, -1.0, 7.5];
const STR_POOL = [
  '',
  'a',
  'abc',
  'Hello World',
  'aabbcc',
  'racecar',
  'abc123',
  'a b c',
  'AbCd',
  'hello',
  'xyz xyz',
  '12321',
  ' ',
  'The quick brown fox',
];
const LENGTHS = [0, 1, 3, 4, 2, 5, 6, 10];

/** `def name(params)` signatures at the top level of `source` (a prompt or a candidate), in order. */
export function pythonSignatures(source: string): Signature[] {
  const out: Signature[] = [];
  const re = /^def\s+([A-Za-z_]\w*)\s*\(/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const open = m.index + m[0].length;
    const close = matching(source, open - 1);
    if (close < 0) continue;
    out.push({ name: m[1], params: parseParams(source.slice(open, close)) });
  }
  return out;
}

/** Index of the bracket closing the one at `at`, respecting strings; -1 if unbalanced. */
function matching(text: string, at: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = at; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth === 0) return i;
  }
  return -1;
}

/** Top-level comma split, brackets and strings respected. */
function splitTopLevel(text: string, sep = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      current += ch;
      if (ch === '\\') current += text[++i] ?? '';
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    if (ch === sep && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseParams(text: string): Param[] {
  const params: Param[] = [];
  for (const raw of splitTopLevel(text.replace(/#[^\n]*/g, ''))) {
    if (raw === '/' || raw.startsWith('*')) {
      if (raw.startsWith('*')) break; // *args, **kwargs, keyword-only: positional ones are enough
      continue;
    }
    const [head] = splitTopLevel(raw, '=');
    const colon = head.indexOf(':');
    const name = (colon >= 0 ? head.slice(0, colon) : head).trim();
    const hint = colon >= 0 ? head.slice(colon + 1).trim() : undefined;
    if (!/^[A-Za-z_]\w*$/.test(name) || name === 'self' || name === 'cls') continue;
    // A parameter with a default may be left out: only the required ones are generated.
    if (raw.includes('=') && splitTopLevel(raw, '=').length > 1) break;
    params.push(hint ? { name, hint } : { name });
  }
  return params;
}

/** A Python annotation as a shape; unknown names are `any`. */
export function parseHint(hint: string): PyType {
  const h = hint.trim().replace(/^['"]|['"]$/g, '');
  const m = /^([A-Za-z_][\w.]*)\s*(?:\[(.*)\])?$/s.exec(h);
  if (!m) {
    const union = h.split('|').map((s) => s.trim());
    if (union.length > 1) return unionOf(union.map(parseHint));
    return { k: 'any' };
  }
  const name = m[1].replace(/^typing\./, '');
  const args = m[2] !== undefined ? splitTopLevel(m[2]).map(parseHint) : [];
  switch (name) {
    case 'int':
      return { k: 'int' };
    case 'float':
      return { k: 'float' };
    case 'str':
      return { k: 'str' };
    case 'bool':
      return { k: 'bool' };
    case 'None':
      return { k: 'none' };
    case 'List':
    case 'list':
    case 'Sequence':
    case 'Iterable':
    case 'Collection':
      return { k: 'list', of: args[0] ?? { k: 'int' } };
    case 'Set':
    case 'set':
    case 'FrozenSet':
    case 'frozenset':
      return { k: 'set', of: args[0] ?? { k: 'int' } };
    case 'Tuple':
    case 'tuple': {
      const raw = m[2] !== undefined ? splitTopLevel(m[2]) : [];
      if (raw.length === 2 && raw[1] === '...') return { k: 'tuple', of: args[0] };
      return args.length > 0 ? { k: 'tuple', items: args } : { k: 'tuple', of: { k: 'int' } };
    }
    case 'Dict':
    case 'dict':
    case 'Mapping':
      return { k: 'dict', key: args[0] ?? { k: 'str' }, val: args[1] ?? { k: 'int' } };
    case 'Optional':
      return { k: 'optional', of: args[0] ?? { k: 'any' } };
    case 'Union':
      return unionOf(args);
    default:
      return { k: 'any' };
  }
}

function unionOf(types: readonly PyType[]): PyType {
  const some = types.filter((t) => t.k !== 'none');
  const first = some[0] ?? { k: 'any' };
  return some.length < types.length ? { k: 'optional', of: first } : first;
}

/** A guess from the parameter's name, the way MBPP and HumanEval name them. */
export function typeFromName(name: string): PyType {
  const n = name.toLowerCase();
  if (/^(test_)?(tup|tuple)\w*$/.test(n)) return { k: 'tuple', of: { k: 'int' } };
  if (/^(test_)?(dict|d|dct|mapping)\d*$/.test(n)) return { k: 'dict', key: { k: 'str' }, val: { k: 'int' } };
  if (/(list|lst|arr|array|nums|numbers|items|elements|seq|values|^l\d*$|^li$|^xs$)/.test(n))
    return { k: 'list', of: { k: 'int' } };
  if (/(str|string|text|word|sentence|txt|^s\d*$|^st$|^ch$|^char$|^c$)/.test(n)) return { k: 'str' };
  if (/^(flag|is_\w+)$/.test(n)) return { k: 'bool' };
  return { k: 'int' };
}

/** The shape of a value from an example, for more values like it. */
export function typeOfValue(v: PyValue): PyType {
  switch (v.t) {
    case 'list':
    case 'set':
      return { k: v.t, of: v.items[0] ? typeOfValue(v.items[0]) : { k: 'int' } };
    case 'tuple':
      return { k: 'tuple', items: v.items.map(typeOfValue) };
    case 'dict':
      return v.entries[0]
        ? { k: 'dict', key: typeOfValue(v.entries[0][0]), val: typeOfValue(v.entries[0][1]) }
        : { k: 'dict', key: { k: 'str' }, val: { k: 'int' } };
    default:
      return { k: v.t };
  }
}

/** Deterministic pseudo-random numbers (a 32-bit LCG) seeded from a text. */
function rng(seedText: string): () => number {
  let s = 2166136261;
  for (let i = 0; i < seedText.length; i++) s = Math.imul(s ^ seedText.charCodeAt(i), 16777619) >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The i-th value of a shape: small, edge values first (0, empty, one element). */
export function valueOf(type: PyType, i: number, rand: () => number, depth = 0): PyValue {
  const pick = <T>(pool: readonly T[]): T => pool[(i + Math.floor(rand() * pool.length)) % pool.length];
  switch (type.k) {
    case 'int':
      return { t: 'int', v: i < INT_POOL.length ? INT_POOL[i] : pick(INT_POOL) };
    case 'float':
      return { t: 'float', v: i < FLOAT_POOL.length ? FLOAT_POOL[i] : pick(FLOAT_POOL) };
    case 'str':
      return { t: 'str', v: i < STR_POOL.length ? STR_POOL[i] : pick(STR_POOL) };
    case 'bool':
      return { t: 'bool', v: i % 2 === 0 };
    case 'none':
      return { t: 'none' };
    case 'optional':
      return i === 1 ? { t: 'none' } : valueOf(type.of, i, rand, depth);
    case 'any':
      return valueOf(
        [{ k: 'int' }, { k: 'str' }, { k: 'list', of: { k: 'int' } }][i % 3] as PyType,
        i,
        rand,
        depth,
      );
    case 'list':
    case 'set': {
      const n = depth > 1 ? Math.min(2, LENGTHS[i % LENGTHS.length]) : LENGTHS[i % LENGTHS.length];
      const items = Array.from({ length: n }, () =>
        valueOf(type.of, 2 + Math.floor(rand() * 14), rand, depth + 1),
      );
      return { t: type.k, items: type.k === 'set' ? uniqueValues(items) : items };
    }
    case 'tuple': {
      if (type.items) return { t: 'tuple', items: type.items.map((t) => valueOf(t, i, rand, depth + 1)) };
      const n = LENGTHS[i % LENGTHS.length];
      const of = type.of ?? { k: 'int' };
      return {
        t: 'tuple',
        items: Array.from({ length: n }, () => valueOf(of, 2 + Math.floor(rand() * 14), rand, depth + 1)),
      };
    }
    case 'dict': {
      const n = Math.min(4, LENGTHS[i % LENGTHS.length]);
      const keys = uniqueValues(
        Array.from({ length: n }, (_, j) =>
          valueOf(type.key, 1 + j + Math.floor(rand() * 12), rand, depth + 1),
        ),
      );
      return {
        t: 'dict',
        entries: keys.map((k) => [k, valueOf(type.val, Math.floor(rand() * 14), rand, depth + 1)]),
      };
    }
  }
}

function uniqueValues(items: readonly PyValue[]): PyValue[] {
  const seen = new Set<string>();
  return items.filter((v) => {
    const key = renderValue(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A value as Python source (strings in JSON's escapes, which Python reads the same). */
export function renderValue(v: PyValue): string {
  switch (v.t) {
    case 'int':
      return String(v.v);
    case 'float':
      return Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
    case 'str':
      return JSON.stringify(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
      return `[${v.items.map(renderValue).join(', ')}]`;
    case 'tuple':
      return v.items.length === 1
        ? `(${renderValue(v.items[0])},)`
        : `(${v.items.map(renderValue).join(', ')})`;
    case 'set':
      return v.items.length === 0 ? 'set()' : `{${v.items.map(renderValue).join(', ')}}`;
    case 'dict':
      return `{${v.entries.map(([k, x]) => `${renderValue(k)}: ${renderValue(x)}`).join(', ')}}`;
  }
}

/**
 * Parses a Python literal (numbers, strings, True/False/None, lists, tuples, sets, dicts); null
 * for anything else (a name, an operator, a call).
 */
export function parsePyLiteral(text: string): PyValue | null {
  const p = new LiteralParser(text);
  const v = p.value();
  return v && p.atEnd() ? v : null;
}

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}
  atEnd(): boolean {
    this.ws();
    return this.i >= this.s.length;
  }
  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
  private eat(ch: string): boolean {
    this.ws();
    if (this.s[this.i] === ch) {
      this.i++;
      return true;
    }
    return false;
  }
  value(): PyValue | null {
    this.ws();
    const rest = this.s.slice(this.i);
    const num = /^-?(?:\d[\d_]*\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)/.exec(rest);
    if (num) {
      this.i += num[0].length;
      const text = num[0].replace(/_/g, '');
      const v = Number(text);
      if (!Number.isFinite(v)) return null;
      return /[.eE]/.test(text) ? { t: 'float', v } : { t: 'int', v };
    }
    const word = /^(True|False|None)\b/.exec(rest);
    if (word) {
      this.i += word[0].length;
      return word[1] === 'None' ? { t: 'none' } : { t: 'bool', v: word[1] === 'True' };
    }
    const ch = this.s[this.i];
    if (ch === '"' || ch === "'") return this.str(ch);
    if (ch === '[' || ch === '(') {
      this.i++;
      const close = ch === '[' ? ']' : ')';
      const items: PyValue[] = [];
      let comma = false;
      while (!this.eat(close)) {
        const v = this.value();
        if (!v) return null;
        items.push(v);
        comma = this.eat(',');
        if (!comma && !this.eat(close)) return null;
        if (!comma) break;
      }
      if (ch === '(' && items.length === 1 && !comma) return items[0]; // a parenthesised value
      return { t: ch === '[' ? 'list' : 'tuple', items };
    }
    if (ch === '{') {
      this.i++;
      const entries: [PyValue, PyValue][] = [];
      const items: PyValue[] = [];
      while (!this.eat('}')) {
        const k = this.value();
        if (!k) return null;
        if (this.eat(':')) {
          const v = this.value();
          if (!v) return null;
          entries.push([k, v]);
        } else items.push(k);
        if (!this.eat(',') && !this.eat('}')) return null;
        else if (this.s[this.i - 1] === '}') break;
      }
      if (entries.length > 0 && items.length > 0) return null;
      return items.length > 0 ? { t: 'set', items } : { t: 'dict', entries };
    }
    return null;
  }
  private str(quote: string): PyValue | null {
    let j = this.i + 1;
    let out = '';
    const escapes: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      "'": "'",
      '"': '"',
      '0': '\0',
    };
    while (j < this.s.length && this.s[j] !== quote) {
      if (this.s[j] === '\\') {
        const e = this.s[j + 1];
        if (e === undefined || !(e in escapes)) return null;
        out += escapes[e];
        j += 2;
      } else out += this.s[j++];
    }
    if (j >= this.s.length) return null;
    this.i = j + 1;
    return { t: 'str', v: out };
  }
}

/** The arguments of every `entry(...)` call in the examples' assertions that are plain literals. */
export function exampleArguments(cases: readonly Pick<JudgeCase, 'code'>[], entry: string): PyValue[][] {
  const out: PyValue[][] = [];
  const re = new RegExp(`(?<![\\w.])${entry.replace(/[$]/g, '\\$')}\\s*\\(`, 'g');
  for (const c of cases) {
    for (let m = re.exec(c.code); m; m = re.exec(c.code)) {
      const open = m.index + m[0].length - 1;
      const close = matching(c.code, open);
      if (close < 0) continue;
      const tuple = parsePyLiteral(`(${c.code.slice(open + 1, close)},)`);
      if (tuple && tuple.t === 'tuple' && tuple.items.length > 0) out.push([...tuple.items]);
    }
  }
  return out;
}

/** Nearby values: the kinds of edits that separate a right implementation from a near miss. */
export function mutations(v: PyValue): PyValue[] {
  switch (v.t) {
    case 'int':
      return [
        { t: 'int', v: v.v + 1 },
        { t: 'int', v: v.v - 1 },
        { t: 'int', v: 0 },
        { t: 'int', v: v.v * 2 + 1 },
      ];
    case 'float':
      return [
        { t: 'float', v: v.v + 0.5 },
        { t: 'float', v: -v.v },
        { t: 'float', v: 0 },
      ];
    case 'bool':
      return [{ t: 'bool', v: !v.v }];
    case 'str': {
      const s = v.v;
      return [
        { t: 'str', v: s.slice(1) },
        { t: 'str', v: [...s].reverse().join('') },
        { t: 'str', v: s + (s[0] ?? 'a') },
        { t: 'str', v: s.toUpperCase() === s ? s.toLowerCase() : s.toUpperCase() },
        { t: 'str', v: '' },
      ];
    }
    case 'list':
    case 'tuple':
    case 'set': {
      const items = v.items;
      const seqs: PyValue[][] = [
        items.slice(1),
        [...items].reverse(),
        items.length > 0 ? [...items, items[0]] : [],
        items.slice(0, Math.max(0, items.length - 1)),
      ];
      if (items.length > 0) seqs.push(items.map((x, i) => (i === 0 ? (mutations(x)[0] ?? x) : x)));
      return seqs.map((s) => (v.t === 'set' ? { t: 'set', items: uniqueValues(s) } : { t: v.t, items: s }));
    }
    case 'dict':
      return [
        { t: 'dict', entries: v.entries.slice(1) },
        { t: 'dict', entries: [] },
      ];
    case 'none':
      return [];
  }
}

/**
 * The function under judgement: the prompt's last top-level def, else the last def of the first
 * candidate that has one. Hints the prompt leaves out come from the candidates' defs of the same
 * function (the hint most of them write; the earliest on a tie).
 */
export function entrySignature(prompt: string, candidates: readonly string[] = []): Signature | null {
  const fromCandidates = candidates.map(pythonSignatures);
  const fromPrompt = pythonSignatures(prompt);
  const entry =
    fromPrompt[fromPrompt.length - 1] ??
    fromCandidates.map((sigs) => sigs[sigs.length - 1]).find((sig) => sig !== undefined);
  if (!entry) return null;
  const twins = fromCandidates.flatMap((sigs) =>
    sigs.filter((sig) => sig.name === entry.name && sig.params.length === entry.params.length),
  );
  return {
    name: entry.name,
    params: entry.params.map((p, i) => {
      if (p.hint) return p;
      const votes = new Map<string, number>();
      for (const t of twins) {
        const h = t.params[i].hint;
        if (h) votes.set(h, (votes.get(h) ?? 0) + 1);
      }
      let best: string | undefined;
      for (const [h, n] of votes) if (best === undefined || n > (votes.get(best) ?? 0)) best = h;
      return best ? { ...p, hint: best } : p;
    }),
  };
}

/** The shape of each parameter: hint, else the examples' values, else the name (a guess). */
export function parameterTypes(
  sig: Signature,
  examples: readonly (readonly PyValue[])[],
): { readonly type: PyType; readonly guessed: boolean }[] {
  return sig.params.map((p, j) => {
    const hinted = p.hint ? parseHint(p.hint) : undefined;
    if (hinted && hinted.k !== 'any') return { type: hinted, guessed: false };
    const seen = examples.find((e) => e.length === sig.params.length)?.[j];
    return seen ? { type: typeOfValue(seen), guessed: false } : { type: typeFromName(p.name), guessed: true };
  });
}

/** Other shapes tried for a parameter whose type is only guessed from its name. */
const ALTERNATIVES: readonly PyType[] = [
  { k: 'str' },
  { k: 'list', of: { k: 'int' } },
  { k: 'int' },
  { k: 'list', of: { k: 'str' } },
  { k: 'float' },
  { k: 'tuple', of: { k: 'int' } },
  { k: 'list', of: { k: 'list', of: { k: 'int' } } },
  { k: 'list', of: { k: 'tuple', of: { k: 'int' } } },
];

/**
 * The generated inputs, deduplicated: mutations of the examples' arguments first (closest to what
 * the user meant), then values of the parameters' types (edge values first), then, for parameters
 * whose type is only guessed, as many again of other shapes. Empty when the signature is unknown.
 */
export function generateInputs(
  sig: Signature,
  examples: readonly (readonly PyValue[])[],
  options: GenerateOptions = {},
): GeneratedInput[] {
  const seen = new Set(examples.map((e) => e.map(renderValue).join(', ')));
  const out: GeneratedInput[] = [];
  const push = (args: readonly PyValue[], from: GeneratedInput['from']): boolean => {
    const text = args.map(renderValue).join(', ');
    if (seen.has(text) || text.length > 400) return false;
    seen.add(text);
    out.push({ args: text, from });
    return true;
  };
  const rand = rng(`${sig.name}(${sig.params.map((p) => `${p.name}:${p.hint ?? ''}`).join(',')})`);
  const arity = sig.params.length;
  const fitting = examples.filter((e) => e.length === arity);
  const maxExamples = options.fromExamples ?? 12;
  // Round-robin over the examples and their arguments, so every example gets its nearest neighbours.
  const queue: PyValue[][] = [];
  const perExample = fitting.map((e) =>
    e.flatMap((v, j) => mutations(v).map((m) => e.map((x, k) => (k === j ? m : x)))),
  );
  for (let r = 0; perExample.some((l) => r < l.length); r++) {
    for (const l of perExample) if (r < l.length) queue.push(l[r]);
  }
  let taken = 0;
  for (const args of queue) {
    if (taken >= maxExamples) break;
    if (push(args, 'example')) taken++;
  }
  if (arity === 0) {
    push([], 'signature');
    return out;
  }
  const types = parameterTypes(sig, fitting);
  const maxTypes = options.fromTypes ?? 20;
  const at = (i: number, j: number): number => (i === 0 ? 0 : (i * (j + 1) + j) % (INT_POOL.length + j));
  let made = 0;
  for (let i = 0; made < maxTypes && i < maxTypes * 3; i++) {
    // Edge values together first (all zero/empty), then each parameter at its own pace.
    if (
      push(
        types.map((t, j) => valueOf(t.type, at(i, j), rand)),
        'signature',
      )
    )
      made++;
  }
  // A guessed type may be wrong: inputs with the guessed parameters of other shapes; the inputs
  // most candidates reject do not count (behaviourClusters.ts).
  if (types.some((t) => t.guessed)) {
    const target = made * 2;
    for (let i = 0; made < target && i < maxTypes * 3; i++) {
      const alt = ALTERNATIVES[i % ALTERNATIVES.length];
      const n = Math.floor(i / ALTERNATIVES.length) * 2 + 1 + (i % 2);
      if (
        push(
          types.map((t, j) => valueOf(t.guessed ? alt : t.type, at(n, j), rand)),
          'signature',
        )
      )
        made++;
    }
  }
  return out;
}

/**
 * The generated cases of a Python judge input with no tests: `entry(args)` for each generated
 * input, after the trusted cases. Empty when no function can be found.
 */
export function generatedCases(
  prompt: string,
  candidates: readonly string[],
  trusted: readonly Pick<JudgeCase, 'code'>[],
  options?: GenerateOptions,
): JudgeCase[] {
  const sig = entrySignature(prompt, candidates);
  if (!sig) return [];
  const examples = exampleArguments(trusted, sig.name);
  return generateInputs(sig, examples, options).map((input, i) => ({
    id: `${GENERATED_TEST_ID}.${i + 1}`,
    testId: GENERATED_TEST_ID,
    code: `${sig.name}(${input.args})`,
    setup: '',
    generated: true,
  }));
}
