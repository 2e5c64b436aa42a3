/**
 * Output normalisation for the consensus vote: two programs that print the same answer in
 * slightly different clothes (CRLF, trailing blanks, 0.30000000000000004 vs 0.3, a set printed
 * in another order) must land in the same cluster.
 */
export function normaliseOutput(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => sortSetLiterals(roundFloats(line.trimEnd())))
    .join('\n')
    .trim();
}

/** Floats compared to 6 significant digits; integers stay as they are. */
function roundFloats(line: string): string {
  return line.replace(/-?\d+\.\d+(?:[eE][-+]?\d+)?/g, (m) => {
    const value = Number(m);
    return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : m;
  });
}

/** `{3, 1, 2}` and `{1, 2, 3}` are the same set; dict literals (with `:`) keep their order. */
function sortSetLiterals(line: string): string {
  return line.replace(/\{([^{}:]*)\}/g, (_m, inner: string) => {
    const items = inner
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return `{${items.sort().join(', ')}}`;
  });
}

/**
 * Groups ids by normalised output, largest first (ties: the cluster whose first member comes
 * first). Empty outputs are not clustered: agreeing on printing nothing proves nothing.
 */
export function clusterOutputs(
  outputs: readonly { readonly id: string; readonly stdout: string }[],
): string[][] {
  const clusters = new Map<string, string[]>();
  for (const { id, stdout } of outputs) {
    const key = normaliseOutput(stdout);
    if (key === '') continue;
    clusters.set(key, [...(clusters.get(key) ?? []), id]);
  }
  return [...clusters.values()].sort((a, b) => b.length - a.length);
}
