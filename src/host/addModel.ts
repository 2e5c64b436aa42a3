/**
 * The Add Model flow: kind, then the base URL where the kind needs one, then the key if the endpoint
 * needs one and has none yet, then the model from the server's own list (typed in by hand when the
 * list is unavailable), then its tier for the cascade strategy (the default from its kind and price
 * offered first; only a tier other than the default is written). The entry goes to the USER settings, never the workspace's and never with a
 * key; the key goes to secret storage for its endpoint, shared with the models already there.
 * Every prompt shows its place in the flow (VS Code's own "2/3" counter) and, from the second on, a
 * Back button (the key step included). The prompts sit behind `AddModelUi`, so the integration
 * test drives the same flow without clicks. Edit Model's tier step (`editModelTier`) is the same
 * picker.
 */
import * as vscode from 'vscode';
import type { ModelConfig, ProviderKind } from '../core/types';
import { CHEAP_TIER, LOCAL_TIER, PREMIUM_TIER, tierOf } from '../core/strategy/tiers';
import type { SettingsSnapshot } from './config';
import { DEFAULT_BASE_URLS, ModelListError, listServerModels } from './modelCatalog';
import { uniqueModelId } from './addModelId';
import type { ApiKeyStore } from './secrets';

/**
 * What a step of the flow answers when the user presses Back. A registered symbol: a UI from
 * another bundle (the integration tests') answers the same one.
 */
export const BACK: unique symbol = Symbol.for('quorum.addModel.back');
export type Back = typeof BACK;

/** Where a prompt stands in the flow, for the quick input's own "2/3" counter. */
export interface FlowStep {
  readonly step: number;
  readonly totalSteps: number;
}

export interface AddModelUi {
  pickKind(at: FlowStep): Promise<ProviderKind | undefined>;
  /** `suggested` prefills the box; resolves undefined on cancel, BACK on Back. */
  baseUrl(kind: ProviderKind, suggested: string, at: FlowStep): Promise<string | undefined | Back>;
  /** `optional`: the server may work without one (Escape then means "no key", not "cancel"). */
  key(
    kind: ProviderKind,
    baseUrl: string | undefined,
    optional: boolean,
    at: FlowStep,
  ): Promise<string | undefined | Back>;
  /** `listed` is the server's list, or undefined with the `problem` when it could not be read. */
  pickModel(
    listed: readonly string[] | undefined,
    problem: string | undefined,
    at: FlowStep,
  ): Promise<string | undefined | Back>;
  /**
   * The model's cascade tier: `suggested` is its default (from kind and price), `current` the tier
   * the entry has now (Edit Model). Resolves the tier, undefined on cancel, BACK on Back.
   */
  pickTier(
    model: ModelConfig,
    suggested: DefaultTier,
    current: number | undefined,
    at: FlowStep,
  ): Promise<number | undefined | Back>;
}

/** A model's tier without its own `tier` setting, and why, in words. */
export interface DefaultTier {
  readonly tier: number;
  readonly why: string;
}

/** The tiers the picker offers, as the cascade asks them. */
export const TIER_NAMES: Readonly<Record<number, string>> = {
  [LOCAL_TIER]: 'local or free',
  [CHEAP_TIER]: 'cheap cloud',
  [PREMIUM_TIER]: 'premium',
};

/** The tier the cascade gives `model` when its entry sets none (core/strategy/tiers.ts). */
export function defaultTier(model: ModelConfig): DefaultTier {
  const t = tierOf(withoutTier(model));
  const why =
    t.source === 'local'
      ? 'it runs on this machine'
      : t.source === 'price'
        ? 'from its price'
        : 'a cloud model without a configured price';
  return { tier: t.tier, why };
}

/** The entry with `tier`, written only when it differs from the default (so the default can follow a price). */
export function withTier(model: ModelConfig, tier: number): ModelConfig {
  const rest = withoutTier(model);
  return tier === defaultTier(rest).tier ? rest : { ...rest, tier };
}

function withoutTier(model: ModelConfig): ModelConfig {
  const copy: { -readonly [K in keyof ModelConfig]: ModelConfig[K] } = { ...model };
  delete copy.tier;
  return copy;
}

export interface AddModelDeps {
  readonly settings: SettingsSnapshot;
  readonly keys: ApiKeyStore;
  readonly needsKey: (kind: ProviderKind) => boolean;
}

const hasBaseUrl = (kind: ProviderKind): boolean => kind === 'openai-compatible' || kind === 'ollama';

