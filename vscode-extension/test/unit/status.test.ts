import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateResult, OllamaProgress, OllamaStatus } from '../../src/protocol';
import { applyProgress, applyServerState, applyStatus, describeStatus, formatBytes, generationMessage, initialStatusState, StatusState } from '../../src/status';

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

/** An `ollama/progress` notification as the server sends it (id and message always present). */
function progress(kind: OllamaProgress['kind'], model: string, extra: Partial<OllamaProgress> = {}): OllamaProgress {
    return { id: `ollama-${kind}-0123456789ab`, kind, model, message: `${kind} ${model}`, done: false, ...extra };
}

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
    state = applyProgress(state, progress('generate', 'llama3.2', { tokensPerSecond: 38.2 }));
    state = applyProgress(state, progress('pull', 'llama3', { percentage: 42.7 }));
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: pulling llama3 42%');
    state = applyProgress(state, progress('pull', 'llama3', { done: true }));
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: generating · 38 tok/s');
    state = applyProgress(state, progress('generate', 'llama3.2', { done: true }));
    assert.equal(describeStatus(state).text, '$(check) Ollama 0.33.0 · 3 models');
});

test('pull without a percentage yet, generate without a speed yet', () => {
    let state = applyProgress(running(), progress('pull', 'phi3:mini', { message: 'pulling manifest' }));
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: pulling phi3:mini');
    state = applyProgress(running(), progress('generate', 'phi3:mini'));
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: generating');
});

test('server not running: starting, then stopped with an error background; progress is dropped', () => {
    assert.equal(describeStatus(initialStatusState()).text, '$(loading~spin) Ollama: starting');
    let state = applyProgress(running(), progress('pull', 'x', { percentage: 5 }));
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

// What server/ollama_ls/lsp/generate.py answers: metrics are null unless the stream ended well.
const done: GenerateResult = {
    model: 'llama3.2', text: 'Hello there.', evalCount: 42, tokensPerSecond: 37.6, timeToFirstTokenMs: 120, cancelled: false,
};
const noMetrics = { evalCount: null, tokensPerSecond: null, timeToFirstTokenMs: null };

test('a finished generation reports its tokens, model and speed', () => {
    assert.equal(generationMessage(done), '$(check) Ollama: 42 tokens from llama3.2 at 38 tok/s');
    assert.equal(generationMessage({ ...done, tokensPerSecond: null }), '$(check) Ollama: 42 tokens from llama3.2');
    assert.equal(generationMessage({ ...done, ...noMetrics }), '$(check) Ollama: generated with llama3.2');
});

test('a failed, stopped or cancelled generation never shows a success line', () => {
    const failed = { ...done, ...noMetrics, text: '', error: 'model "nope" not found' };
    const failedMidway = { ...done, ...noMetrics, text: 'Hel', error: 'connection reset' };
    const stopped = { ...done, ...noMetrics, text: 'Hel', stopped: 'you edited the text being generated' };
    const cancelled = { ...done, ...noMetrics, text: 'Hel', cancelled: true };
    const pullFailed = { model: 'phi3:mini', text: '', ...noMetrics, cancelled: false, error: 'pull failed' };
    const nothing = { ...done, ...noMetrics, text: '' };
    for (const result of [failed, failedMidway, stopped, cancelled, pullFailed, nothing]) {
        const message = generationMessage(result);
        assert.doesNotMatch(message, /\$\(check\)|null|undefined|tokens from/, JSON.stringify(result));
    }
    assert.equal(generationMessage(failed), '$(error) Ollama: generation failed');
    assert.equal(generationMessage(failedMidway), '$(error) Ollama: generation failed');
    assert.equal(generationMessage(pullFailed), '$(error) Ollama: generation failed');
    assert.equal(generationMessage(stopped), '$(warning) Ollama: generation stopped: you edited the text being generated');
    assert.equal(generationMessage(cancelled), '$(debug-stop) Ollama: generation cancelled');
    assert.equal(generationMessage(nothing), '$(warning) Ollama: llama3.2 generated nothing');
});
