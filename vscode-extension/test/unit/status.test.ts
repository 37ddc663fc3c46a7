import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateResult, OllamaProgress, OllamaStatus } from '../../src/protocol';
import {
    applyGeneration,
    applyProgress,
    applyRequestFailure,
    applyServerState,
    applyStatus,
    describeStatus,
    formatBytes,
    formatUnload,
    generationMessage,
    initialStatusState,
    isUnreachableError,
    runningModelDetail,
    StatusState,
} from '../../src/status';

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

test('connected tooltip: server URL, version, latency, loaded models with memory and unload time', () => {
    const now = Date.parse('2026-11-22T14:01:00Z');
    const { tooltip } = describeStatus(applyStatus(running(), connected), now);
    assert.match(tooltip, /Server: `http:\/\/127\.0\.0\.1:11434`/);
    assert.match(tooltip, /Version: 0\\\.33\\\.0/);
    assert.match(tooltip, /Latency: 12 ms/);
    assert.match(tooltip, /Loaded models:/);
    assert.match(tooltip, /`llama3\.2:latest` 3\.4 GB, 3\.0 GB in VRAM · unloads in 4 min/);
    assert.match(tooltip, /command:ollama\.pullModel/);
    const none = describeStatus(applyStatus(running(), { ...connected, runningModels: [] }), now).tooltip;
    assert.match(none, /No model loaded\./);
});

test('unload times are relative to now; keep_alive -1 stays loaded; all in VRAM is said once', () => {
    const now = Date.parse('2026-11-22T14:00:00Z');
    assert.equal(formatUnload('2026-11-22T14:04:10Z', now), 'unloads in 4 min');
    assert.equal(formatUnload('2026-11-22T14:00:40Z', now), 'unloads in 40 s');
    assert.equal(formatUnload('2026-11-22T15:05:00Z', now), 'unloads in 1 h 5 min');
    assert.equal(formatUnload('2026-11-22T16:00:00Z', now), 'unloads in 2 h');
    assert.equal(formatUnload('2026-11-25T14:00:00Z', now), 'unloads in 3 days');
    assert.equal(formatUnload('2026-11-22T13:59:00Z', now), 'unloading now');
    assert.equal(formatUnload('2318-03-07T09:00:00+01:00', now), 'stays loaded');
    // Ollama's own format: local time with an offset and nanoseconds.
    assert.equal(formatUnload('2026-11-22T15:04:00.123456789+01:00', now), 'unloads in 4 min');
    assert.equal(formatUnload(null, now), '');
    assert.equal(formatUnload('not a time', now), '');
    const model = { name: 'qwen3:8b', size: 5_200_000_000, sizeVram: 5_200_000_000, expiresAt: '2026-11-22T14:04:00Z' };
    assert.equal(runningModelDetail(model, now), '5.2 GB in VRAM · unloads in 4 min');
    assert.equal(runningModelDetail({ ...model, sizeVram: 0, expiresAt: null }, now), '5.2 GB');
});

test('the tooltip gives the last generation speed; failed or cancelled ones leave it as it was', () => {
    const ok: GenerateResult = { model: 'llama3.2', text: 'x', evalCount: 42, tokensPerSecond: 37.6, timeToFirstTokenMs: 1234, cancelled: false };
    let state = applyGeneration(applyStatus(running(), connected), ok);
    assert.match(describeStatus(state).tooltip, /Last generation: 42 tokens from `llama3\.2` at 38 tok\/s, first token after 1\.2 s/);
    state = applyGeneration(state, { ...ok, model: 'phi3', evalCount: null, tokensPerSecond: null, timeToFirstTokenMs: null, error: 'boom' });
    state = applyGeneration(state, { ...ok, model: 'phi3', cancelled: true });
    assert.match(describeStatus(state).tooltip, /42 tokens from `llama3\.2`/);
    assert.doesNotMatch(describeStatus(state).tooltip, /phi3/);
});

test('a cold model: "loading <model> into memory… N s" in the status bar until the first token', () => {
    let state = applyStatus(running(), connected);
    state = applyProgress(state, progress('generate', 'llama3.2', { message: 'Generating with llama3.2' }));
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: generating');
    state = applyProgress(state, progress('generate', 'llama3.2', { message: 'loading llama3.2 into memory…' }));
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: loading llama3.2 into memory…');
    state = applyProgress(state, progress('generate', 'llama3.2', { message: 'loading llama3.2 into memory… 3 s' }));
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: loading llama3.2 into memory… 3 s');
    assert.match(describeStatus(state).tooltip, /loading llama3\\\.2 into memory… 3 s/);
    state = applyProgress(state, progress('generate', 'llama3.2', { message: 'qwen3 is thinking…' }));
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: qwen3 is thinking…');
    state = applyProgress(state, progress('generate', 'llama3.2', { message: '25 tok/s', tokensPerSecond: 25 }));
    assert.equal(describeStatus(state).text, '$(loading~spin) Ollama: generating · 25 tok/s');
});

