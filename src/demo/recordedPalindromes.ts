/**
 * Recorded answers to the second demo prompt, `is_palindrome(s)` ignoring case and punctuation.
 * The Groq/Llama answer forgets punctuation, a mistake real models make with this prompt.
 */
import type { Recording } from './replayTypes';

const gpt4oMini = `To check for a palindrome while ignoring case, spaces and punctuation, we first keep only the alphanumeric characters (lower-cased), then compare the cleaned string with its reverse.

\`\`\`python
def is_palindrome(s):
    """Return True if s reads the same forwards and backwards, ignoring case and non-alphanumerics."""
    cleaned = "".join(ch.lower() for ch in s if ch.isalnum())
    return cleaned == cleaned[::-1]


if __name__ == "__main__":
    print(is_palindrome("A man, a plan, a canal: Panama"))
    print(is_palindrome("hello"))
\`\`\`

\`\`\`python tests
assert is_palindrome("A man, a plan, a canal: Panama") is True
assert is_palindrome("hello") is False
assert is_palindrome("") is True
assert is_palindrome("No 'x' in Nixon") is True
assert is_palindrome("ab") is False
\`\`\`

This prints \`True\` and then \`False\`.`;

// Strips spaces but not punctuation, so the classic "Panama" example comes out False.
const llama33 = `**Palindrome Checker**
=====================

Below is a Python function that checks whether a given string is a palindrome, ignoring case and spaces.

\`\`\`python
def is_palindrome(s):
    """
    Checks if a string is a palindrome.

    Args:
        s (str): The input string.

    Returns:
        bool: True if the string is a palindrome, False otherwise.
    """
    s = s.replace(" ", "").lower()
    return s == s[::-1]


if __name__ == "__main__":
    print(is_palindrome("A man, a plan, a canal: Panama"))
    print(is_palindrome("hello"))
\`\`\`

### Explanation

1.  The function removes all spaces and converts the string to lowercase.
2.  It then compares the string with its reverse using slicing (\`[::-1]\`).

\`\`\`python tests
assert is_palindrome("racecar") is True
assert is_palindrome("Step on no pets") is True
assert is_palindrome("hello") is False
\`\`\``;

const qwenCoder = `\`\`\`python
import re


def is_palindrome(s):
    t = re.sub(r"[^a-z0-9]", "", s.lower())
    return t == t[::-1]


if __name__ == "__main__":
    print(is_palindrome("A man, a plan, a canal: Panama"))
    print(is_palindrome("hello"))
\`\`\`

\`\`\`python tests
assert is_palindrome("A man, a plan, a canal: Panama")
assert not is_palindrome("hello")
assert is_palindrome("Was it a car or a cat I saw?")
\`\`\``;

const deepseekR1 = `<think>
The user wants is_palindrome(s) that ignores case, spaces and punctuation. Simplest: filter to alphanumerics, lowercase, compare with the reverse. But I can avoid building a reversed copy with two pointers moving inward, skipping non-alphanumeric characters.

Edge cases: empty string — that's a palindrome. A string of only punctuation like "!!" — also a palindrome after cleaning. "A man, a plan, a canal: Panama" should be True; "hello" False.

Two pointers: i = 0, j = len(s) - 1. While i < j: advance i while s[i] is not alnum, retreat j while s[j] is not alnum, compare lowercased characters, move both. Need to keep i < j in the inner loops so they don't cross.
</think>

A two-pointer scan compares characters from both ends, skipping anything that is not a letter or digit, so no cleaned copy of the string is needed.

\`\`\`python
def is_palindrome(s: str) -> bool:
    i, j = 0, len(s) - 1
    while i < j:
        while i < j and not s[i].isalnum():
            i += 1
        while i < j and not s[j].isalnum():
            j -= 1
        if s[i].lower() != s[j].lower():
            return False
        i += 1
        j -= 1
    return True


if __name__ == "__main__":
    print(is_palindrome("A man, a plan, a canal: Panama"))
    print(is_palindrome("hello"))
\`\`\`

\`\`\`python tests
assert is_palindrome("A man, a plan, a canal: Panama")
assert not is_palindrome("hello")
assert is_palindrome("")
assert is_palindrome("!!")
assert not is_palindrome("0P")
\`\`\``;

export const PALINDROME_ANSWERS: Readonly<Record<string, Recording>> = {
  'demo-gpt-4o-mini': { text: gpt4oMini, ttftMs: 350, chunkDelayMs: 9 },
  'demo-llama-3.3-70b': { text: llama33, ttftMs: 160, chunkDelayMs: 3 },
  'demo-qwen2.5-coder': { text: qwenCoder, ttftMs: 600, chunkDelayMs: 22 },
  'demo-deepseek-r1': { text: deepseekR1, ttftMs: 850, chunkDelayMs: 6 },
};
