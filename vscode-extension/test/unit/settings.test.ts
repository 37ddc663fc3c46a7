import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
    answerConfigurationItems,
    buildInitializationOptions,
    buildLaunchSettings,
    buildServerSettings,
    configurationForSection,
    effectiveLevel,
    effectiveValue,
    ignoredWorkspaceSettings,
    RESTRICTED_SETTINGS,
    SERVER_SETTING_KEYS,
    WORKSPACE_SAFE_SETTINGS,
} from '../../src/settings';
import { contributedSettings, packageInspector as inspector, ROOT } from './packageJson';

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

/** package.json's defaults of the server settings, nested like getConfiguration('ollama'). */
function packageDefaults(): Record<string, unknown> {
    const settings = contributedSettings();
    const nested: Record<string, unknown> = {};
    for (const key of SERVER_SETTING_KEYS) {
        const parts = key.split('.');
        let section = nested;
        for (const part of parts.slice(0, -1)) section = (section[part] ??= {}) as Record<string, unknown>;
        section[parts[parts.length - 1]] = settings[`ollama.${key}`].default;
    }
    return nested;
}

test('defaults: every server setting with package.json default, nested like getConfiguration("ollama")', () => {
    const options = buildInitializationOptions(inspector({}), true);
    assert.deepEqual(options, { ollama: packageDefaults() });
    assert.equal(options.ollama.inlineCompletion.maxTokens, 64);
    assert.equal(options.ollama.diagnostics.enable, true);
    assert.deepEqual(options.ollama.scan, { disable: [], excludeFiles: [] });
    assert.equal(options.ollama.timeout, null, 'null lets the server read OLLAMA_TIMEOUT');
    assert.equal(options.ollama.keepAlive, null, "null lets Ollama use its own keep-alive");
    assert.equal(options.ollama.caBundle, null);
});

test('timeout, caBundle, keepAlive and scan.* are sent once set', () => {
    const { ollama } = buildInitializationOptions(
        inspector({
            timeout: { globalValue: 30 },
            caBundle: { globalValue: ' /etc/ssl/corp.pem ' },
            keepAlive: { workspaceValue: '30m' },
            'scan.disable': { workspaceValue: ['litellm', 'env'] },
            'scan.excludeFiles': { workspaceFolderValue: ['**/fixtures/**'] },
        }),
        true,
    );
    assert.equal(ollama.timeout, 30);
    assert.equal(ollama.caBundle, '/etc/ssl/corp.pem');
    assert.equal(ollama.keepAlive, '30m');
    assert.deepEqual(ollama.scan, { disable: ['litellm', 'env'], excludeFiles: ['**/fixtures/**'] });
});

test('keepAlive may be seconds, as the server accepts', () => {
    assert.equal(buildServerSettings(inspector({ keepAlive: { globalValue: 300 } }), true).keepAlive, 300);
});

test('trusted workspace: workspace and folder values win', () => {
    const { ollama } = buildInitializationOptions(cloned, true);
    assert.equal(ollama.baseUrl, 'https://attacker.example');
    assert.deepEqual(ollama.fallbackUrls, ['https://attacker.example']);
    assert.deepEqual(ollama.headers, { 'X-Steal': '1' });
    assert.equal(ollama.model, 'qwen2.5-coder:7b');
    assert.equal(ollama.inlineCompletion.enable, true);
});

test('restricted mode drops workspace baseUrl, fallbackUrls, headers, model, ghost text', () => {
    const { ollama } = buildInitializationOptions(cloned, false);
    assert.equal(ollama.baseUrl, 'http://localhost:11434');
    assert.deepEqual(ollama.fallbackUrls, []);
    assert.deepEqual(ollama.headers, { 'X-Team': 'mine' });
    assert.equal(ollama.verifyTls, true);
    assert.equal(ollama.caBundle, null);
    assert.equal(ollama.model, 'llama3.2', "the user's model, not the workspace's");
    assert.equal(ollama.inlineCompletion.enable, false, 'the default, not the workspace value');
});

