import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LevelledLog, LogLevel, logServerLine, ServerLogParser } from '../../src/serverLog';

function capture(): { log: LevelledLog; lines: Array<[LogLevel, string]> } {
    const lines: Array<[LogLevel, string]> = [];
    const at = (level: LogLevel) => (message: string) => void lines.push([level, message]);
    return { log: { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

test("the server's log records keep their level, without the server's timestamp", () => {
    const { log, lines } = capture();
    const parser = new ServerLogParser();
    for (const line of [
        '2026-11-30 20:18:24,101 DEBUG ollama_ls.client.host: GET /api/tags',
        '2026-11-30 20:18:24,102 INFO ollama_ls.lsp.server: ollama-ls 0.1.0 started',
        '2026-11-30 20:18:25,003 WARNING ollama_ls.lsp.settings: ollama.healthCheckInterval 1e-06 is below 1 s: using 1 s',
        '2026-11-30 20:18:26,000 ERROR pygls.protocol: Error in server',
        '2026-11-30 20:18:26,001 CRITICAL ollama_ls: gave up',
        '',
    ]) {
        logServerLine(parser, log, line);
    }
    assert.deepEqual(lines, [
        ['debug', 'ollama_ls.client.host: GET /api/tags'],
        ['info', 'ollama_ls.lsp.server: ollama-ls 0.1.0 started'],
        ['warn', 'ollama_ls.lsp.settings: ollama.healthCheckInterval 1e-06 is below 1 s: using 1 s'],
        ['error', 'pygls.protocol: Error in server'],
        ['error', 'ollama_ls: gave up'],
    ]);
});

test("a record's traceback and further lines take its level; a traceback on its own is an error", () => {
    const { log, lines } = capture();
    const parser = new ServerLogParser();
    const input = [
        'Traceback (most recent call last):',
        '  File "<string>", line 1, in <module>',
        "ModuleNotFoundError: No module named 'pygls'",
        '2026-11-30 20:18:24,102 INFO ollama_ls.lsp.status: Ollama is back',
        '  at http://127.0.0.1:11434',
        '2026-11-30 20:18:26,000 ERROR ollama_ls.lsp.generate: unexpected failure in ollama.generate',
        'Traceback (most recent call last):',
        '  File "generate.py", line 3, in run',
        'KeyError: 1\r',
        '2026-11-30 20:18:27,000 DEBUG ollama_ls.client: retry',
        'Traceback (most recent call last):',
    ];
    for (const line of input) logServerLine(parser, log, line);
    assert.deepEqual(
        lines.map(([level]) => level),
        ['error', 'error', 'error', 'info', 'info', 'error', 'error', 'error', 'error', 'debug', 'debug'],
    );
    assert.equal(lines[8][1], 'KeyError: 1');
});

test('a line before any record (the server printed it before logging started) is an error', () => {
    const parser = new ServerLogParser();
    assert.deepEqual(parser.line('ollama-ls serve: cannot write the log file /nope/x.log: No such file or directory'), {
        level: 'error',
        text: 'ollama-ls serve: cannot write the log file /nope/x.log: No such file or directory',
    });
});