/**
 * Runs the flow; resolves the model written to the user settings, or undefined when cancelled.
 * Each step after the first can go Back to the one before it (the key step, when there is one,
 * back to the base URL or the kind), keeping what was typed there.
 */
export async function addModel(ui: AddModelUi, deps: AddModelDeps): Promise<ModelConfig | undefined> {
  let kind: ProviderKind | undefined;
  let typedUrl: string | undefined;
  let baseUrl: string | undefined;
  let key: string | undefined;
  let newKey: string | undefined;
  /** The key step is part of this flow (the step counter counts it). */
  let askedKey = false;
  let stage: 'kind' | 'url' | 'key' | 'model' | 'tier' = 'kind';
  let picked: string | undefined;
  for (;;) {
    if (stage === 'kind' || kind === undefined) {
      kind = await ui.pickKind({ step: 1, totalSteps: 4 });
      if (!kind) return undefined;
      typedUrl = undefined;
      stage = hasBaseUrl(kind) ? 'url' : 'key';
      continue;
    }
    const urlSteps = hasBaseUrl(kind) ? 1 : 0;
    const before = (): typeof stage => (hasBaseUrl(kind!) ? 'url' : 'kind');

    if (stage === 'url') {
      const typed = await ui.baseUrl(
        kind,
        typedUrl ?? (kind === 'ollama' ? DEFAULT_BASE_URLS.ollama : 'http://127.0.0.1:1234/v1'),
        { step: 2, totalSteps: 4 },
      );
      if (typed === BACK) {
        stage = 'kind';
        continue;
      }
      if (typed === undefined) return undefined;
      typedUrl = typed;
      const trimmed = typed.trim().replace(/\/+$/, '');
      // The default stays implicit in settings, so the entry follows the provider's default.
      baseUrl = kind === 'ollama' && trimmed === DEFAULT_BASE_URLS.ollama ? undefined : trimmed;
      stage = 'key';
      continue;
    }
    if (!hasBaseUrl(kind)) baseUrl = undefined;
    const endpoint = { kind, baseUrl };

    if (stage === 'key') {
      key = await deps.keys.get(endpoint);
      newKey = undefined;
      askedKey = key === undefined && deps.needsKey(kind);
      if (askedKey) {
        const typed = await ui.key(kind, baseUrl, false, { step: 2 + urlSteps, totalSteps: 4 + urlSteps });
        if (typed === BACK) {
          stage = before();
          continue;
        }
        if (!typed?.trim()) return undefined;
        key = newKey = typed.trim();
      }
      stage = 'model';
      continue;
    }

    const last = 2 + urlSteps + (askedKey ? 1 : 0);
    if (stage === 'model') {
      let listed: string[] | undefined;
      let problem: string | undefined;
      try {
        listed = await listServerModels(kind, baseUrl, key);
      } catch (error) {
        if (!(error instanceof ModelListError)) throw error;
        // A keyless compatible server that turns out to want a key: ask once, then list again.
        if (error.unauthorised && key === undefined && kind === 'openai-compatible') {
          askedKey = true;
          const typed = await ui.key(kind, baseUrl, true, { step: 3, totalSteps: 5 });
          if (typed === BACK) {
            stage = 'url';
            continue;
          }
          newKey = typed?.trim() || undefined;
          key = newKey;
          listed = key ? await listServerModels(kind, baseUrl, key).catch(() => undefined) : undefined;
        }
        if (!listed) problem = `${error.message} ${error.advice}`;
      }
      const at = 2 + urlSteps + (askedKey ? 1 : 0);
      const answer = await ui.pickModel(listed, problem, { step: at, totalSteps: at + 1 });
      if (answer === BACK) {
        // Back to the key only when it was asked for; the optional one is asked again by listing.
        stage = askedKey ? 'key' : before();
        continue;
      }
      picked = answer?.trim();
      if (!picked) return undefined;
      stage = 'tier';
      continue;
    }

    const model = picked;
    if (!model) {
      stage = 'model';
      continue;
    }
    const base: ModelConfig = {
      id: uniqueModelId(kind, model, deps.settings.allModelIds()),
      kind,
      model,
      ...(baseUrl ? { baseUrl } : {}),
      enabled: true,
    };
    const suggested = defaultTier(base);
    const tier = await ui.pickTier(base, suggested, undefined, { step: last + 1, totalSteps: last + 1 });
    if (tier === BACK) {
      stage = 'model';
      continue;
    }
    if (tier === undefined) return undefined;
    const entry = withTier(base, tier);
    const { shadowed } = await deps.settings.addUserModel(entry);
    if (newKey) await deps.keys.set(endpoint, newKey);
    if (shadowed) {
      void vscode.window.showWarningMessage(
        `Quorum: ${entry.id} was added to your user settings, but this workspace sets its own "quorum.models", which wins here.`,
      );
    }
    return entry;
  }
}

