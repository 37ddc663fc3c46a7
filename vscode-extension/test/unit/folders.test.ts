import { test } from 'node:test';
import assert from 'node:assert/strict';
import { primaryFolder, relativeBase } from '../../src/folders';

test('the primary folder is the first one (LSP rootUri); none without folders', () => {
    assert.equal(primaryFolder(['/home/me/api', '/home/me/web']), '/home/me/api');
    assert.equal(primaryFolder([]), undefined);
    assert.equal(primaryFolder(undefined), undefined);
});

test('a relative path in a setting: from the folder that set it, the workspace file, else the primary folder', () => {
    const multiRoot = { trusted: true, folder: '/home/me/api', workspaceFile: '/home/me/team.code-workspace' };
    assert.equal(relativeBase('workspaceFolder', multiRoot), '/home/me/api');
    assert.equal(relativeBase('workspace', multiRoot), '/home/me', 'a .code-workspace value: its own directory');
    assert.equal(relativeBase('user', multiRoot), '/home/me/api', "a user value: the primary folder's (each project's .venv)");
    assert.equal(relativeBase(undefined, multiRoot), '/home/me/api');
    const singleFolder = { trusted: true, folder: '/home/me/api' };
    assert.equal(relativeBase('workspace', singleFolder), '/home/me/api', "one folder: the workspace's settings are the folder's");
});

test('a relative path is refused in an untrusted workspace, or without a folder', () => {
    assert.equal(relativeBase('workspaceFolder', { trusted: false, folder: '/home/me/api' }), undefined);
    assert.equal(relativeBase('user', { trusted: false, folder: '/home/me/api', workspaceFile: '/home/me/x.code-workspace' }), undefined);
    assert.equal(relativeBase('user', { trusted: true }), undefined);
});
