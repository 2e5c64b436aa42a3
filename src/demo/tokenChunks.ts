/**
 * Splits recorded text into pieces the size real models stream (a word or part of one, with its
 * leading whitespace), so the panel and the CLI see a realistic stream. Joining the pieces gives the text back.
 */
export function tokenChunks(text: string): string[] {
  // Up to 6 visible characters per piece is close to a BPE token or two; whitespace rides along.
  return text.match(/\s*\S{1,6}|\s+/g) ?? [];
}

/** A rough token count (4 characters per token) for the usage the replay reports. */
export function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
