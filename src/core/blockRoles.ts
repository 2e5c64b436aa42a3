/**
 * What each fenced block in an answer is for, and which one is the program to run.
 * Models wrap the program in install commands, sample output, config files, patches and
 * tests; only one block is the program, and the others stay available beside it.
 */
import type { CodeBlock, Language } from './types';

export type BlockRole = 'program' | 'tests' | 'output' | 'setup' | 'diff' | 'data';

/** A block as the extractor found it, before roles are decided. */
export interface FoundBlock {
  readonly block: CodeBlock;
  /** First word of the info string, lower case (`python`, `text`, `json`), empty when untagged. */
  readonly tag: string;
  /** The info string said so (`python tests`) or the filename is a test file. */
  readonly declaredTests: boolean;
}

const OUTPUT_TAGS = new Set([
  'text', 'txt', 'plaintext', 'plain', 'output', 'out', 'console', 'terminal', 'shell-session',
  'sh-session', 'log', 'stdout', 'stderr', 'result', 'results', 'pycon', 'none',
]); // prettier-ignore
const DATA_TAGS = new Set([
  'json',
  'jsonc',
  'json5',
  'yaml',
  'yml',
  'toml',
  'xml',
  'csv',
  'tsv',
  'ini',
  'env',
  'dotenv',
]);
const DIFF_TAGS = new Set(['diff', 'patch', 'udiff']);

/**
 * Commands that prepare or launch a program rather than being one: installs, virtualenvs,
 * `python main.py`, `go run .`. A block made only of these is instructions for the user.
 */
const SETUP_LINE =
  /^(?:\$\s*)?(?:sudo\s+)?(?:pip3?|python3? -m (?:pip|venv)|python3?|py|uv|poetry|conda|npm|npx|yarn|pnpm|bun|deno|node|ts-node|tsx|tsc|go|cargo|rustc|apt(?:-get)?|brew|cd|mkdir|chmod|source|\.\s|\.\/[\w.-]+|export \w+=|set |virtualenv|curl|wget)\b/;

const meaningfulLines = (code: string): string[] =>
  code.split('\n').filter((line) => line.trim() !== '' && !/^\s*(?:#(?!!)|\/\/)/.test(line));

function isSetupOnly(code: string): boolean {
  const lines = meaningfulLines(code);
  return lines.length > 0 && lines.every((line) => SETUP_LINE.test(line.trim()));
}

function isUnifiedDiff(code: string): boolean {
  const lines = meaningfulLines(code);
  return /^@@ .* @@/m.test(code) && lines.every((l) => /^(?:[+\- ]|@@|diff |index |--- |\+\+\+ )/.test(l));
}

function isJsonData(code: string): boolean {
  const trimmed = code.trim();
  if (!/^[[{]/.test(trimmed)) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

/** A pasted terminal or REPL session (`>>> f(2)`, `$ ls`): what running looked like, not a program. */
function isTranscript(code: string): boolean {
  const first = meaningfulLines(code)[0] ?? '';
  return /^(?:>>>|\$) /.test(first) && !isSetupOnly(code);
}

/** The role a block has on its own, from its tag and content. */
export function roleOf(found: FoundBlock): BlockRole {
  const { block, tag } = found;
  if (found.declaredTests) return 'tests';
  if (DIFF_TAGS.has(tag) || (block.language === null && isUnifiedDiff(block.code))) return 'diff';
  if (OUTPUT_TAGS.has(tag) || isTranscript(block.code)) return 'output';
  if (DATA_TAGS.has(tag) || (tag === '' && isJsonData(block.code))) return 'data';
  if ((block.language === 'bash' || tag === '') && isSetupOnly(block.code)) return 'setup';
  if (block.language === null && tag === '') return 'output';
  return 'program';
}

/** Names a block defines: functions, classes, constants, methods the tests would call. */
export function definedNames(code: string): Set<string> {
  const names = new Set<string>();
  const patterns = [
    /^\s*(?:async\s+)?def\s+(\w+)/gm,
    /^\s*class\s+(\w+)/gm,
    /^\s*(?:export\s+)?(?:async\s+)?function\*?\s+(\w+)/gm,
    /^\s*(?:export\s+)?(?:const|let|var)\s+(\w+)\s*(?::[^=]+)?=/gm,
    /^\s*(?:pub\s+)?fn\s+(\w+)/gm,
    /^func\s+(?:\([^)]*\)\s*)?(\w+)/gm,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) names.add(m[1]);
  return names;
}

const ASSERT_LINE = /^\s*(?:assert\b|assert\.\w+\(|assert\(|console\.assert\(|expect\()/;
const IMPORT_LINE = /^\s*(?:import\s|from\s+\S+\s+import\s|(?:const|let|var)\s+.+=\s*require\(|use\s)/;

/**
 * A block of bare checks (`assert add(2, 3) == 5`) that call what another block defines, or a
 * pytest / mocha style suite. Such a block exercises the program; it is never the program.
 */
export function looksLikeTestsFor(code: string, otherNames: ReadonlySet<string>): boolean {
  const lines = meaningfulLines(code);
  const asserts = lines.filter((line) => ASSERT_LINE.test(line));
  // Indented lines and closing brackets continue an assert that spans several lines.
  const partOfChecks = (line: string): boolean =>
    ASSERT_LINE.test(line) || IMPORT_LINE.test(line) || /^(?:\s+|[)\]}])/.test(line);
  if (asserts.length > 0 && lines.every(partOfChecks)) {
    return asserts.some((line) => [...otherNames].some((name) => new RegExp(`\\b${name}\\s*\\(`).test(line)));
  }
  const defs = [...code.matchAll(/^\s*def\s+(\w+)/gm)].map((m) => m[1]);
  if (defs.length > 0 && defs.every((name) => name.startsWith('test')) && /\bassert\b/.test(code))
    return true;
  if (/^\s*#\[test\]/m.test(code) || /^func Test\w*\(t \*testing\.T\)/m.test(code)) return true;
  return /^\s*(?:describe|it|test)\(\s*['"`]/m.test(code) && /\b(?:expect|assert)\b/.test(code);
}

const ENTRY_POINT = /if __name__ == ['"]__main__['"]|^func main\(\)|\bfn main\s*\(\)|^\s*main\(\);?\s*$/m;

/**
 * Ranks the programs: the requested language first, then something the sandbox can run, then a
 * visible entry point (helpers rarely have one), then size. Ties go to the later block, since
 * models tend to put helpers first and the finished program last.
 */
export function pickMain(programs: readonly CodeBlock[], requested?: Language): CodeBlock | null {
  let best: CodeBlock | null = null;
  let bestKey: number[] = [];
  for (const block of programs) {
    const key = [
      requested !== undefined && block.language === requested ? 1 : 0,
      block.language !== null ? 1 : 0,
      ENTRY_POINT.test(block.code) || /^main\./.test(block.filename ?? '') ? 1 : 0,
      meaningfulLines(block.code).length,
    ];
    if (best === null || compareKeys(key, bestKey) >= 0) [best, bestKey] = [block, key];
  }
  return best;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
