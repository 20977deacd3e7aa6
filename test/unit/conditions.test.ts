import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, type MacroEnv } from '../../server/src/c/conditions';
import { macroEnvFor } from '../../server/src/sdkconfig/macros';
import { fakeProject } from '../support/analyse';

const env = (values: Record<string, number | null>): MacroEnv => ({ lookup: (n) => (n in values ? values[n] : undefined) });

describe('#if evaluation', () => {
  const e = env({ CONFIG_A: 1, CONFIG_B: null, CONFIG_N: 16384 });
  it('reads defined(), !, &&, || and comparisons', () => {
    assert.equal(evaluate('defined(CONFIG_A)', e), 1);
    assert.equal(evaluate('defined CONFIG_B', e), 0);
    assert.equal(evaluate('!defined(CONFIG_B) && CONFIG_N >= 4096', e), 1);
    assert.equal(evaluate('CONFIG_B || CONFIG_N < 100', e), 0);
    assert.equal(evaluate('(CONFIG_A ? 2 : 3) == 2', e), 1);
  });
  it('stays unknown where a macro is unknown, unless short-circuit decides', () => {
    assert.equal(evaluate('MY_BOARD_HAS_SE', e), undefined);
    assert.equal(evaluate('MY_BOARD_HAS_SE && CONFIG_B', e), 0);
    assert.equal(evaluate('MY_BOARD_HAS_SE || CONFIG_A', e), 1);
    assert.equal(evaluate('MY_BOARD_HAS_SE || CONFIG_B', e), undefined);
  });
  it('never throws on what it cannot read', () => {
    assert.equal(evaluate('__has_include("esp_crt_bundle.h")', e), undefined);
    assert.equal(evaluate('CONFIG_A +', e), undefined);
    assert.equal(evaluate('"str"', e), undefined);
  });
  it('compares ESP_IDF_VERSION with ESP_IDF_VERSION_VAL from the project version', () => {
    const m = macroEnvFor(fakeProject({}));
    assert.equal(evaluate('ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 0, 0)', m), 1);
    assert.equal(evaluate('ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 3, 0)', m), 0);
    assert.equal(evaluate('ESP_IDF_VERSION_MAJOR == 5', m), 1);
  });
  it('knows an absent CONFIG_ option is unset only when a generated sdkconfig exists', () => {
    assert.equal(evaluate('defined(CONFIG_X)', macroEnvFor(fakeProject({}, true))), 0);
    assert.equal(evaluate('defined(CONFIG_X)', macroEnvFor(fakeProject({}, false))), undefined);
    assert.equal(evaluate('CONFIG_LEN > 4096', macroEnvFor(fakeProject({ CONFIG_LEN: '16384' }))), 1);
    assert.equal(evaluate('defined(CONFIG_OFF)', macroEnvFor(fakeProject({ CONFIG_OFF: 'n' }, false))), 0);
  });
});
