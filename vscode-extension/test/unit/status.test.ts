import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OllamaStatus } from '../../src/protocol';
import { applyProgress, applyServerState, applyStatus, describeStatus, formatBytes, initialStatusState, StatusState } from '../../src/status';

const connected: OllamaStatus = {
    reachable: true,
    baseUrl: 'http://127.0.0.1:11434',
    version: '0.33.0',
    modelCount: 3,
    runningModels: [{ name: 'llama3.2:latest', size: 3_400_000_000, sizeVram: 3_000_000_000, expiresAt: '2026-11-22T14:05:00Z' }],
    latencyMs: 12.4,
    error: null,
    suggestion: null,
};

const offline: OllamaStatus = {
    ...connected,
    reachable: false,
    version: null,
    modelCount: 0,
    runningModels: [],
    latencyMs: null,
    error: 'Connection refused',
    suggestion: 'Start Ollama with `ollama serve`.',
};

function running(): StatusState {
    return applyServerState(initialStatusState(), 'running');
}

test('connected: version and model count, no background colour', () => {
    const view = describeStatus(applyStatus(running(), connected));
    assert.equal(view.text, '$(check) Ollama 0.33.0 · 3 models');
    assert.equal(view.backgroundColor, undefined);
});

test('connected with one model says "1 model"', () => {
    const view = describeStatus(applyStatus(running(), { ...connected, modelCount: 1 }));
    assert.equal(view.text, '$(check) Ollama 0.33.0 · 1 model');
});

test('connected tooltip: server URL, version, latency, running models with memory', () => {
    const { tooltip } = describeStatus(applyStatus(running(), connected));
    assert.match(tooltip, /Server: `http:\/\/127\.0\.0\.1:11434`/);
    assert.match(tooltip, /Version: 0\\\.33\\\.0/);
    assert.match(tooltip, /Latency: 12 ms/);
    assert.match(tooltip, /`llama3\.2:latest` 3\.4 GB, 3\.0 GB in VRAM, unloads at 14:05 UTC/);
    assert.match(tooltip, /command:ollama\.pullModel/);
});

test('offline: error icon, warning background, error and suggestion in the tooltip', () => {
    const view = describeStatus(applyStatus(running(), offline));
    assert.equal(view.text, '$(error) Ollama offline');
    assert.equal(view.backgroundColor, 'statusBarItem.warningBackground');
    assert.match(view.tooltip, /Connection refused/);
    assert.match(view.tooltip, /ollama serve/);
});

test('pulling shows the model and the percentage, and wins over generating', () => {
    let state = applyStatus(running(), connected);
    state = applyProgress(state, { kind: 'generate', model: 'llama3.2', tokensPerSecond: 38.2, done: false });
    state = applyProgress(state, { kind: 'pull', model: 'llama3', percentage: 42.7, done: false });
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: pulling llama3 42%');
    state = applyProgress(state, { kind: 'pull', model: 'llama3', done: true });
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: generating · 38 tok/s');
    state = applyProgress(state, { kind: 'generate', model: 'llama3.2', done: true });
    assert.equal(describeStatus(state).text, '$(check) Ollama 0.33.0 · 3 models');
});

test('pull without a percentage yet, generate without a speed yet', () => {
    let state = applyProgress(running(), { kind: 'pull', model: 'phi3:mini', message: 'pulling manifest', done: false });
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: pulling phi3:mini');
    state = applyProgress(running(), { kind: 'generate', model: 'phi3:mini', done: false });
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: generating');
});

test('server not running: starting, then stopped with an error background; progress is dropped', () => {
    assert.equal(describeStatus(initialStatusState()).text, '$(loading~spin) Ollama: starting');
    let state = applyProgress(running(), { kind: 'pull', model: 'x', percentage: 5, done: false });
    state = applyServerState(state, 'stopped');
    const view = describeStatus(state);
    assert.equal(view.text, '$(error) Ollama: server stopped');
    assert.equal(view.backgroundColor, 'statusBarItem.errorBackground');
    assert.equal(state.progress.size, 0);
});

test('formatBytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(2_019_393_189), '2.0 GB');
    assert.equal(formatBytes(274_302_450), '274 MB');
});
