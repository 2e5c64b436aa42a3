/**
 * The sandbox suite runs against real engines, where a loaded machine can stretch a latency bound
 * (a kill, a removal, a cold first container) past its limit once. Each test gets one retry
 * (`retries: 1` in .mocharc.json), and every retry is said out loud: this reporter is mocha's spec
 * reporter plus a `(retried: TITLE — ERROR)` line for each failed attempt mocha runs again, and
 * scripts/runSuites.mjs lists those lines in the summary, so a flaky test is seen, never hidden.
 */
import Mocha from 'mocha';

class SpecWithRetries extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.on('retry', (test: Mocha.Test, error: unknown) => {
      const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      console.log(`      (retried: ${test.fullTitle()} — ${why})`);
    });
  }
}

export = SpecWithRetries;
