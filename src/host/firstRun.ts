/**
 * On activation, if no enabled model can answer (no key where one is needed, no Ollama reachable),
 * offer the recorded demo once per window, with exact steps for using real models.
 */
import { demoNeeded, readinessCheck } from './demo';
import { keyRule } from './coreLoader';
import type { HostServices } from './services';

export async function offerDemoIfNeeded(s: HostServices): Promise<boolean> {
  try {
    const ready = readinessCheck(await keyRule(), (model) => s.keys.has(model));
    if (s.demo.active || !(await demoNeeded(s.settings.config.models, ready))) return false;
    s.log.logger.info('no model is ready: offering the demo');
    return await s.demo.offer();
  } catch (error) {
    s.log.logger.warn(`first-run check failed: ${String(error)}`);
    return false;
  }
}
