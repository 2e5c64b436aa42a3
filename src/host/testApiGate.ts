/**
 * The test API (host/testApi.ts) reads secrets and forces Workspace Trust: any other extension could
 * call it through `getExtension('quorum-dev.quorum').exports`. So it exists only when VS Code runs
 * Quorum for a test run (`--extensionTestsPath`, ExtensionMode.Test), which nothing in a user's
 * editor can switch on. No `vscode` import: the decision is unit-tested in plain mocha.
 */

/** vscode.ExtensionMode's values (a numeric enum fixed by the API: Production 1, Development 2, Test 3). */
export const EXTENSION_MODE_TEST = 3;

/** Builds the test API in a test run; anywhere else returns undefined without building it. */
export function testApiFor<T>(extensionMode: number, build: () => T): T | undefined {
  return extensionMode === EXTENSION_MODE_TEST ? build() : undefined;
}