// Issue 13 item 4: a cloned repository must not make Ollama pull, load or poll on its behalf.
const storm = inspector({
    autoPull: { workspaceValue: true },
    model: { workspaceValue: 'llama3.1:405b' },
    keepAlive: { workspaceValue: -1 },
    timeout: { workspaceFolderValue: 86400 },
    healthCheckInterval: { globalValue: 10, workspaceValue: 1e-6 },
    modelCacheTtl: { workspaceValue: 0 },
    contextLength: { workspaceValue: 1_000_000 },
    'inlineCompletion.enable': { globalValue: true, workspaceValue: true },
    'inlineCompletion.model': { workspaceValue: 'llama3.1:405b' },
    'inlineCompletion.maxTokens': { workspaceValue: 100_000 },
    'inlineCompletion.debounceMs': { workspaceValue: 0 },
    'diagnostics.debounceMs': { workspaceValue: 500 },
    modelKeys: { workspaceValue: ['llm_model'] },
    'scan.disable': { workspaceFolderValue: ['env'] },
    think: { workspaceValue: 'high' },
    'inlineCompletion.contextLines': { workspaceValue: 100_000 },
});

test('restricted mode: settings that cause traffic, downloads or load come from the user settings only', () => {
    const untrusted = buildServerSettings(storm, false);
    assert.equal(untrusted.autoPull, false, 'no multi-GB download started by the workspace');
    assert.equal(untrusted.model, '');
    assert.equal(untrusted.keepAlive, null);
    assert.equal(untrusted.timeout, null);
    assert.equal(untrusted.healthCheckInterval, 10, "the user's interval, not 1e-6 s");
    assert.equal(untrusted.modelCacheTtl, 60);
    assert.equal(untrusted.contextLength, null);
    assert.deepEqual(untrusted.inlineCompletion, { enable: true, model: '', maxTokens: 64, contextLines: 50, debounceMs: 150 });
    // What only shapes what the server shows stays per workspace.
    assert.equal(untrusted.diagnostics.debounceMs, 500);
    assert.deepEqual(untrusted.modelKeys, ['llm_model']);
    assert.deepEqual(untrusted.scan.disable, ['env']);
    assert.equal(untrusted.think, null, 'no long thinking answers chosen by the workspace');
    // Trusted: the workspace decides.
    const trusted = buildServerSettings(storm, true);
    assert.equal(trusted.autoPull, true);
    assert.equal(trusted.model, 'llama3.1:405b');
    assert.equal(trusted.keepAlive, -1);
    assert.equal(trusted.timeout, 86400);
    assert.equal(trusted.healthCheckInterval, 1e-6);
    assert.equal(trusted.inlineCompletion.debounceMs, 0);
    assert.deepEqual(ignoredWorkspaceSettings(storm, false), [
        'ollama.autoPull', 'ollama.model', 'ollama.keepAlive', 'ollama.timeout', 'ollama.healthCheckInterval', 'ollama.modelCacheTtl',
        'ollama.contextLength', 'ollama.think', 'ollama.inlineCompletion.enable', 'ollama.inlineCompletion.model', 'ollama.inlineCompletion.maxTokens',
        'ollama.inlineCompletion.contextLines', 'ollama.inlineCompletion.debounceMs',
    ]);
    assert.equal(trusted.think, 'high');
});

test("package.json's restrictedConfigurations are exactly RESTRICTED_SETTINGS, each a contributed setting", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const declared: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.deepEqual(declared, RESTRICTED_SETTINGS.map((key) => `ollama.${key}`));
    const contributed = contributedSettings();
    for (const key of declared) assert.ok(contributed[key], `${key} is not a contributed setting`);
    for (const key of ['autoPull', 'model', 'keepAlive', 'timeout', 'healthCheckInterval', 'modelCacheTtl', 'contextLength', 'inlineCompletion.enable', 'inlineCompletion.model']) {
        assert.ok(RESTRICTED_SETTINGS.includes(key), `${key} is not restricted`);
    }
});

