import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchCandidates, LaunchInputs, noServerMessage, pythonProbeCode, shouldRestartAfterCrash } from '../../src/serverLaunch';
import { servedDocumentSelector } from '../../src/constants';

const base: LaunchInputs = {
    serverPath: '',
    pythonSetting: '',
    pythonExtensionInterpreter: undefined,
    bundledLibs: '/ext/bundled/libs',
    pathPython: 'python3',
    env: { PATH: '/usr/bin', PYTHONPATH: '/home/me/lib', HOME: '/home/me' },
};

const summary = (inputs: LaunchInputs) => launchCandidates(inputs).map((c) => [c.source, c.command, ...c.args]);

test('ollama.server.path comes first and runs `serve`', () => {
    const candidates = launchCandidates({ ...base, serverPath: '/opt/ollama-ls', pythonSetting: '/py/bin/python' });
    assert.deepEqual(candidates[0].source, 'ollama.server.path');
    assert.deepEqual([candidates[0].command, ...candidates[0].args], ['/opt/ollama-ls', 'serve']);
    assert.equal(candidates[0].env.PYTHONPATH, '/home/me/lib', 'an executable keeps the user environment');
});

test('then ollama.server.python, the Python extension, python3 on PATH, each running the module', () => {
    assert.deepEqual(summary({ ...base, pythonSetting: '/py/bin/python', pythonExtensionInterpreter: '/venv/bin/python' }), [
        ['ollama.server.python', '/py/bin/python', '-m', 'ollama_ls', 'serve'],
        ['Python extension', '/venv/bin/python', '-m', 'ollama_ls', 'serve'],
        ['PATH', 'python3', '-m', 'ollama_ls', 'serve'],
    ]);
});

test('without settings or the Python extension: python3 on PATH only', () => {
    assert.deepEqual(summary(base), [['PATH', 'python3', '-m', 'ollama_ls', 'serve']]);
});

test('the same interpreter is not tried twice', () => {
    assert.deepEqual(summary({ ...base, pythonSetting: 'python3', pythonExtensionInterpreter: 'python3' }), [
        ['ollama.server.python', 'python3', '-m', 'ollama_ls', 'serve'],
    ]);
});

test('the bundled libs, and only they, are on PYTHONPATH', () => {
    const [python] = launchCandidates(base);
    assert.equal(python.env.PYTHONPATH, '/ext/bundled/libs');
    assert.equal(python.env.PYTHONUNBUFFERED, '1');
    assert.equal(python.env.HOME, '/home/me');
    const [dev] = launchCandidates({ ...base, bundledLibs: undefined });
    assert.equal(dev.env.PYTHONPATH, '/home/me/lib', 'a development build uses the interpreter as it is');
});

test('the probe checks the version and imports the package', () => {
    const code = pythonProbeCode([3, 10]);
    assert.match(code, /sys\.version_info < \(3, 10\)/);
    assert.match(code, /import ollama_ls/);
});

test('the failure message says what was tried and what to do', () => {
    const [candidate] = launchCandidates(base);
    const message = noServerMessage([{ candidate, reason: 'not found' }]);
    assert.match(message, /python3 -m ollama_ls serve \(from PATH\): not found/);
    assert.match(message, /ollama\.server\.python/);
    assert.match(message, /ollama\.server\.path/);
});

test('restart after a crash unless it crashed 3 times in 3 minutes', () => {
    const now = 1_000_000;
    assert.equal(shouldRestartAfterCrash([], now), true);
    assert.equal(shouldRestartAfterCrash([now - 10_000, now - 5_000], now), true);
    assert.equal(shouldRestartAfterCrash([now - 20_000, now - 10_000, now - 5_000], now), false);
    assert.equal(shouldRestartAfterCrash([now - 400_000, now - 300_000, now - 200_000], now), true);
});

test('documents served: the config languages and the file patterns', () => {
    const selector = servedDocumentSelector();
    for (const language of ['yaml', 'json', 'jsonc', 'toml', 'dotenv', 'modelfile']) {
        assert.ok(selector.some((f) => 'language' in f && f.language === language && f.scheme === 'file'), language);
    }
    for (const pattern of ['**/.env', '**/.env.*', '**/Modelfile', '**/*.modelfile']) {
        assert.ok(selector.some((f) => 'pattern' in f && f.pattern === pattern), pattern);
    }
    // Every document, for Generate at Cursor and ghost text in code and prose.
    for (const scheme of ['file', 'untitled']) {
        assert.ok(selector.some((f) => Object.keys(f).length === 1 && f.scheme === scheme), scheme);
    }
});
