// Runs inside the real extension host: Add Model lists the server's own models over its real wire,
// writes the pick to the USER settings without a key, stores a key per endpoint, and falls back to a
// typed name when the list is unavailable; its last step is the cascade tier (default from kind and
// price), which Edit Model changes again. Remove takes the model out again.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { BACK, vscodeAddModelUi, vscodeEditModelUi } from '../../../src/host/addModel';
import type {
  AddModelUi,
  Back,
  DefaultTier,
  EditChoice,
  EditModelUi,
  FlowStep,
} from '../../../src/host/addModel';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import type { ProviderKind } from '../../../src/core/types';
import { quorumApi, setQuorumSettings, until } from './quorumApi';

const SECRET = 'sk-add-model-key-0123456789';

interface Script {
  /** One kind, or the kinds picked in turn (after a Back to the first step). */
  kind: ProviderKind | ProviderKind[];
  baseUrl?: string;
  /** One key, or the answers of the key step in turn (BACK presses Back). */
  key?: string | (string | Back | undefined)[];
  pick: (listed: readonly string[] | undefined) => string;
  /** The answers of the tier step in turn; by default the suggested tier (Enter on the default). */
  tier?: (number | Back | undefined)[];
}

/** A scripted user: answers each prompt and records what the flow showed. */
function scripted(script: Script): AddModelUi & {
  shown: Shown;
} {
  const shown: Shown = { keyAsked: 0, steps: [] };
  const kinds = Array.isArray(script.kind) ? [...script.kind] : [script.kind];
  const keys = Array.isArray(script.key) ? [...script.key] : [script.key];
  const tiers = [...(script.tier ?? [])];
  const step = (name: string, at: FlowStep): void =>
    void shown.steps.push(`${name} ${at.step}/${at.totalSteps}`);
  return {
    shown,
    pickKind: (at) => {
      step('kind', at);
      return Promise.resolve(kinds.length > 1 ? kinds.shift() : kinds[0]);
    },
    baseUrl: (_kind, suggested, at) => {
      step('url', at);
      shown.baseUrlSuggested = suggested;
      return Promise.resolve(script.baseUrl);
    },
    key: (_kind, _baseUrl, _optional, at) => {
      step('key', at);
      shown.keyAsked++;
      return Promise.resolve(keys.length > 1 ? keys.shift() : keys[0]);
    },
    pickModel: (listed, problem, at) => {
      step('model', at);
      shown.listed = listed;
      shown.problem = problem;
      return Promise.resolve(script.pick(listed));
    },
    pickTier: (_model, suggested, _current, at) => {
      step('tier', at);
      shown.suggestedTier = suggested;
      return Promise.resolve(tiers.length ? tiers.shift() : suggested.tier);
    },
  };
}

interface Shown {
  listed?: readonly string[];
  problem?: string;
  keyAsked: number;
  baseUrlSuggested?: string;
  /** Each prompt shown, with its step counter: `key 2/4`. */
  steps: string[];
  suggestedTier?: DefaultTier;
}

/** A scripted Edit Model user: the choices of step 1 and the tiers of step 2, in turn. */
function scriptedEdit(
  choices: (EditChoice | undefined)[],
  tiers: (number | Back | undefined)[],
): EditModelUi & { steps: string[]; current: { current: number; own: boolean }[] } {
  const steps: string[] = [];
  const current: { current: number; own: boolean }[] = [];
  return {
    steps,
    current,
    pickEdit: (_model, tier, at) => {
      steps.push(`edit ${at.step}/${at.totalSteps}`);
      current.push(tier);
      return Promise.resolve(choices.shift());
    },
    pickTier: (_model, _suggested, _current, at) => {
      steps.push(`tier ${at.step}/${at.totalSteps}`);
      return Promise.resolve(tiers.shift());
    },
  };
}

function userModels(): Record<string, unknown>[] {
  return (
    vscode.workspace.getConfiguration('quorum').inspect<Record<string, unknown>[]>('models')?.globalValue ??
    []
  );
}