test('every server setting is either restricted or one a workspace may set safely (it changes only what is shown)', () => {
    const unclassified = SERVER_SETTING_KEYS.filter((key) => !RESTRICTED_SETTINGS.includes(key) && !WORKSPACE_SAFE_SETTINGS.includes(key));
    assert.deepEqual(unclassified, [], 'a new setting must be classified in src/settings.ts');
    assert.deepEqual(WORKSPACE_SAFE_SETTINGS.filter((key) => RESTRICTED_SETTINGS.includes(key)), []);
});

test('restricted mode drops workspace server.* for the launch', () => {
    assert.deepEqual(buildLaunchSettings(cloned, false), { serverPath: '', python: '', serverPathLevel: undefined, pythonLevel: undefined });
    assert.deepEqual(buildLaunchSettings(cloned, true), { serverPath: '', python: './evil/python', serverPathLevel: undefined, pythonLevel: 'workspace' });
});

test('launch settings say where they were set (a relative path is taken from there)', () => {
    const launch = buildLaunchSettings(
        inspector({ 'server.path': { globalValue: '~/bin/ollama-ls', workspaceFolderValue: ' bin/ollama-ls ' }, 'server.python': { globalValue: '/usr/bin/python3' } }),
        true,
    );
    assert.deepEqual(launch, { serverPath: 'bin/ollama-ls', python: '/usr/bin/python3', serverPathLevel: 'workspaceFolder', pythonLevel: 'user' });
});

test('ignored workspace settings are listed for the log', () => {
    assert.deepEqual(ignoredWorkspaceSettings(cloned, false), [
        'ollama.baseUrl', 'ollama.fallbackUrls', 'ollama.headers', 'ollama.verifyTls', 'ollama.caBundle', 'ollama.server.python', 'ollama.model',
        'ollama.inlineCompletion.enable',
    ]);
    assert.deepEqual(ignoredWorkspaceSettings(cloned, true), []);
});

test('the API key is injected when present, absent otherwise; server.* is never sent', () => {
    const withKey = buildInitializationOptions(inspector({}), true, 'sk-123');
    assert.equal(withKey.ollama.apiKey, 'sk-123');
    const without = buildInitializationOptions(inspector({}), true, undefined);
    assert.equal('apiKey' in without.ollama, false);
    assert.equal('server' in without.ollama, false);
    assert.equal('trace' in without.ollama, false);
    assert.equal(JSON.stringify(buildInitializationOptions(cloned, true)).includes('evil/python'), false);
});

test('values of the wrong type fall back to the default', () => {
    const { ollama } = buildInitializationOptions(
        inspector({
            timeout: { globalValue: 'soon' as unknown as number },
            headers: { globalValue: { a: 1 } as unknown as Record<string, string> },
            'scan.disable': { workspaceValue: 'litellm' },
            'diagnostics.debounceMs': { workspaceValue: Number.NaN },
        }),
        true,
    );
    assert.equal(ollama.timeout, null);
    assert.deepEqual(ollama.headers, {});
    assert.deepEqual(ollama.scan.disable, []);
    assert.equal(ollama.diagnostics.debounceMs, 300);
});

test('a key without a valid value or default is left out: the server uses its own default', () => {
    const settings = buildServerSettings((key) => (key === 'model' ? { globalValue: 'llama3.2' } : undefined), true);
    assert.deepEqual(settings, { model: 'llama3.2' });
});

test('values handed out are copies (VS Code freezes its own)', () => {
    const frozen = Object.freeze(['a']);
    const settings = buildServerSettings(inspector({ modelKeys: { globalValue: frozen } }), true);
    settings.modelKeys.push('b');
    assert.deepEqual(frozen, ['a']);
});

