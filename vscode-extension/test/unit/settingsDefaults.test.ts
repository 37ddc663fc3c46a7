// One source of truth for the settings' defaults: test/unit/settings-defaults.snapshot.json is
// written by a Python test from the server's `Settings`; package.json must contribute each of
// those keys with the same default, and settings.ts (which has no defaults of its own) must send
// exactly those defaults when nothing is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { buildServerSettings, SERVER_SETTING_KEYS } from '../../src/settings';
import { contributedSettings, packageInspector, ROOT } from './packageJson';

const SNAPSHOT = path.join(ROOT, 'test', 'unit', 'settings-defaults.snapshot.json');

/** Server settings that are no VS Code setting: the API key lives in SecretStorage. */
const NOT_VS_CODE_SETTINGS = new Set(['ollama.apiKey']);
/** VS Code settings that are not the server's: they choose and trace the server process. */
const EXTENSION_ONLY = /^ollama\.(server|trace)\./;

function snapshot(): Record<string, unknown> {
    const all = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(all).filter(([key]) => !NOT_VS_CODE_SETTINGS.has(key)));
}

/** What one list of keys lacks and has in excess of another, for a readable failure. */
function keyDifferences(actual: readonly string[], expected: readonly string[], where: string): string[] {
    return [
        ...expected.filter((key) => !actual.includes(key)).map((key) => `${key}: the server's, missing from ${where}`),
        ...actual.filter((key) => !expected.includes(key)).map((key) => `${key}: in ${where}, not a server setting`),
    ];
}

test('package.json contributes exactly the server settings of the snapshot (plus server.* and trace.*)', () => {
    const contributed = Object.keys(contributedSettings()).filter((key) => key.startsWith('ollama.') && !EXTENSION_ONLY.test(key));
    assert.deepEqual(keyDifferences(contributed, Object.keys(snapshot()), 'package.json'), []);
});

test("package.json's defaults are the server's", () => {
    const contributed = contributedSettings();
    const differences = Object.entries(snapshot())
        .filter(([key, value]) => !isDeepStrictEqual(contributed[key]?.default, value))
        .map(([key, value]) => `${key}: ${JSON.stringify(contributed[key]?.default)} in package.json, ${JSON.stringify(value)} in the server`);
    assert.deepEqual(differences, []);
});

test('settings.ts sends every server setting, and with nothing set, exactly the defaults', () => {
    const keys = SERVER_SETTING_KEYS.map((key) => `ollama.${key}`);
    assert.deepEqual(keyDifferences(keys, Object.keys(snapshot()), 'SERVER_SETTINGS of src/settings.ts'), []);
    const sent = buildServerSettings(packageInspector(), true) as unknown as Record<string, unknown>;
    const flat: Record<string, unknown> = {};
    const flatten = (value: Record<string, unknown>, prefix: string) => {
        for (const [key, item] of Object.entries(value)) {
            const name = `${prefix}.${key}`;
            if (typeof item === 'object' && item !== null && !Array.isArray(item) && !(name in snapshot())) flatten(item as Record<string, unknown>, name);
            else flat[name] = item;
        }
    };
    flatten(sent, 'ollama');
    assert.deepEqual(flat, snapshot());
});

test('scan.* are per-folder lists of strings; disable names every tool and rule id', () => {
    const contributed = contributedSettings();
    for (const key of ['ollama.scan.disable', 'ollama.scan.excludeFiles']) {
        assert.equal(contributed[key].type, 'array', key);
        assert.equal(contributed[key].items?.type, 'string', key);
        assert.equal(contributed[key].scope, 'resource', key);
    }
    const ids = ['continue', 'litellm', 'aider', 'crewai', 'codex', 'opencode', 'zed', 'helm', 'open-webui', 'mem0', 'compose', 'provider-prefix', 'base-url', 'env'];
    const description = contributed['ollama.scan.disable'].markdownDescription ?? '';
    assert.deepEqual(ids.filter((id) => !description.includes(`\`${id}\``)), []);
});

test("the README's settings table lists every contributed setting", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const missing = Object.keys(contributedSettings()).filter((key) => !readme.includes(`| \`${key}\` |`));
    assert.deepEqual(missing, []);
});
