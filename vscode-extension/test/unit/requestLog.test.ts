import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstLine, RequestLog } from '../../src/requestLog';

function recorder() {
    const lines: string[] = [];
    const log = {
        debug: (line: string) => lines.push(`debug ${line}`),
        info: (line: string) => lines.push(`info ${line}`),
        warn: (line: string) => lines.push(`warn ${line}`),
    };
    return { lines, log: new RequestLog(log) };
}

test('a request is logged with its parameters and how long it took', async () => {
    const { lines, log } = recorder();
    assert.equal(await log.logged('ollama/models', { force: true }, async () => 42), 42);
    assert.equal(lines[0], 'debug ollama/models {"force":true}');
    assert.match(lines[1], /^info ollama\/models \{"force":true\} answered in \d+ ms$/);
});

test('a failure is logged with its first line and thrown again', async () => {
    const { lines, log } = recorder();
    await assert.rejects(log.logged('ollama.pull', { model: 'x' }, async () => Promise.reject(new Error('not found\ndetails'))), /not found/);
    assert.match(lines[1], /^warn ollama\.pull \{"model":"x"\} failed after \d+ ms: not found$/);
    assert.equal(firstLine('a\nb'), 'a');
});
