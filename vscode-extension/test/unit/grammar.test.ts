// The Modelfile TextMate grammar, tokenized the way VS Code does (vscode-textmate + oniguruma).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, StateStack } from 'vscode-textmate';

const root = path.resolve(__dirname, '../../..');

async function tokenize(text: string): Promise<Array<[string, string]>> {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
            createOnigString: (s: string) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async () => {
            const file = path.join(root, 'syntaxes', 'modelfile.tmLanguage.json');
            return parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
        },
    });
    const grammar = await registry.loadGrammar('source.modelfile');
    assert.ok(grammar);
    const tokens: Array<[string, string]> = [];
    let state: StateStack = INITIAL;
    for (const line of text.split('\n')) {
        const result = grammar.tokenizeLine(line, state);
        state = result.ruleStack;
        for (const token of result.tokens) {
            tokens.push([line.slice(token.startIndex, token.endIndex), token.scopes[token.scopes.length - 1]]);
        }
    }
    return tokens;
}

function scopeOf(tokens: Array<[string, string]>, text: string): string | undefined {
    return tokens.find(([t]) => t === text)?.[1];
}

test('Modelfile: instructions, comments, parameter names, strings, """ blocks', async () => {
    const tokens = await tokenize(
        [
            '# a comment',
            'FROM llama3.2',
            'PARAMETER temperature 0.7',
            'PARAMETER stop "<|eot_id|>"',
            'TEMPLATE """{{ if .System }}system',
            'still inside"""',
            'SYSTEM You are terse.',
            'MESSAGE user Hello',
        ].join('\n'),
    );
    assert.equal(scopeOf(tokens, ' a comment'), 'comment.line.number-sign.modelfile');
    assert.equal(scopeOf(tokens, 'FROM'), 'keyword.control.instruction.modelfile');
    assert.equal(scopeOf(tokens, 'llama3.2'), 'entity.name.type.model.modelfile');
    assert.equal(scopeOf(tokens, 'temperature'), 'variable.parameter.modelfile');
    assert.equal(scopeOf(tokens, '0.7'), 'constant.numeric.modelfile');
    assert.equal(scopeOf(tokens, '<|eot_id|>'), 'string.quoted.double.modelfile');
    assert.equal(scopeOf(tokens, '"""'), 'punctuation.definition.string.begin.modelfile');
    assert.equal(scopeOf(tokens, '.System'), 'variable.other.member.modelfile');
    assert.equal(scopeOf(tokens, 'still inside'), 'string.quoted.triple.modelfile');
    assert.equal(scopeOf(tokens, 'SYSTEM'), 'keyword.control.instruction.modelfile');
    assert.equal(scopeOf(tokens, 'user'), 'support.constant.role.modelfile');
});
