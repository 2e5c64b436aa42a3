/**
 * What the edited file uses from its own project, for the edit prompt: the signatures (and the
 * first docstring or comment line) of the project modules it imports, so a model calls the
 * project's helpers instead of re-implementing them. Only files in the snapshot are read (so
 * secrets and the user's exclusions never appear), bounded by a character budget.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { ProjectLanguage } from './types';

/** About 1,500 tokens. */
export const IMPORT_CONTEXT_CHARS = 6_000;

export interface ImportedModule {
  readonly path: string;
  readonly signatures: readonly string[];
}

export function importedModules(
  root: string,
  target: string,
  text: string,
  language: ProjectLanguage,
  files: ReadonlySet<string>,
  budget = IMPORT_CONTEXT_CHARS,
): ImportedModule[] {
  const paths = resolveImports(target, text, language, files).filter((p) => p !== target);
  const out: ImportedModule[] = [];
  let used = 0;
  for (const path of paths) {
    let source: string;
    try {
      source = readFileSync(join(root, path), 'utf8');
    } catch {
      continue;
    }
    const signatures = signaturesOf(source, language);
    const size = signatures.join('\n').length + path.length;
    if (signatures.length === 0 || used + size > budget) continue;
    used += size;
    out.push({ path, signatures });
  }
  return out;
}

/** Project files the text imports, in import order. */
export function resolveImports(
  target: string,
  text: string,
  language: ProjectLanguage,
  files: ReadonlySet<string>,
): string[] {
  const dir = posix.dirname(target);
  const found: string[] = [];
  const add = (candidates: readonly string[]): void => {
    const hit = candidates.map((c) => posix.normalize(c)).find((c) => files.has(c));
    if (hit && !found.includes(hit)) found.push(hit);
  };
  if (language === 'python') {
    for (const m of text.matchAll(/^\s*from\s+(\.+)([\w.]*)\s+import\s+([\w, ()*]+)/gm)) {
      let base = dir;
      for (let i = 1; i < (m[1] ?? '.').length; i++) base = posix.dirname(base);
      const mod = (m[2] ?? '').replace(/\./g, '/');
      if (mod) add([`${base}/${mod}.py`, `${base}/${mod}/__init__.py`]);
      else for (const name of (m[3] ?? '').split(/[,\s()]+/).filter(Boolean)) add([`${base}/${name}.py`]);
    }
    for (const m of text.matchAll(/^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))/gm)) {
      const mod = (m[1] ?? m[2] ?? '').replace(/\./g, '/');
      if (mod) add([`${mod}.py`, `${mod}/__init__.py`, `src/${mod}.py`, `src/${mod}/__init__.py`]);
    }
  } else if (language === 'javascript' || language === 'typescript') {
    const specs = [
      ...text.matchAll(/require\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g),
      ...text.matchAll(/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g),
      ...text.matchAll(/\bimport\s+['"](\.{1,2}\/[^'"]+)['"]/g),
    ].map((m) => m[1] ?? '');
    for (const spec of specs) {
      const base = posix.join(dir, spec);
      const stem = base.replace(/\.(m|c)?js$/, '');
      add([
        base,
        ...['.ts', '.tsx', '.js', '.mjs', '.cjs'].map((e) => stem + e),
        ...['/index.ts', '/index.js'].map((e) => base + e),
      ]);
    }
  } else if (language === 'go') {
    for (const f of files)
      if (posix.dirname(f) === dir && f.endsWith('.go') && !f.endsWith('_test.go')) add([f]);
  } else if (language === 'rust') {
    for (const m of text.matchAll(/\b(?:use\s+(?:crate|super)::|mod\s+)(\w+)/g)) {
      const name = m[1] ?? '';
      add([`${dir}/${name}.rs`, `${dir}/${name}/mod.rs`, `src/${name}.rs`]);
    }
  }
  return found;
}

/** Top-level signatures with their first doc line, in file order. */
export function signaturesOf(source: string, language: ProjectLanguage): string[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  const patterns: Record<ProjectLanguage, RegExp> = {
    python: /^(?:async\s+)?(?:def|class)\s+[A-Za-z_]\w*.*:\s*$|^[A-Z][A-Z0-9_]*\s*=/,
    javascript:
      /^(?:export\s+)?(?:async\s+)?(?:function\*?\s+\w+|class\s+\w+|const\s+\w+\s*=)|^module\.exports\b|^exports\.\w+/,
    typescript:
      /^(?:export\s+)?(?:declare\s+)?(?:async\s+)?(?:function\*?\s+\w+|class\s+\w+|interface\s+\w+|type\s+\w+|const\s+\w+|enum\s+\w+)/,
    go: /^(?:func|type)\s+/,
    rust: /^\s*pub\s+(?:fn|struct|enum|trait|const|type)\s+/,
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!patterns[language].test(line)) continue;
    let sig = line.replace(/\s*\{\s*$/, '').trimEnd();
    if (language === 'python') {
      const doc = /^\s*("""|''')(.*?)("""|''')?\s*$/.exec(lines[i + 1] ?? '');
      if (doc?.[2]) sig += `  # ${doc[2].trim()}`;
    } else {
      const comment = /^\s*(?:\/\/\/?|\*)\s*(.+)$/.exec(lines[i - 1] ?? '');
      if (comment?.[1] && !comment[1].startsWith('/')) sig = `// ${comment[1].trim()}\n${sig}`;
    }
    out.push(sig.length > 300 ? `${sig.slice(0, 300)}…` : sig);
  }
  return out;
}