test('effectiveValue and effectiveLevel: folder > workspace > user > default', () => {
    const all = { defaultValue: 'd', globalValue: 'g', workspaceValue: 'w', workspaceFolderValue: 'f' };
    assert.equal(effectiveValue('model', all, true), 'f');
    assert.equal(effectiveLevel('model', all, true), 'workspaceFolder');
    assert.equal(effectiveValue('model', { defaultValue: 'd', globalValue: 'g' }, true), 'g');
    assert.equal(effectiveLevel('model', { defaultValue: 'd', workspaceValue: 'w' }, true), 'workspace');
    assert.equal(effectiveValue('baseUrl', { defaultValue: 'd', workspaceValue: 'w' }, false), 'd');
    assert.equal(effectiveLevel('baseUrl', { defaultValue: 'd', workspaceValue: 'w' }, false), 'default');
    assert.equal(effectiveValue('caBundle', { defaultValue: null }, true), null);
    assert.equal(effectiveLevel('x', {}, true), undefined);
});

test('workspace/configuration answers for ollama sections only', () => {
    const settings = buildInitializationOptions(cloned, false, 'sk-1').ollama;
    assert.equal(configurationForSection('ollama', settings), settings);
    assert.equal(configurationForSection('ollama.baseUrl', settings), 'http://localhost:11434');
    assert.equal(configurationForSection('ollama.inlineCompletion.maxTokens', settings), 64);
    assert.deepEqual(configurationForSection('ollama.scan.disable', settings), []);
    assert.equal(configurationForSection('ollama.timeout', settings), null);
    assert.equal(configurationForSection('ollama.nope', settings), null);
    assert.equal(configurationForSection('editor', settings), undefined);
    assert.equal(configurationForSection(undefined, settings), undefined);
});

test('multi-root: each workspace/configuration item gets the settings of its own scopeUri', () => {
    // Two folders with their own .vscode/settings.json; the code-workspace file sets the base URL.
    const folders: Record<string, ReturnType<typeof inspector>> = {
        'file:///home/dev/api': inspector({ model: { workspaceFolderValue: 'qwen2.5-coder:7b' }, baseUrl: { workspaceValue: 'http://gpu:11434' } }),
        'file:///home/dev/web': inspector({ model: { workspaceFolderValue: 'llama3.2' }, 'scan.disable': { workspaceFolderValue: ['env'] }, baseUrl: { workspaceValue: 'http://gpu:11434' } }),
    };
    const primary = 'file:///home/dev/api';
    const asked: Array<string | undefined> = [];
    const settingsFor = (scopeUri: string | undefined) => {
        asked.push(scopeUri);
        // VS Code maps a document to its folder; the test does it by prefix.
        const folder = Object.keys(folders).find((uri) => scopeUri?.startsWith(`${uri}/`) || scopeUri === uri) ?? primary;
        return buildServerSettings(folders[folder], true);
    };
    const answers = answerConfigurationItems(
        [
            { section: 'ollama.model', scopeUri: 'file:///home/dev/web/compose.yaml' },
            { section: 'ollama', scopeUri: 'file:///home/dev/api/config.yaml' },
            { section: 'ollama.scan.disable', scopeUri: 'file:///home/dev/web/compose.yaml' },
            { section: 'ollama.model' },
            { section: 'editor.tabSize', scopeUri: 'file:///home/dev/web/compose.yaml' },
        ],
        ['x', 'x', 'x', 'x', 4],
        settingsFor,
    );
    assert.equal(answers[0], 'llama3.2');
    assert.equal((answers[1] as { model: string; baseUrl: string }).model, 'qwen2.5-coder:7b');
    assert.equal((answers[1] as { baseUrl: string }).baseUrl, 'http://gpu:11434');
    assert.deepEqual(answers[2], ['env']);
    assert.equal(answers[3], 'qwen2.5-coder:7b', 'no scopeUri: the primary folder');
    assert.equal(answers[4], 4, 'other sections: what VS Code answered');
    assert.deepEqual(asked, ['file:///home/dev/web/compose.yaml', 'file:///home/dev/api/config.yaml', undefined], 'settings read once per scope');
});
