/**
 * Recorded answers to the JavaScript demo prompt, `chunk(array, size)`. The Groq/Llama answer drops
 * a short last chunk, a mistake real models make with this prompt; the others agree.
 */
import type { Recording } from './replayTypes';

const gpt4oMini = `Here is a straightforward implementation: walk the array in steps of \`size\` and slice each piece.

\`\`\`javascript
function chunk(array, size) {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be a positive integer');
  const out = [];
  for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
  return out;
}

console.log(JSON.stringify(chunk([1, 2, 3, 4, 5], 2)));
\`\`\`

\`\`\`javascript tests
console.assert(JSON.stringify(chunk([1, 2, 3, 4, 5], 2)) === '[[1,2],[3,4],[5]]');
console.assert(JSON.stringify(chunk([], 3)) === '[]');
console.assert(JSON.stringify(chunk([1, 2, 3], 5)) === '[[1,2,3]]');
console.assert(JSON.stringify(chunk(['a', 'b', 'c', 'd'], 2)) === '[["a","b"],["c","d"]]');
\`\`\`

This prints \`[[1,2],[3,4],[5]]\`.`;

// Uses Math.floor for the number of chunks, so a short last chunk is lost.
const llama33 = `**Chunking an Array**
=====================

\`\`\`javascript
function chunk(array, size) {
  const count = Math.floor(array.length / size);
  const result = [];
  for (let i = 0; i < count; i++) {
    result.push(array.slice(i * size, (i + 1) * size));
  }
  return result;
}

console.log(JSON.stringify(chunk([1, 2, 3, 4, 5], 2)));
\`\`\`

### Explanation
1. We compute how many chunks fit.
2. Each chunk is a slice of \`size\` elements.`;

const qwenCoder = `\`\`\`javascript
const chunk = (array, size) =>
  Array.from({ length: Math.ceil(array.length / size) }, (_, i) => array.slice(i * size, i * size + size));

console.log(JSON.stringify(chunk([1, 2, 3, 4, 5], 2)));
\`\`\`

\`\`\`javascript tests
console.assert(JSON.stringify(chunk([1, 2, 3, 4, 5], 2)) === '[[1,2],[3,4],[5]]');
console.assert(JSON.stringify(chunk([1, 2, 3, 4], 4)) === '[[1,2,3,4]]');
console.assert(JSON.stringify(chunk([0], 1)) === '[[0]]');
\`\`\``;

const deepseekR1 = `<think>
Split into groups of size; the last group may be shorter. Use a loop with slice; handle an empty array.
</think>

\`\`\`javascript
function chunk(array, size) {
  const result = [];
  let index = 0;
  while (index < array.length) {
    result.push(array.slice(index, index + size));
    index += size;
  }
  return result;
}

console.log(JSON.stringify(chunk([1, 2, 3, 4, 5], 2)));
\`\`\`

\`\`\`javascript tests
console.assert(JSON.stringify(chunk([1, 2, 3, 4, 5, 6, 7], 3)) === '[[1,2,3],[4,5,6],[7]]');
console.assert(JSON.stringify(chunk([], 2)) === '[]');
\`\`\`

The last chunk holds whatever is left over.`;

export const CHUNK_ANSWERS: Readonly<Record<string, Recording>> = {
  'demo-gpt-4o-mini': { text: gpt4oMini, ttftMs: 380, chunkDelayMs: 9 },
  'demo-llama-3.3-70b': { text: llama33, ttftMs: 170, chunkDelayMs: 3 },
  'demo-qwen2.5-coder': { text: qwenCoder, ttftMs: 650, chunkDelayMs: 22 },
  'demo-deepseek-r1': { text: deepseekR1, ttftMs: 900, chunkDelayMs: 6 },
};