/** What Edit Model can change: the tier here, anything else in settings.json. */
export type EditChoice = 'tier' | 'json';

export interface EditModelUi {
  /** Step 1: what to change; `tier` is the entry's tier now and where it comes from. */
  pickEdit(
    model: ModelConfig,
    tier: { readonly current: number; readonly own: boolean },
    at: FlowStep,
  ): Promise<EditChoice | undefined>;
  /** Step 2: the tier, as in Add Model (Back returns to step 1). */
  pickTier: AddModelUi['pickTier'];
}

export interface EditModelDeps {
  /** Writes the model's `tier` (undefined: back to its default); false when it is not in the settings. */
  readonly setTier: (modelId: string, tier: number | undefined) => Promise<boolean>;
  readonly openSettingsJson: () => Promise<void>;
}

/**
 * Edit Model: its tier (a tier equal to the default removes the setting), or the rest of the entry
 * in settings.json. Resolves the entry as written, or undefined when cancelled or opened as JSON.
 */
export async function editModel(
  ui: EditModelUi,
  model: ModelConfig,
  deps: EditModelDeps,
): Promise<ModelConfig | undefined> {
  const suggested = defaultTier(model);
  for (;;) {
    const choice = await ui.pickEdit(
      model,
      { current: model.tier ?? suggested.tier, own: model.tier !== undefined },
      { step: 1, totalSteps: 2 },
    );
    if (choice === undefined) return undefined;
    if (choice === 'json') {
      await deps.openSettingsJson();
      return undefined;
    }
    const tier = await ui.pickTier(model, suggested, model.tier, { step: 2, totalSteps: 2 });
    if (tier === BACK) continue;
    if (tier === undefined) return undefined;
    const entry = withTier(model, tier);
    return (await deps.setTier(model.id, entry.tier)) ? entry : undefined;
  }
}

const KINDS: readonly (vscode.QuickPickItem & { provider: ProviderKind })[] = [
  { label: 'OpenAI', description: 'api.openai.com, needs a key', provider: 'openai' },
  { label: 'Groq', description: 'api.groq.com, needs a key', provider: 'groq' },
  { label: 'Ollama', description: 'a local Ollama server, no key', provider: 'ollama' },
  {
    label: 'OpenAI-compatible server',
    description: 'LM Studio, vLLM, llama.cpp, a gateway…: any /v1 API',
    provider: 'openai-compatible',
  },
];

function validUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'Use an http(s) URL.';
  } catch {
    return 'Type a URL such as http://127.0.0.1:1234/v1';
  }
}

