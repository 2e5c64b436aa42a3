/**
 * The fields every model entry of `models` has, whatever its kind: key-based kinds (config.ts)
 * and the editor's own models (editorModels.ts) validate them with the same rules.
 */
import { z } from 'zod';

export const MODEL_FIELDS = {
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use letters, digits, ".", "_" or "-" (max 64)'),
  model: z.string().min(1),
  enabled: z.boolean().default(true),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  price: z
    .object({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() })
    .optional(),
  timeoutMs: z.number().int().min(1000).optional(),
  /** The cascade's tier (1 first); default from price and kind. */
  tier: z.number().int().min(1).max(9).optional(),
};
