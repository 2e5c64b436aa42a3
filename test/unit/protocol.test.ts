import assert from 'node:assert/strict';
import { isWebviewMessage } from '../../src/protocol';

describe('protocol: webview message guard', () => {
  it('accepts well-formed messages', () => {
    assert.ok(isWebviewMessage({ type: 'webview/ready' }));
    assert.ok(
      isWebviewMessage({ type: 'ask/start', instruction: 'sort', intent: 'generate', modelIds: ['a'] }),
    );
    assert.ok(isWebviewMessage({ type: 'candidate/insert', candidateId: 'c1', mode: 'replace' }));
  });
  it('rejects unknown types, missing fields and wrong field types', () => {
    assert.ok(!isWebviewMessage(null));
    assert.ok(!isWebviewMessage('webview/ready'));
    assert.ok(!isWebviewMessage({ type: 'eval', code: '1' }));
    assert.ok(!isWebviewMessage({ type: 'toString' }));
    assert.ok(!isWebviewMessage({ type: 'ask/start', instruction: 'x', intent: 'hack', modelIds: [] }));
    assert.ok(!isWebviewMessage({ type: 'ask/start', instruction: 'x', intent: 'generate', modelIds: [1] }));
    assert.ok(!isWebviewMessage({ type: 'candidate/insert', candidateId: 'c1', mode: 'everywhere' }));
    assert.ok(!isWebviewMessage({ type: 'model/toggle', modelId: 'm', enabled: 'yes' }));
  });
});
