import assert from 'node:assert/strict';
import { clusterOutputs, normaliseOutput } from '../../../src/core/judge/outputConsensus';

describe('judge/outputConsensus', () => {
  it('normalises line endings, trailing blanks and surrounding whitespace', () => {
    assert.equal(normaliseOutput('a  \r\nb\r\n\n'), normaliseOutput('\na\nb'));
  });

  it('compares floats to 6 significant digits but keeps different numbers apart', () => {
    assert.equal(normaliseOutput('0.30000000000000004'), normaliseOutput('0.3'));
    assert.equal(normaliseOutput('x = 3.14159265'), normaliseOutput('x = 3.141593'));
    assert.notEqual(normaliseOutput('0.31'), normaliseOutput('0.3'));
    assert.notEqual(normaliseOutput('10'), normaliseOutput('100'));
  });

  it('treats a printed set as order-insensitive, but not a list or a dict', () => {
    assert.equal(normaliseOutput('{3, 1, 2}'), normaliseOutput('{1, 2, 3}'));
    assert.notEqual(normaliseOutput('[3, 1, 2]'), normaliseOutput('[1, 2, 3]'));
    assert.notEqual(normaliseOutput("{'b': 1, 'a': 2}"), normaliseOutput("{'a': 2, 'b': 1}"));
  });

  it('clusters by normalised output, largest first, ignoring empty output', () => {
    const clusters = clusterOutputs([
      { id: 'a', stdout: '1\n' },
      { id: 'b', stdout: '' },
      { id: 'c', stdout: '2' },
      { id: 'd', stdout: '2\r\n' },
      { id: 'e', stdout: '  \n' },
      { id: 'f', stdout: '1.0000001' },
    ]);
    assert.deepEqual(clusters, [
      ['a', 'f'],
      ['c', 'd'],
    ]);
  });

  it('breaks a tie in cluster size by the earliest member', () => {
    assert.deepEqual(
      clusterOutputs([
        { id: 'a', stdout: 'x' },
        { id: 'b', stdout: 'y' },
        { id: 'c', stdout: 'y' },
        { id: 'd', stdout: 'x' },
      ]),
      [
        ['a', 'd'],
        ['b', 'c'],
      ],
    );
  });
});
