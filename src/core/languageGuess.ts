/**
 * Language names for code blocks: fence tags and file extensions normalised to the sandbox's
 * `Language`, and a guess by inspection for blocks (or bare answers) that carry no tag.
 */
import type { Language } from './types';

/** Every spelling models use in fence tags, mapped to the sandbox's language names. */
const ALIASES: Readonly<Record<string, Language>> = {
  python: 'python',
  python3: 'python',
  python2: 'python',
  py: 'python',
  py3: 'python',
  ipython: 'python',
  javascript: 'javascript',
  js: 'javascript',
  node: 'javascript',
  nodejs: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  ecmascript: 'javascript',
  typescript: 'typescript',
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  deno: 'typescript',
  bash: 'bash',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  ksh: 'bash',
  shellscript: 'bash',
  go: 'go',
  golang: 'go',
  rust: 'rust',
  rs: 'rust',
};

/** Normalises a fence tag or file extension (`py`, `Python3`, `.rs`); null when not a sandbox language. */
export function normaliseLanguage(tag: string): Language | null {
  const key = tag.trim().toLowerCase().replace(/^\./, '');
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : null;
}

/** Language implied by a filename's extension (`main.py` -> python). */
export function languageOfFilename(filename: string): Language | null {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? normaliseLanguage(filename.slice(dot + 1)) : null;
}

