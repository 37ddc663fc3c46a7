import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptedPullName, generateAtCursorArgs, generateFromSelectionArgs, modelPickItem, normalizePullModelName, pullSuggestions, sameModel } from '../../src/commandArgs';

const uri = 'file:///work/config.yaml';

test('generate at cursor: a position and insert mode, no range or prompt', () => {
    assert.deepEqual(generateAtCursorArgs(uri, { line: 3, character: 7 }), { uri, position: { line: 3, character: 7 }, mode: 'insert' });
    assert.equal(generateAtCursorArgs(uri, { line: 0, character: 0 }, 'phi3:mini').model, 'phi3:mini');
});

test('generate from selection: the range, the trimmed instruction, replace mode', () => {
    const range = { start: { line: 1, character: 0 }, end: { line: 4, character: 2 } };
    assert.deepEqual(generateFromSelectionArgs(uri, range, '  add comments \n'), {
        args: { uri, range, prompt: 'add comments', mode: 'replace' },
    });
});

test('generate from selection refuses an empty selection or instruction', () => {
    const empty = { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } };
    assert.match(generateFromSelectionArgs(uri, empty, 'x').error ?? '', /Select the text/);
    const range = { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } };
    assert.match(generateFromSelectionArgs(uri, range, '   ').error ?? '', /instruction/);
});

test('pull model names are trimmed and cleaned', () => {
    assert.deepEqual(normalizePullModelName('  llama3.2  '), { name: 'llama3.2' });
    assert.deepEqual(normalizePullModelName('ollama pull qwen2.5-coder:7b'), { name: 'qwen2.5-coder:7b' });
    assert.deepEqual(normalizePullModelName('"phi3:mini"'), { name: 'phi3:mini' });
    assert.deepEqual(normalizePullModelName('library/mistral:latest'), { name: 'library/mistral:latest' });
    assert.deepEqual(normalizePullModelName('registry.example.com:5000/team/model:v1'), { name: 'registry.example.com:5000/team/model:v1' });
});

test('pull model names that Ollama would refuse are explained', () => {
    assert.match(normalizePullModelName('   ').error ?? '', /Type a model name/);
    assert.match(normalizePullModelName('llama 3').error ?? '', /spaces/);
    assert.match(normalizePullModelName('llama3:').error ?? '', /tag/);
    assert.match(normalizePullModelName('a/b/c/d').error ?? '', /\[host\/\]/);
    assert.match(normalizePullModelName('llama$3').error ?? '', /letters, digits/);
    assert.match(normalizePullModelName('llama3:v$1').error ?? '', /tag "v\$1"/);
});

test('sameModel treats a missing tag as :latest', () => {
    assert.ok(sameModel('llama3.2', 'llama3.2:latest'));
    assert.ok(!sameModel('llama3.2', 'llama3.2:1b'));
});

test('pull suggestions leave out installed models', () => {
    assert.deepEqual(pullSuggestions(['llama3.2', 'phi3:mini', 'mistral'], ['llama3.2:latest', 'mistral:latest']), ['phi3:mini']);
});

test('model quick-pick rows show size, quantization and capabilities; the default is checked', () => {
    const item = modelPickItem(
        { name: 'llama3.2:latest', size: 2_019_393_189, digest: 'a80c', modifiedAt: '', family: 'llama', parameterSize: '3.2B',
          quantization: 'Q4_K_M', capabilities: ['completion', 'tools'], contextLength: 131072 },
        'llama3.2',
    );
    assert.deepEqual(item, {
        label: '$(check) llama3.2:latest',
        description: '3.2B · Q4_K_M · 2.0 GB',
        detail: 'llama · completion, tools · 131,072 tokens context',
        model: 'llama3.2:latest',
    });
});

test('accepting the pull pick: the highlighted suggestion if it fits what was typed, else the typed name', () => {
    assert.equal(acceptedPullName('qwen', 'qwen3:8b'), 'qwen3:8b');
    assert.equal(acceptedPullName('', 'mistral'), 'mistral');
    assert.equal(acceptedPullName('phi3:mini', 'phi4'), 'phi3:mini');
    assert.equal(acceptedPullName(' my/model:q4 ', undefined), 'my/model:q4');
    assert.equal(acceptedPullName('', undefined), undefined);
});
