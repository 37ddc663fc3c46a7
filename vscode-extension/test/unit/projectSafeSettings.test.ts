// One decision, two places: the settings a workspace may set where it is not trusted. The server
// keeps them in PROJECT_SAFE_KEYS (server/ollama_ls/lsp/settings.py; a Python test writes them to
// test/unit/project-safe-settings.snapshot.json); the extension in WORKSPACE_SAFE_SETTINGS, and
// restricts every other server setting. A setting that causes traffic or load on Ollama (ghost
// text included) is restricted on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESTRICTED_SETTINGS, SERVER_SETTING_KEYS, WORKSPACE_SAFE_SETTINGS } from '../../src/settings';
import { ROOT } from './packageJson';

const SNAPSHOT = path.join(ROOT, 'test', 'unit', 'project-safe-settings.snapshot.json');

function serverSafe(): string[] {
    const snapshot = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as { projectSafe: string[] };
    return snapshot.projectSafe.map((key) => key.replace(/^ollama\./, '')).sort();
}

test("WORKSPACE_SAFE_SETTINGS are exactly the server's project-safe keys", () => {
    assert.deepEqual([...WORKSPACE_SAFE_SETTINGS].sort(), serverSafe());
});

test("every other server setting is restricted in an untrusted workspace", () => {
    const safe = serverSafe();
    const expected = SERVER_SETTING_KEYS.filter((key) => !safe.includes(key)).sort();
    const restricted = RESTRICTED_SETTINGS.filter((key) => !key.startsWith('server.')).sort();
    assert.deepEqual(restricted, expected);
});

test('ghost text is restricted: it sends a generation to Ollama while typing', () => {
    for (const key of ['inlineCompletion.enable', 'inlineCompletion.debounceMs', 'firstTokenTimeout']) {
        assert.ok(RESTRICTED_SETTINGS.includes(key), key);
        assert.ok(!serverSafe().includes(key), key);
    }
});
