import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
    buildInitializationOptions,
    buildLaunchSettings,
    configurationForSection,
    DEFAULT_SETTINGS,
    effectiveValue,
    ignoredWorkspaceSettings,
    InspectSetting,
    SettingInspection,
} from '../../src/settings';

/** An `inspect` over a table of key -> inspection, with the package.json defaults. */
function inspector(values: Record<string, SettingInspection>): InspectSetting {
    const defaults: Record<string, unknown> = {
        baseUrl: '', fallbackUrls: [], headers: {}, model: '', timeout: 120, verifyTls: true, caBundle: '', healthCheckInterval: 30,
        modelCacheTtl: 60, autoPull: false, keepAlive: '5m', modelKeys: [], 'diagnostics.enable': true,
        'inlineCompletion.enable': false, 'inlineCompletion.model': '', 'inlineCompletion.maxTokens': 64,
        'inlineCompletion.contextLines': 50, 'diagnostics.debounceMs': 300, 'inlineCompletion.debounceMs': 150,
        'server.path': '', 'server.python': '',
    };
    return (key) => ({ defaultValue: defaults[key], ...values[key] });
}

const cloned = inspector({
    baseUrl: { globalValue: 'http://localhost:11434', workspaceValue: 'https://attacker.example' },
    fallbackUrls: { workspaceValue: ['https://attacker.example'] },
    headers: { globalValue: { 'X-Team': 'mine' }, workspaceFolderValue: { 'X-Steal': '1' } },
    model: { globalValue: 'llama3.2', workspaceValue: 'qwen2.5-coder:7b' },
    'server.python': { workspaceValue: './evil/python' },
    verifyTls: { workspaceValue: false },
    caBundle: { workspaceValue: './evil-ca.pem' },
    'inlineCompletion.enable': { workspaceValue: true },
});

test('defaults give every server setting, nested like getConfiguration("ollama")', () => {
    const options = buildInitializationOptions(inspector({}), true);
    assert.deepEqual(options, { ollama: { ...DEFAULT_SETTINGS } });
    assert.equal(options.ollama.inlineCompletion.maxTokens, 64);
    assert.equal(options.ollama.diagnostics.enable, true);
    assert.equal('timeout' in options.ollama, false, 'an unset timeout lets the server read OLLAMA_TIMEOUT');
    assert.equal('caBundle' in options.ollama, false);
});

test('timeout and caBundle are sent once set', () => {
    const { ollama } = buildInitializationOptions(
        inspector({ timeout: { globalValue: 30 }, caBundle: { globalValue: ' /etc/ssl/corp.pem ' } }),
        true,
    );
    assert.equal(ollama.timeout, 30);
    assert.equal(ollama.caBundle, '/etc/ssl/corp.pem');
});

test('trusted workspace: workspace and folder values win', () => {
    const { ollama } = buildInitializationOptions(cloned, true);
    assert.equal(ollama.baseUrl, 'https://attacker.example');
    assert.deepEqual(ollama.fallbackUrls, ['https://attacker.example']);
    assert.deepEqual(ollama.headers, { 'X-Steal': '1' });
    assert.equal(ollama.model, 'qwen2.5-coder:7b');
    assert.equal(ollama.inlineCompletion.enable, true);
});

test('restricted mode drops workspace baseUrl, fallbackUrls, headers; keeps harmless ones', () => {
    const { ollama } = buildInitializationOptions(cloned, false);
    assert.equal(ollama.baseUrl, 'http://localhost:11434');
    assert.deepEqual(ollama.fallbackUrls, []);
    assert.deepEqual(ollama.headers, { 'X-Team': 'mine' });
    assert.equal(ollama.verifyTls, true);
    assert.equal('caBundle' in ollama, false);
    assert.equal(ollama.model, 'qwen2.5-coder:7b');
    assert.equal(ollama.inlineCompletion.enable, true);
});

test('restricted mode drops workspace server.* for the launch', () => {
    assert.deepEqual(buildLaunchSettings(cloned, false), { serverPath: '', python: '' });
    assert.deepEqual(buildLaunchSettings(cloned, true), { serverPath: '', python: './evil/python' });
});

test('ignored workspace settings are listed for the log', () => {
    assert.deepEqual(ignoredWorkspaceSettings(cloned, false), ['ollama.baseUrl', 'ollama.fallbackUrls', 'ollama.headers', 'ollama.verifyTls', 'ollama.caBundle', 'ollama.server.python']);
    assert.deepEqual(ignoredWorkspaceSettings(cloned, true), []);
});

test('the API key is injected when present, absent otherwise; server.* is never sent', () => {
    const withKey = buildInitializationOptions(inspector({}), true, 'sk-123');
    assert.equal(withKey.ollama.apiKey, 'sk-123');
    const without = buildInitializationOptions(inspector({}), true, undefined);
    assert.equal('apiKey' in without.ollama, false);
    assert.equal('server' in without.ollama, false);
    assert.equal(JSON.stringify(buildInitializationOptions(cloned, true)).includes('evil/python'), false);
});

test('values of the wrong type fall back to the default', () => {
    const { ollama } = buildInitializationOptions(
        inspector({ timeout: { globalValue: 'soon' as unknown as number }, headers: { globalValue: { a: 1 } as unknown as Record<string, string> } }),
        true,
    );
    assert.equal('timeout' in ollama, false);
    assert.deepEqual(ollama.headers, {});
});

test('effectiveValue: folder > workspace > user > default', () => {
    assert.equal(effectiveValue('model', { defaultValue: 'd', globalValue: 'g', workspaceValue: 'w', workspaceFolderValue: 'f' }, true), 'f');
    assert.equal(effectiveValue('model', { defaultValue: 'd', globalValue: 'g' }, true), 'g');
    assert.equal(effectiveValue('baseUrl', { defaultValue: 'd', workspaceValue: 'w' }, false), 'd');
});

test('workspace/configuration answers for ollama sections only', () => {
    const settings = buildInitializationOptions(cloned, false, 'sk-1').ollama;
    assert.equal(configurationForSection('ollama', settings), settings);
    assert.equal(configurationForSection('ollama.baseUrl', settings), 'http://localhost:11434');
    assert.equal(configurationForSection('ollama.inlineCompletion.maxTokens', settings), 64);
    assert.equal(configurationForSection('ollama.nope', settings), null);
    assert.equal(configurationForSection('editor', settings), undefined);
    assert.equal(configurationForSection(undefined, settings), undefined);
});
