import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildInitializationOptions, buildServerSettings } from '../../src/settings';
import { buildTrustedInitializationOptions, changedRestrictedSettings, TRUST_KEY } from '../../src/trust';
import { packageInspector as inspector, ROOT } from './packageJson';

const cloned = inspector({
    baseUrl: { globalValue: 'http://localhost:11434', workspaceValue: 'https://attacker.example' },
    model: { globalValue: 'llama3.2', workspaceValue: 'qwen2.5-coder:7b' },
    modelKeys: { workspaceValue: ['llm_model'] },
});

test('the key is the one the server reads (TRUST_KEY in server/ollama_ls/lsp/settings.py)', () => {
    const source = fs.readFileSync(path.join(ROOT, '..', 'server', 'ollama_ls', 'lsp', 'settings.py'), 'utf8');
    const match = source.match(/^TRUST_KEY = "([^"]+)"$/m);
    assert.ok(match, 'TRUST_KEY not found in settings.py');
    assert.equal(TRUST_KEY, match[1]);
    assert.equal(TRUST_KEY, 'trustProjectSettings');
});

test('untrusted: trustProjectSettings false inside the ollama section, beside the user-level settings', () => {
    const options = buildTrustedInitializationOptions(cloned, false);
    assert.deepEqual(Object.keys(options), ['ollama']);
    assert.equal(options.ollama[TRUST_KEY], false);
    assert.equal(options.ollama.baseUrl, 'http://localhost:11434');
    assert.equal(options.ollama.model, 'llama3.2');
    assert.deepEqual(options.ollama.modelKeys, ['llm_model']);
    // Otherwise exactly what settings.ts builds for an untrusted workspace.
    const { [TRUST_KEY]: _trust, ...rest } = options.ollama;
    assert.deepEqual(rest, buildInitializationOptions(cloned, false).ollama);
});

test('trusted: no trustProjectSettings key at all (the server trusts later settings)', () => {
    const options = buildTrustedInitializationOptions(cloned, true);
    assert.ok(!(TRUST_KEY in options.ollama));
    assert.deepEqual(options, buildInitializationOptions(cloned, true));
    assert.equal(options.ollama.baseUrl, 'https://attacker.example');
});

test('the API key, when given, still goes beside it', () => {
    const options = buildTrustedInitializationOptions(cloned, false, 'secret');
    assert.equal(options.ollama.apiKey, 'secret');
    assert.equal(options.ollama[TRUST_KEY], false);
});

test('changedRestrictedSettings: restricted values that differ from those sent at initialize', () => {
    const sent = buildServerSettings(cloned, false);
    assert.deepEqual(changedRestrictedSettings(sent, buildServerSettings(cloned, false)), []);
    const userChanged = inspector({
        baseUrl: { globalValue: 'http://localhost:11434', workspaceValue: 'https://attacker.example' },
        model: { globalValue: 'llama3:8b', workspaceValue: 'qwen2.5-coder:7b' },
        headers: { globalValue: { 'X-Team': 'mine' } },
        modelKeys: { workspaceValue: ['other_key'] },
    });
    // modelKeys is workspace-safe: pushed as usual, not a reason to restart.
    assert.deepEqual(changedRestrictedSettings(sent, buildServerSettings(userChanged, false)).sort(), ['headers', 'model']);
    // The workspace's own change of a restricted setting changes nothing sent, so nothing.
    const workspaceChanged = inspector({
        baseUrl: { globalValue: 'http://localhost:11434', workspaceValue: 'https://elsewhere.example' },
        model: { globalValue: 'llama3.2', workspaceValue: 'phi3:mini' },
        modelKeys: { workspaceValue: ['llm_model'] },
    });
    assert.deepEqual(changedRestrictedSettings(sent, buildServerSettings(workspaceChanged, false)), []);
});
