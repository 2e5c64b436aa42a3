/**
 * The folder and user settings every real-VS-Code run starts from: a throw-away copy of sample/
 * (so tests may edit and save files freely) and settings that keep the workbench quiet and
 * deterministic (no welcome page, no telemetry, no trust prompt).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './vscodeServer';

export interface TestWorkspace {
  /** Absolute path of the folder to open. */
  readonly folder: string;
  remove(): void;
}

/** Copies sample/ (or makes an empty folder while the sample does not exist yet). */
export function prepareWorkspace(): TestWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'quorum-workspace-'));
  const folder = join(root, 'sample');
  const sample = join(REPO_ROOT, 'sample');
  if (existsSync(sample)) cpSync(sample, folder, { recursive: true });
  else mkdirSync(folder);
  return { folder, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** User settings for test runs; `extra` (e.g. quorum.models) overrides the defaults. */
export function testUserSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // A fresh folder would open in Restricted Mode; tests of untrusted behaviour set this back.
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'git.enabled': false,
    ...extra,
  };
}