test('a request that failed because Ollama is unreachable shows offline at once', () => {
    const state = applyStatus(running(), connected);
    const error = 'Ollama is not running at http://127.0.0.1:11434\nModel: llama3.2\nServer: http://127.0.0.1:11434\nStart it: ollama serve';
    const offlineNow = applyRequestFailure(state, error);
    const view = describeStatus(offlineNow);
    assert.equal(view.text, '$(error) Ollama offline');
    assert.equal(view.backgroundColor, 'statusBarItem.warningBackground');
    assert.match(view.tooltip, /Ollama is not running at/);
    assert.match(view.tooltip, /Start it: ollama serve/);
    assert.doesNotMatch(view.tooltip, /Model: llama3/);
    for (const message of [
        'Cannot connect to Ollama at http://gpu:11434',
        'The connection to Ollama was lost during /api/generate',
        'Timed out connecting to Ollama at http://gpu:11434',
        'connect ECONNREFUSED 127.0.0.1:11434',
    ]) {
        assert.equal(describeStatus(applyRequestFailure(state, message)).text, '$(error) Ollama offline', message);
    }
    // Model errors, timeouts of a slow model and an already offline status change nothing.
    for (const message of ['model "nope" not found, try pulling it first', 'Ollama sent nothing for 120 s on /api/generate', 'pull failed']) {
        assert.equal(applyRequestFailure(state, message), state, message);
    }
    assert.equal(applyRequestFailure(offlineNow, error), offlineNow);
    assert.equal(applyRequestFailure(running(), error).status, undefined);
    assert.equal(isUnreachableError(undefined), false);
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

test("the status's own last generation (ghost text too) wins, with its thinking tokens", () => {
    const ok: GenerateResult = { model: 'llama3.2', text: 'x', evalCount: 42, tokensPerSecond: 37.6, timeToFirstTokenMs: 1234, cancelled: false };
    const withLast: OllamaStatus = {
        ...connected,
        lastGeneration: { model: 'qwen3:8b', evalCount: 120, tokensPerSecond: 51.2, timeToFirstTokenMs: 900, estimated: false, thinkingTokens: 80 },
    };
    const state = applyStatus(applyGeneration(running(), ok), withLast);
    const tooltip = describeStatus(state).tooltip;
    assert.match(tooltip, /Last generation: 120 tokens from `qwen3:8b` at 51 tok\/s \(80 of them thinking\), first token after 0\.9 s/);
    assert.doesNotMatch(tooltip, /llama3\.2`/);
    const guessed: OllamaStatus = {
        ...connected,
        lastGeneration: { model: 'm', evalCount: 10, tokensPerSecond: 20, timeToFirstTokenMs: null, estimated: true },
    };
    assert.match(describeStatus(applyStatus(running(), guessed)).tooltip, /Last generation: about 10 tokens from `m` at about 20 tok\/s$/m);
});

test('a reachable status with a suggestion (localhost refused, 127.0.0.1 answered) shows it', () => {
    const advice = 'Ollama answers at http://127.0.0.1:11434 but not at localhost. Set the baseUrl setting to http://127.0.0.1:11434.';
    const view = describeStatus(applyStatus(running(), { ...connected, suggestion: advice }));
    assert.match(view.text, /Ollama 0\.33\.0/);
    assert.match(view.tooltip, /\$\(lightbulb\) Ollama answers at http:\/\/127\\\.0\\\.0\\\.1:11434/);
    assert.doesNotMatch(describeStatus(applyStatus(running(), connected)).tooltip, /lightbulb/);
});

test('a cloud model that is not signed in says to sign in, in the status bar message too', () => {
    const failed: GenerateResult = {
        model: 'gpt-oss:120b-cloud', text: '', evalCount: null, tokensPerSecond: null, timeToFirstTokenMs: null, cancelled: false,
        error: 'Not signed in to Ollama Cloud: gpt-oss:120b-cloud is a cloud model (unauthorized)\nModel: gpt-oss:120b-cloud\nOllama Cloud models run on ollama.com …',
    };
    assert.equal(generationMessage(failed), '$(error) Ollama: cloud model: run `ollama signin` where Ollama runs');
    assert.equal(generationMessage({ ...failed, error: 'boom' }), '$(error) Ollama: generation failed');
});