/** One input box of the flow: its step counter, Back from step 2 on, validation as the user types. */
function inputStep(options: {
  readonly title: string;
  readonly prompt: string;
  readonly at: FlowStep;
  readonly value?: string;
  readonly password?: boolean;
  readonly validate?: (value: string) => string | undefined;
}): Promise<string | undefined | Back> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.prompt = options.prompt;
  box.step = options.at.step;
  box.totalSteps = options.at.totalSteps;
  box.value = options.value ?? '';
  box.password = options.password ?? false;
  box.ignoreFocusOut = true;
  box.buttons = options.at.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  return new Promise((resolve) => {
    let done = false;
    const finish = (answer: string | undefined | Back): void => {
      if (done) return;
      done = true;
      resolve(answer);
      box.dispose();
    };
    const check = (): string | undefined => (box.validationMessage = options.validate?.(box.value));
    box.onDidChangeValue(check);
    box.onDidAccept(() => {
      if (!check()) finish(box.value);
    });
    box.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) finish(BACK);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

/** One quick pick of the flow, with the same counter and Back. */
function pickStep<T extends vscode.QuickPickItem>(
  items: readonly T[],
  options: {
    readonly title: string;
    readonly at: FlowStep;
    readonly placeholder?: string;
    /** The item highlighted first (Enter takes it). */
    readonly active?: T;
  },
): Promise<T | undefined | Back> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.step = options.at.step;
  pick.totalSteps = options.at.totalSteps;
  pick.items = items;
  if (options.active) pick.activeItems = [options.active];
  pick.matchOnDescription = true;
  pick.ignoreFocusOut = true;
  pick.buttons = options.at.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  return new Promise((resolve) => {
    let done = false;
    const finish = (answer: T | undefined | Back): void => {
      if (done) return;
      done = true;
      resolve(answer);
      pick.dispose();
    };
    pick.onDidAccept(() => finish(pick.selectedItems[0]));
    pick.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) finish(BACK);
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}

const tierLabel = (tier: number): string => `Tier ${tier}${TIER_NAMES[tier] ? ` · ${TIER_NAMES[tier]}` : ''}`;

/** The tier picker of Add Model and Edit Model: the default marked and highlighted unless one is set. */
async function pickTierStep(
  model: ModelConfig,
  suggested: DefaultTier,
  current: number | undefined,
  at: FlowStep,
): Promise<number | undefined | Back> {
  const tiers = [...new Set([LOCAL_TIER, CHEAP_TIER, PREMIUM_TIER, ...(current ? [current] : [])])].sort(
    (a, b) => a - b,
  );
  const items = tiers.map((tier) => ({
    tier,
    label: tierLabel(tier),
    description: [
      tier === suggested.tier ? `default: ${suggested.why}` : '',
      tier === current ? 'current' : '',
    ]
      .filter(Boolean)
      .join(' · '),
    detail:
      tier === LOCAL_TIER
        ? 'Asked first by the cascade strategy.'
        : `Asked only when the tiers before it give no verified, confident verdict.`,
  }));
  const pick = await pickStep(items, {
    title: `Quorum: ${model.id}: tier for the cascade strategy`,
    placeholder: 'quorum.strategy "cascade" asks tier 1 first, then the next tier only when needed',
    at,
    active: items.find((i) => i.tier === (current ?? suggested.tier)),
  });
  return pick === BACK ? BACK : pick?.tier;
}

/** Edit Model's prompts: what to change, then the tier picker. */
export const vscodeEditModelUi: EditModelUi = {
  pickEdit: async (model, tier, at) => {
    const items: (vscode.QuickPickItem & { choice: EditChoice })[] = [
      {
        label: '$(layers) Tier…',
        description: `${tierLabel(tier.current)}${tier.own ? '' : ' (default)'}`,
        choice: 'tier',
      },
      {
        label: '$(json) Edit in settings.json',
        description: 'price, temperature, timeouts, base URL…',
        choice: 'json',
      },
    ];
    const pick = await pickStep(items, { title: `Quorum: Edit Model ${model.id}`, at });
    return pick === BACK ? undefined : pick?.choice;
  },
  pickTier: pickTierStep,
};

/** The flow's prompts as VS Code's own quick picks and input boxes (step counter, Back). */
export const vscodeAddModelUi: AddModelUi = {
  pickTier: pickTierStep,
  pickKind: async (at) => {
    const pick = await pickStep(KINDS, { title: 'Quorum: Add Model: which kind of server?', at });
    return pick === BACK ? undefined : pick?.provider;
  },
  baseUrl: (kind, suggested, at) =>
    inputStep({
      title: 'Quorum: Add Model: base URL',
      prompt:
        kind === 'ollama' ? 'Where Ollama listens.' : "The server's OpenAI-style base URL (ending in /v1).",
      value: suggested,
      at,
      validate: validUrl,
    }),
  key: (kind, baseUrl, optional, at) =>
    inputStep({
      title: `Quorum: Add Model: API key for ${kind}${baseUrl ? ` at ${baseUrl}` : ''}`,
      prompt: `${optional ? 'The server asked for a key. ' : ''}Stored in secret storage for this endpoint only and shared by its models; never written to settings.`,
      password: true,
      at,
    }),
  pickModel: async (listed, problem, at) => {
    if (listed) {
      const typeOwn = { label: '$(edit) Type a model name…', alwaysShow: true };
      const pick = await pickStep([...listed.map((label) => ({ label })), typeOwn], {
        title: `Quorum: Add Model: the server lists ${listed.length} model(s)`,
        at,
      });
      if (pick !== typeOwn) return pick === BACK ? BACK : pick?.label;
    }
    return inputStep({
      title: 'Quorum: Add Model: model name',
      prompt: problem
        ? `The list is unavailable (${problem}). Type the name.`
        : 'The model name, e.g. gpt-4o-mini.',
      at,
      validate: (v) => (v.trim() ? undefined : 'Type a model name.'),
    });
  },
};
