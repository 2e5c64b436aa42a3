/**
 * M4: settings that decide where code, answers or keys go can be set only by the user, never by a
 * repository's .vscode/settings.json, even once the user trusts that folder so answers may run.
 * VS Code enforces this for settings of `application` scope: it ignores their workspace values.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Setting {
  readonly scope?: string;
}
const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: {
    configuration: { properties: Record<string, Setting> } | { properties: Record<string, Setting> }[];
  };
};
const sections = Array.isArray(manifest.contributes.configuration)
  ? manifest.contributes.configuration
  : [manifest.contributes.configuration];
const settings: Record<string, Setting> = {};
for (const section of sections) Object.assign(settings, section.properties);

/** Where models are (and so where keys go), which engine runs code, which gateway gets it. */
const ROUTING = [
  'quorum.models',
  'quorum.server.url',
  'quorum.sandbox.dockerHost',
  'quorum.sandbox.engines',
  'quorum.sandbox.images',
];

describe('security: settings that route code and keys are the user’s alone (M4)', () => {
  for (const name of ROUTING) {
    it(`${name} has application scope (a workspace value is ignored)`, () => {
      assert.ok(settings[name], `${name} is not contributed`);
      assert.ok(
        settings[name].scope === 'application' || settings[name].scope === 'machine',
        `${name} has scope ${settings[name].scope ?? '(none: window, so a workspace can set it)'}`,
      );
    });
  }

  // M5: what every ask is told, and the spend confirmation, are the user's too.
  for (const name of ['quorum.systemPrompt', 'quorum.confirmAboveUsd']) {
    it(`${name} has application scope (a repository can neither inject instructions nor waive the spend check)`, () => {
      assert.equal(settings[name]?.scope, 'application');
    });
  }

  it('no other setting names a host, an engine or an endpoint without such a scope', () => {
    const looksRouting = /url|host|engine|endpoint|image|models$/i;
    const loose = Object.entries(settings)
      .filter(([name]) => looksRouting.test(name))
      .filter(([, s]) => s.scope !== 'application' && s.scope !== 'machine')
      .map(([name]) => name);
    assert.deepEqual(loose, []);
  });
});
