// One source of truth for the wire protocol: test/unit/protocol.snapshot.json is written by a
// Python test from what the server sends; src/protocol.ts must declare the same interfaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '../../..');
const SNAPSHOT = path.join(root, 'test', 'unit', 'protocol.snapshot.json');
const PROTOCOL = path.join(root, 'src', 'protocol.ts');

type Members = Record<string, string>;

/** Type text with whitespace normalised: runs become one space, none next to brackets. */
export function normaliseType(text: string): string {
    return text
        .replace(/\s+/g, ' ')
        .replace(/\s*([()[\]<>])\s*/g, '$1')
        .trim();
}

/** Every interface of a TypeScript file: name -> {member (with `?` when optional) -> type text}. */
export function declaredInterfaces(file: string): Map<string, Members> {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const found = new Map<string, Members>();
    for (const statement of source.statements) {
        if (!ts.isInterfaceDeclaration(statement)) continue;
        const name = statement.name.text;
        assert.equal(statement.heritageClauses, undefined, `${name}: write its members out, without "extends"`);
        assert.equal(statement.typeParameters, undefined, `${name}: no type parameters on a wire type`);
        const members: Members = {};
        for (const member of statement.members) {
            assert.ok(ts.isPropertySignature(member) && member.type, `${name}: only "name: type" members (got "${member.getText(source)}")`);
            const key = member.name.getText(source).replace(/^['"]|['"]$/g, '') + (member.questionToken ? '?' : '');
            members[key] = normaliseType(member.type.getText(source));
        }
        found.set(name, members);
    }
    return found;
}

function snapshot(): Record<string, Members> {
    return JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as Record<string, Members>;
}

test('the snapshot names the payload interfaces', () => {
    const names = Object.keys(snapshot());
    for (const expected of ['RunningModel', 'OllamaStatus', 'OllamaProgress', 'ModelInfo', 'GenerateResult']) {
        assert.ok(names.includes(expected), `${expected} is missing from ${path.relative(root, SNAPSHOT)}`);
    }
});

test('src/protocol.ts declares every interface of the snapshot, member for member', () => {
    const declared = declaredInterfaces(PROTOCOL);
    const problems: string[] = [];
    for (const [name, members] of Object.entries(snapshot())) {
        const actual = declared.get(name);
        if (!actual) {
            problems.push(`interface ${name} is missing`);
            continue;
        }
        const expected = Object.fromEntries(Object.entries(members).map(([key, type]) => [key, normaliseType(type)]));
        for (const [key, type] of Object.entries(expected)) {
            const bare = key.replace(/\?$/, '');
            const other = key.endsWith('?') ? bare : `${bare}?`;
            if (key in actual) {
                if (actual[key] !== type) problems.push(`${name}.${bare}: "${actual[key]}" in protocol.ts, "${type}" in the snapshot`);
            } else if (other in actual) {
                problems.push(`${name}.${bare}: ${key.endsWith('?') ? 'optional' : 'required'} in the snapshot, not in protocol.ts`);
            } else {
                problems.push(`${name}.${bare} is missing from protocol.ts`);
            }
        }
        for (const key of Object.keys(actual)) {
            const bare = key.replace(/\?$/, '');
            if (!(bare in expected) && !(`${bare}?` in expected)) problems.push(`${name}.${bare} is in protocol.ts but not in the snapshot`);
        }
    }
    assert.deepEqual(problems, []);
});

test('type text is compared with whitespace normalised', () => {
    assert.equal(normaliseType(' string |\n  null '), 'string | null');
    assert.equal(normaliseType('RunningModel [ ]'), 'RunningModel[]');
    assert.equal(normaliseType("'pull'   |   'generate'"), "'pull' | 'generate'");
});

test('members are read with their optionality and type text', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protocol-'));
    const file = path.join(dir, 'p.ts');
    fs.writeFileSync(file, 'export interface A {\n  x?: number;\n  y: string | null;\n}\n');
    assert.deepEqual(declaredInterfaces(file).get('A'), { 'x?': 'number', y: 'string | null' });
    fs.rmSync(dir, { recursive: true });
});