const SHEBANGS: readonly [RegExp, Language][] = [
  [/^#!.*\bpython[\d.]*\b/, 'python'],
  [/^#!.*\b(?:deno|ts-node|tsx|bun)\b/, 'typescript'],
  [/^#!.*\bnode\b/, 'javascript'],
  [/^#!.*\b(?:bash|sh|zsh|ksh|dash)\b/, 'bash'],
];

/**
 * Signals per language, each worth one point. Several weak signals beat one strong-looking
 * accident (a Python comment that says `const`), so the guess is a vote, not a first match.
 */
const SIGNALS: Readonly<Record<Language, readonly RegExp[]>> = {
  python: [
    /^\s*def \w+\s*\(.*\)\s*(?:->\s*[^:]+)?:\s*$/m,
    /^\s*class \w+(?:\(.*\))?:\s*$/m,
    /^(?:from [\w.]+ import [\w*, ()]+|import [\w.]+(?: as \w+)?(?:, *[\w.]+)*)\s*$/m,
    /^\s*print\(/m,
    /if __name__ == ['"]__main__['"]:/,
    /^\s*(?:elif .*|else|try|except(?: .*)?|finally):\s*$/m,
    /^\s*for \w+(?:, *\w+)* in .+:\s*$/m,
    /\bself\.\w+/,
    /^\s*(?:return|raise) .*[^;{]$/m,
  ],
  javascript: [
    /\bconsole\.(?:log|error|assert)\(/,
    /^\s*(?:const|let|var) [\w{}[\], ]+ =/m,
    /^\s*(?:async )?function\*? \w+\s*\(/m,
    /\brequire\(['"][\w@/.:-]+['"]\)/,
    /=>\s*[{(\w]/,
    /\bmodule\.exports\b|^export (?:default|const|function)\b/m,
    /^import .+ from ['"][^'"]+['"];?\s*$/m,
    /;\s*$/m,
  ],
  typescript: [
    /^\s*(?:export )?interface \w+(?:<[^>]*>)?\s*\{/m,
    /^\s*(?:export )?type \w+(?:<[^>]*>)? =/m,
    /\b(?:const|let|var) \w+\s*:\s*[\w<>[\]|, ]+\s*=/,
    /\(\s*\w+\??\s*:\s*(?:string|number|boolean|unknown|any|readonly |\w+\[\]|Record<|Array<)/,
    /\)\s*:\s*(?:string|number|boolean|void|Promise<|unknown|never)\b/,
    /\bas const\b|\bas (?:string|number|unknown)\b/,
  ],
  bash: [
    /^\s*echo\b/m,
    /^\s*(?:export|local|readonly) \w+=/m,
    /^\s*\w+=(?:"[^"]*"|'[^']*'|\S*)\s*$/m,
    /^\s*(?:fi|done|esac)\s*$/m,
    /^\s*if \[\[? .*\]\]?;?/m,
    /^\s*for \w+ in .*; do\b|^\s*do\s*$/m,
    /\$\{?\w+\}?|\$\(/,
    /^\s*set -[euxo]+/m,
  ],
  go: [/^package \w+\s*$/m, /^func (?:\([^)]*\) )?\w+\(/m, /\bfmt\.\w+\(/, /:= /, /^import \(\s*$/m],
  rust: [
    /\bfn main\s*\(\)/,
    /^\s*(?:pub )?fn \w+(?:<[^>]*>)?\(/m,
    /\blet mut \w+/,
    /\b(?:println|print|vec|format|assert_eq|panic)!\(/,
    /^use (?:std|crate)::/m,
    /\bimpl(?:<[^>]*>)? \w+/,
  ],
};

/**
 * Guesses a block's language from a shebang, then from a vote of typical constructs.
 * TypeScript needs a type-level signal on top of JavaScript's, so plain JS never reads as TS.
 * Null when nothing scores: better no language than a wrong one sent to the sandbox.
 */
export function guessLanguage(code: string): Language | null {
  const firstLine = code.trimStart().split('\n', 1)[0];
  for (const [pattern, language] of SHEBANGS) if (pattern.test(firstLine)) return language;

  const score = (language: Language): number => SIGNALS[language].filter((re) => re.test(code)).length;
  const scores = new Map<Language, number>([
    ['python', score('python')],
    ['javascript', score('javascript')],
    ['bash', score('bash')],
    ['go', score('go')],
    ['rust', score('rust')],
  ]);
  let best: Language | null = null;
  let bestScore = 0;
  for (const [language, value] of scores) {
    if (value > bestScore) [best, bestScore] = [language, value];
  }
  const typed = score('typescript');
  if (typed > 0 && (best === 'javascript' || best === null || typed >= bestScore)) return 'typescript';
  // One lone signal is too weak for anything but the distinctive Go/Rust/Python forms.
  if (bestScore < 2 && (best === 'javascript' || best === 'bash')) return null;
  return best;
}

const CODE_MARK =
  /[(){}[\];=<>]|^\s*(?:#|\/\/)|^\s+\S|^\s*(?:import|from|def|class|return|fn|func|package|use|let|const|var|echo)\b/;

/** True when most lines carry code punctuation or keywords: tells a program from sample output. */
export function looksLikeCode(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.length > 0 && lines.filter((line) => CODE_MARK.test(line)).length * 2 >= lines.length;
}

/**
 * A line of English rather than code: it starts at the margin with a capital, a list marker or
 * a heading, has a few words, and no code punctuation. Indented lines never count: they are
 * docstrings and bodies.
 */
export function isProseLine(line: string): boolean {
  if (/^\s/.test(line) || line.trim() === '') return false;
  const text = line.replace(/^(?:[-*+]|\d+[.)]|#{1,6})\s+/, '');
  if (
    /[;{}=<>]|\)\s*:?$|\($|^(?:import|from|def|class|return|if|for|while|const|let|var|function|fn|func|package|use|print|echo)\b/.test(
      text,
    )
  ) {
    return false;
  }
  return /^[A-Z*_"'`]/.test(text) && text.split(/\s+/).length >= 3;
}

export interface BareCode {
  readonly code: string;
  readonly language: Language | null;
  readonly before: string;
  readonly after: string;
}

/**
 * Finds a program in an answer that has no fence: the longest run of non-prose lines, kept only
 * when it reads as code (a guessed language, or code punctuation under a requested language).
 * Null for pure prose such as a refusal.
 */
export function splitBareCode(text: string, requested?: Language): BareCode | null {
  const lines = text.split('\n');
  // Runs of code lines: blank lines do not break a run, prose lines do.
  const runs: { from: number; to: number; count: number }[] = [];
  let run: { from: number; to: number; count: number } | null = null;
  lines.forEach((line, i) => {
    if (isProseLine(line)) run = null;
    else if (line.trim() !== '') {
      if (run === null) runs.push((run = { from: i, to: i + 1, count: 0 }));
      run.to = i + 1;
      run.count++;
    }
  });
  const best = runs.reduce<(typeof runs)[number] | null>(
    (a, b) => (a === null || b.count > a.count ? b : a),
    null,
  );
  if (best === null) return null;
  const { from, to: end } = best;
  const code = dedent(lines.slice(from, end).join('\n'));
  const guess = guessLanguage(code);
  if (guess === null && !(requested !== undefined && looksLikeCode(code))) return null;
  return {
    code,
    language: requested ?? guess,
    before: lines.slice(0, from).join('\n'),
    after: lines.slice(end).join('\n'),
  };
}

function dedent(code: string): string {
  const indents = code
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
  const cut = Math.min(...indents);
  return cut > 0 ? code.replace(new RegExp(`^[ \\t]{${cut}}`, 'gm'), '') : code;
}