describe('Add Model', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startReplayServer({ models: ['beta-chat', 'alpha-coder'] });
    await setQuorumSettings({ models: [] });
  });
  after(async () => {
    await server.close();
    const api = await quorumApi();
    for (const id of api.models().map((m) => m.id)) await api.secrets.clear(id);
    await setQuorumSettings({ models: undefined });
  });

  it("picks from an OpenAI-compatible server's GET /v1/models and writes the user settings", async () => {
    const api = await quorumApi();
    const ui = scripted({
      kind: 'openai-compatible',
      baseUrl: `${server.url}/v1/`,
      pick: (l) => l?.[0] ?? '',
    });
    const added = await api.addModel(ui);
    assert.deepEqual(ui.shown.listed, ['alpha-coder', 'beta-chat'], "the server's own list, sorted");
    assert.equal(ui.shown.keyAsked, 0, 'a keyless local server is not asked for a key');
    assert.ok(server.requests.some((r) => r.method === 'GET' && r.path === '/v1/models'));
    assert.deepEqual(added, {
      id: 'local-alpha-coder',
      kind: 'openai-compatible',
      model: 'alpha-coder',
      baseUrl: `${server.url}/v1`,
      enabled: true,
    });
    assert.deepEqual(userModels(), [added], 'written to the user settings');
    const info = vscode.workspace.getConfiguration('quorum').inspect('models');
    assert.equal(info?.workspaceValue, undefined, 'never to the workspace');
    await until(() => api.models().some((m) => m.id === 'local-alpha-coder'), 5000, 'the settings snapshot');
  });

  it("picks from Ollama's /api/tags, and a second pick of the same name gets its own id", async () => {
    const api = await quorumApi();
    const first = await api.addModel(
      scripted({ kind: 'ollama', baseUrl: server.url, pick: () => 'beta-chat' }),
    );
    const ui = scripted({ kind: 'ollama', baseUrl: server.url, pick: (l) => l?.[1] ?? '' });
    const second = await api.addModel(ui);
    assert.equal(ui.shown.baseUrlSuggested, 'http://127.0.0.1:11434', "Ollama's default is offered");
    assert.deepEqual(ui.shown.listed, ['alpha-coder', 'beta-chat']);
    assert.ok(server.requests.some((r) => r.path === '/api/tags'));
    assert.equal(first?.id, 'ollama-beta-chat');
    assert.equal(second?.id, 'ollama-beta-chat-2');
    assert.deepEqual(
      userModels().map((m) => m.id),
      ['local-alpha-coder', 'ollama-beta-chat', 'ollama-beta-chat-2'],
    );
  });

  it('asks the key once per endpoint, stores it in secret storage only, and takes a typed name when the list is unavailable', async () => {
    const api = await quorumApi();
    // The OpenAI API is unreachable from the test machine: the flow falls back to a typed name.
    const ui = scripted({ kind: 'openai', key: SECRET, pick: () => 'gpt-4o-mini' });
    const added = await api.addModel(ui);
    assert.equal(ui.shown.keyAsked, 1);
    assert.equal(ui.shown.listed, undefined);
    assert.match(ui.shown.problem ?? '', /api\.openai\.com/);
    assert.equal(added?.id, 'openai-gpt-4o-mini');
    await until(() => api.models().some((m) => m.id === 'openai-gpt-4o-mini'), 5000, 'the new model');
    assert.equal(await api.secrets.get('openai-gpt-4o-mini'), SECRET);
    assert.doesNotMatch(
      JSON.stringify(vscode.workspace.getConfiguration('quorum').inspect('models')),
      /sk-add/,
    );

    const again = scripted({ kind: 'openai', key: 'never-asked', pick: () => 'gpt-4.1' });
    await api.addModel(again);
    assert.equal(again.shown.keyAsked, 0, 'the second model on the endpoint shares the stored key');
    await until(() => api.models().some((m) => m.id === 'openai-gpt-4.1'), 5000, 'the second model');
    assert.equal(await api.secrets.get('openai-gpt-4.1'), SECRET);
  });

  it('every step shows its counter; Back from the key step returns to the kind, and nothing is written until the end', async () => {
    const api = await quorumApi();
    const ollama = scripted({ kind: 'ollama', baseUrl: server.url, pick: () => 'alpha-coder' });
    await api.addModel(ollama);
    assert.deepEqual(ollama.shown.steps, ['kind 1/4', 'url 2/4', 'model 3/4', 'tier 4/4']);

    const before = userModels();
    // Groq needs a key: Back on the key step, then Ollama instead.
    const ui = scripted({
      kind: ['groq', 'ollama'],
      key: [BACK],
      baseUrl: server.url,
      pick: () => 'beta-chat',
    });
    const added = await api.addModel(ui);
    assert.deepEqual(ui.shown.steps, ['kind 1/4', 'key 2/4', 'kind 1/4', 'url 2/4', 'model 3/4', 'tier 4/4']);
    assert.equal(added?.kind, 'ollama');
    assert.equal(userModels().length, before.length + 1, 'only the model of the finished flow');
    assert.equal(await api.secrets.get(added?.id ?? ''), undefined, 'no key was stored');
  });

  it('the real key box: its Back button answers Back, and Escape cancels', async () => {
    const at = { step: 2, totalSteps: 4 };
    const answer = vscodeAddModelUi.key('groq', undefined, false, at);
    await new Promise((r) => setTimeout(r, 500)); // the box is shown
    await vscode.commands.executeCommand('workbench.action.quickInputBack');
    assert.equal(await answer, BACK);
    // Escape (the box hidden) is a cancel, not Back.
    const cancelled = vscodeAddModelUi.key('groq', undefined, false, at);
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await cancelled, undefined);
  });

  it('the tier step: local for Ollama, cheap cloud for an unpriced cloud model; only a tier other than the default is written, and Back returns to the model list', async () => {
    const api = await quorumApi();
    const local = scripted({ kind: 'ollama', baseUrl: server.url, pick: () => 'alpha-coder' });
    const localAdded = await api.addModel(local);
    assert.equal(local.shown.suggestedTier?.tier, 1);
    assert.match(local.shown.suggestedTier?.why ?? '', /this machine/);
    assert.equal(localAdded?.tier, undefined, 'the default tier is not written');

    // OpenAI without a price is cloud: cheap by default; the user makes it premium, after a Back
    // from the tier step to the model list (the endpoint's key is stored already).
    const ui = scripted({ kind: 'openai', pick: () => 'gpt-4.1-mini', tier: [BACK, 3] });
    const added = await api.addModel(ui);
    assert.deepEqual(ui.shown.steps, ['kind 1/4', 'model 2/3', 'tier 3/3', 'model 2/3', 'tier 3/3']);
    assert.equal(ui.shown.suggestedTier?.tier, 2);
    assert.match(ui.shown.suggestedTier?.why ?? '', /without a configured price/);
    assert.equal(added?.tier, 3);
    assert.equal(userModels().find((m) => m.id === added?.id)?.tier, 3, 'written to the user settings');
    await until(
      () => api.models().some((m) => m.id === added?.id && m.tier === 3),
      5000,
      'the settings snapshot with the tier',
    );

    const cancelled = scripted({
      kind: 'ollama',
      baseUrl: server.url,
      pick: () => 'beta-chat',
      tier: [undefined],
    });
    const count = userModels().length;
    assert.equal(await api.addModel(cancelled), undefined, 'Escape on the tier step cancels');
    assert.equal(userModels().length, count);
  });

  it('Edit Model changes the tier (Back from the tier to the first step), and the default tier removes the setting', async () => {
    const api = await quorumApi();
    const id = 'local-alpha-coder';
    const ui = scriptedEdit(['tier', 'tier'], [BACK, 3]);
    const edited = await vscode.commands.executeCommand<Record<string, unknown> | undefined>(
      'quorum.editModel',
      id,
      ui,
    );
    assert.deepEqual(ui.steps, ['edit 1/2', 'tier 2/2', 'edit 1/2', 'tier 2/2']);
    assert.deepEqual(ui.current[0], { current: 1, own: false }, 'a loopback server: tier 1 by default');
    assert.equal(edited?.tier, 3);
    const entry = (): Record<string, unknown> | undefined => userModels().find((m) => m.id === id);
    assert.equal(entry()?.tier, 3);
    assert.equal(entry()?.model, 'alpha-coder', 'the other fields kept');
    await until(() => api.models().some((m) => m.id === id && m.tier === 3), 5000, 'the new tier');

    const back = scriptedEdit(['tier'], [1]);
    await vscode.commands.executeCommand('quorum.editModel', id, back);
    assert.deepEqual(back.current[0], { current: 3, own: true });
    assert.ok(entry() && !('tier' in entry()!), 'the default tier is not written');

    const cancel = scriptedEdit([undefined], []);
    assert.equal(await vscode.commands.executeCommand('quorum.editModel', id, cancel), undefined);
    assert.deepEqual(cancel.steps, ['edit 1/2']);
  });

  it('the real tier picker highlights the current tier, else the default, and has Back', async () => {
    const model = { id: 'm', kind: 'ollama' as const, model: 'x', enabled: true };
    const suggested = { tier: 1, why: 'it runs on this machine' };
    const at = { step: 4, totalSteps: 4 };
    const accept = async (answer: Promise<unknown>): Promise<unknown> => {
      await new Promise((r) => setTimeout(r, 500)); // the pick is shown
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return answer;
    };
    assert.equal(await accept(vscodeAddModelUi.pickTier(model, suggested, undefined, at)), 1);
    assert.equal(await accept(vscodeEditModelUi.pickTier(model, suggested, 3, at)), 3);
    const answer = vscodeAddModelUi.pickTier(model, suggested, undefined, at);
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('workbench.action.quickInputBack');
    assert.equal(await answer, BACK);
  });

  it('cancelling at any step writes nothing', async () => {
    const api = await quorumApi();
    const before = userModels();
    assert.equal(await api.addModel(scripted({ kind: 'groq', key: undefined, pick: () => 'x' })), undefined);
    assert.equal(
      await api.addModel(scripted({ kind: 'ollama', baseUrl: undefined, pick: () => 'x' })),
      undefined,
    );
    assert.equal(
      await api.addModel(scripted({ kind: 'ollama', baseUrl: server.url, pick: () => '' })),
      undefined,
    );
    assert.deepEqual(userModels(), before);
  });

  it('Remove Model takes it out of the settings, and the panel follows', async () => {
    const api = await quorumApi();
    assert.equal(
      await vscode.commands.executeCommand('quorum.removeModel', 'ollama-beta-chat-2', true),
      true,
    );
    assert.ok(!userModels().some((m) => m.id === 'ollama-beta-chat-2'));
    await until(
      async () => {
        const init = (await api.panelState()).find((m) => m.type === 'state/init');
        return init?.type === 'state/init' && !init.models.some((m) => m.id === 'ollama-beta-chat-2');
      },
      5000,
      'the panel model list',
    );
  });
});
