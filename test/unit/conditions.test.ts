import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, fileMacros, type MacroEnv } from '../../server/src/c/conditions';
import { extractC } from '../../server/src/c/extract';
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

describe('a file\'s own #defines over the project\'s configuration', () => {
  const project: MacroEnv = { lookup: (n) => (n === 'CONFIG_EXAMPLE_USE_TLS' ? null : n.startsWith('CONFIG_') ? undefined : undefined) };
  // Shape: an example that picks its scheme and port from a Kconfig switch through a file-level alias.
  const src = `#ifndef CLIENT_H
#define CLIENT_H 1
#endif
#define USE_TLS CONFIG_EXAMPLE_USE_TLS
#if USE_TLS
#define BROKER_SCHEME "mqtts"
#define BROKER_PORT 8883
#else
#define BROKER_SCHEME "mqtt"
#define BROKER_PORT 1883
#endif
#define SELF SELF
void f(void) { esp_tls_init(); }`;

  it('follows an alias to the configuration, picks the branch it decides, survives guards and self-reference', async () => {
    const facts = await extractC(src);
    const env = fileMacros(facts.defines, project);
    assert.equal(env.lookup('USE_TLS'), 0);
    assert.equal(env.lookup('BROKER_PORT'), 1883);
    assert.equal(env.lookup('CLIENT_H'), 1);
    assert.equal(env.lookup('SELF'), undefined);
    const unknown = fileMacros(facts.defines, { lookup: () => undefined });
    assert.equal(unknown.lookup('BROKER_PORT'), undefined, 'two branches, two values, nothing decides: unknown');
  });
});
