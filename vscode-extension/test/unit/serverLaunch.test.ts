import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
    describeCommandLine,
    launchCandidates,
    LaunchInputs,
    noServerMessage,
    probeFailureReason,
    pythonProbeCode,
    serverBootstrapCode,
} from '../../src/serverLaunch';
import { servedDocumentSelector } from '../../src/constants';

const OWN_DIR = '/global-storage/ollama-ls.ollama-ls';
const base: LaunchInputs = {
    serverPath: '',
    pythonSetting: '',
    pythonExtensionInterpreter: undefined,
    workspaceTrusted: true,
    bundledLibs: '/ext/bundled/libs',
    pathPython: 'python3',
    env: { PATH: '/usr/bin', PYTHONPATH: '/home/me/lib', HOME: '/home/me' },
    cwd: OWN_DIR,
};

const BOOTSTRAP =
    'import sys; sys.path.insert(0, "/ext/bundled/libs"); sys.stdout.reconfigure(encoding="utf-8"); ' +
    'sys.stderr.reconfigure(encoding="utf-8", errors="backslashreplace"); from ollama_ls.cli.main import main; sys.exit(main())';
const SERVER_ARGS = ['-I', '-u', '-c', BOOTSTRAP, 'serve'];

const summary = (inputs: LaunchInputs) => launchCandidates(inputs).map((c) => [c.source, c.command, ...c.args]);

test('ollama.server.path comes first and runs `serve` in our own directory', () => {
    const candidates = launchCandidates({ ...base, serverPath: '/opt/ollama-ls', pythonSetting: '/py/bin/python' });
    const [first] = candidates;
    assert.equal(first.source, 'ollama.server.path');
    assert.deepEqual([first.command, ...first.args], ['/opt/ollama-ls', 'serve']);
    assert.equal(first.cwd, OWN_DIR);
    assert.equal(first.probeArgs, undefined, 'an executable is not probed with Python');
    assert.equal(first.env.PYTHONPATH, '/home/me/lib', 'an executable keeps the user PYTHONPATH');
    assert.equal(first.env.PYTHONSAFEPATH, '1');
    assert.equal(first.env.PYTHONUNBUFFERED, '1');
});

test('ollama.server.path: empty and relative PYTHONPATH entries (the current directory) are dropped', () => {
    const env = (pythonPath: string, delimiter = ':') =>
        launchCandidates({ ...base, serverPath: '/opt/ollama-ls', env: { PYTHONPATH: pythonPath }, pathDelimiter: delimiter })[0].env.PYTHONPATH;
    assert.equal(env(':/home/me/lib::lib:./x:/opt/y:'), '/home/me/lib:/opt/y');
    assert.equal(env(''), undefined);
    assert.equal(env(':.:'), undefined);
    assert.equal(env('C:\\lib;;.\\x;D:/y', ';'), 'C:\\lib;D:/y');
});

test('ollama.server.python, the Python extension, python3 on PATH: each isolated, in our own directory', () => {
    const candidates = launchCandidates({ ...base, pythonSetting: '/py/bin/python', pythonExtensionInterpreter: '/venv/bin/python' });
    assert.deepEqual(summary({ ...base, pythonSetting: '/py/bin/python', pythonExtensionInterpreter: '/venv/bin/python' }), [
        ['ollama.server.python', '/py/bin/python', ...SERVER_ARGS],
        ['Python extension', '/venv/bin/python', ...SERVER_ARGS],
        ['PATH', 'python3', ...SERVER_ARGS],
    ]);
    for (const candidate of candidates) {
        assert.equal(candidate.cwd, OWN_DIR);
        assert.deepEqual(candidate.probeArgs, ['-I', '-c', pythonProbeCode([3, 10], '/ext/bundled/libs')]);
    }
});

test('without settings or the Python extension: python3 on PATH only', () => {
    assert.deepEqual(summary(base), [['PATH', 'python3', ...SERVER_ARGS]]);
});

test('an untrusted workspace does not use the Python extension interpreter (it may be the workspace venv)', () => {
    assert.deepEqual(summary({ ...base, workspaceTrusted: false, pythonExtensionInterpreter: '/ws/.venv/bin/python' }), [
        ['PATH', 'python3', ...SERVER_ARGS],
    ]);
});

test('the same interpreter is not tried twice', () => {
    assert.deepEqual(summary({ ...base, pythonSetting: 'python3', pythonExtensionInterpreter: 'python3' }), [
        ['ollama.server.python', 'python3', ...SERVER_ARGS],
    ]);
});

test('a development build (no bundled libs) runs the installed package, still isolated', () => {
    const [dev] = launchCandidates({ ...base, bundledLibs: undefined });
    assert.deepEqual(dev.args.slice(0, 3), ['-I', '-u', '-c']);
    assert.doesNotMatch(dev.args[3], /sys\.path/);
    assert.match(dev.args[3], /from ollama_ls\.cli\.main import main; sys\.exit\(main\(\)\)$/);
    assert.equal(dev.args[4], 'serve');
});

test('isolated Python gets neither PYTHONPATH nor PYTHONHOME; the rest of the environment is kept', () => {
    const [python] = launchCandidates({ ...base, env: { ...base.env, PYTHONHOME: '/x' } });
    assert.equal(python.env.PYTHONPATH, undefined);
    assert.equal(python.env.PYTHONHOME, undefined);
    assert.equal(python.env.HOME, '/home/me');
    assert.equal(python.env.PATH, '/usr/bin');
});

test('paths are Python string literals, whatever they hold', () => {
    const libs = 'C:\\Users\\O\'Brien "x"\\ext\\bundled\\libs';
    assert.match(serverBootstrapCode(libs), /sys\.path\.insert\(0, "C:\\\\Users\\\\O'Brien \\"x\\"\\\\ext\\\\bundled\\\\libs"\)/);
});

test('the probe checks the version first, then imports the package from the bundled libs', () => {
    const code = pythonProbeCode([3, 10], '/ext/bundled/libs');
    assert.match(code, /sys\.version_info < \(3, 10\)/);
    assert.ok(code.indexOf('version_info') < code.indexOf('sys.path.insert(0, "/ext/bundled/libs")'));
    assert.ok(code.indexOf('sys.path.insert') < code.indexOf('import ollama_ls'));
    assert.match(code, /import ollama_ls, ollama_ls\.cli\.main, ollama_ls\.lsp\.server/, 'all that serve imports');
});

test('probe failures say what to do, including a Python without -I', () => {
    const python2 = { message: 'Command failed', code: 2, stderr: 'Unknown option: -I\nusage: python [option] ...\nTry `python -h\' for more information.\n' };
    assert.equal(
        probeFailureReason(python2, 'Python 2.7.18'),
        'Python 2.7.18 found: it has no -I (isolated mode, Python 3.4+), and the server needs Python 3.10+',
    );
    assert.match(probeFailureReason(python2), /no -I \(isolated mode/);
    assert.equal(probeFailureReason({ message: 'Command failed', code: 1, stderr: 'Python 3.8 found, 3.10+ needed\n' }), 'Python 3.8 found, 3.10+ needed');
    const missing = "Traceback (most recent call last):\n  File \"<string>\", line 4, in <module>\nModuleNotFoundError: No module named 'ollama_ls'\n";
    assert.equal(probeFailureReason({ message: 'Command failed', code: 1, stderr: missing }), 'the ollama_ls package is missing');
    assert.equal(probeFailureReason({ message: 'spawn python3 ENOENT', code: 'ENOENT', stderr: '' }), 'not found');
    assert.equal(
        probeFailureReason({ message: 'Command failed', code: 1, stderr: "ModuleNotFoundError: No module named 'tree_sitter._binding'\n" }),
        "ModuleNotFoundError: No module named 'tree_sitter._binding' (the bundled native libraries need the Python version the .vsix was built for)",
    );
    assert.equal(probeFailureReason({ message: 'Command failed', code: 1, stderr: "ModuleNotFoundError: No module named 'ollama_ls.lsp'\n" }), "ModuleNotFoundError: No module named 'ollama_ls.lsp'");
});

test('the log line shows the whole command and its directory; the failure message says what to do', () => {
    const [candidate] = launchCandidates(base);
    assert.equal(describeCommandLine(candidate), 'python3 -I -u -c <start ollama_ls> serve');
    assert.equal(describeCommandLine(candidate, true), `python3 -I -u -c '${BOOTSTRAP}' serve`);
    assert.equal(describeCommandLine({ ...candidate, args: ["it's"] }, true), `python3 'it'\\''s'`);
    const message = noServerMessage([{ candidate, reason: 'not found' }]);
    assert.match(message, /python3 \(from PATH\): not found/);
    assert.match(message, /Python 3\.10\+/);
    assert.match(message, /ollama\.server\.python/);
    assert.match(message, /ollama\.server\.path/);
    // Nothing is on PyPI: the message must not send the user there.
    assert.doesNotMatch(message, /pip install ollama-ls/);
});

// The real thing: a "cloned repository" with its own json.py, pydantic.py and ollama_ls/, each of
// which writes a marker when imported. Our probe and our server start, run with Python in that
// directory (the worst case: the extension uses its own directory), must import none of them.

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const venvPython = path.join(repoRoot, '.venv', 'bin', 'python');
const venvScript = path.join(repoRoot, '.venv', 'bin', 'ollama-ls');
const systemPython = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => path.isAbsolute(dir))
    .map((dir) => path.join(dir, 'python3'))
    .find((file) => fs.existsSync(file));

function plantedWorkspace(): { dir: string; markers: string; planted: () => string[] } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-ls-planted-'));
    const dir = path.join(root, 'workspace');
    const markers = path.join(root, 'markers');
    fs.mkdirSync(path.join(dir, 'ollama_ls'), { recursive: true });
    fs.mkdirSync(markers);
    const plant = (file: string, name: string) =>
        fs.writeFileSync(path.join(dir, file), `open(${JSON.stringify(path.join(markers, name))}, "w").write("imported")\n`);
    plant('json.py', 'json');
    plant('pydantic.py', 'pydantic');
    plant('typing_extensions.py', 'typing_extensions');
    plant('ollama_ls/__init__.py', 'ollama_ls');
    plant('ollama_ls/__main__.py', 'ollama_ls.__main__');
    return { dir, markers, planted: () => fs.readdirSync(markers) };
}

test('the planted modules are imported by a plain `python -c` in the workspace (the hole)', { skip: !systemPython && 'no python3' }, () => {
    const ws = plantedWorkspace();
    execFileSync(systemPython!, ['-c', 'import json'], { cwd: ws.dir });
    assert.deepEqual(ws.planted(), ['json']);
});

test('the probe, run isolated in a planted workspace, imports none of its modules', { skip: !systemPython && 'no python3' }, () => {
    const ws = plantedWorkspace();
    const [candidate] = launchCandidates({ ...base, pathPython: systemPython!, bundledLibs: undefined, env: { ...process.env, PYTHONPATH: '' }, cwd: ws.dir });
    // The system Python has no ollama_ls: the probe fails to import it, and must not find the planted one.
    try {
        execFileSync(candidate.command, candidate.probeArgs!, { cwd: ws.dir, env: candidate.env, stdio: 'pipe' });
    } catch {
        // expected when the system Python has no ollama_ls
    }
    assert.deepEqual(ws.planted(), []);
});

/** Starts a server, sends `initialize`, resolves with stdout once the answer came; then kills it. */
async function initializeOver(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<string> {
    const child = spawn(command, [...args, '--log-level', 'INFO'], { cwd, env });
    let stdout = Buffer.alloc(0);
    let stderr = '';
    child.stderr.on('data', (data) => (stderr += data.toString()));
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    try {
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no initialize answer in 45 s; stderr: ${stderr}`)), 45_000);
            child.stdout.on('data', (data: Buffer) => {
                stdout = Buffer.concat([stdout, data]);
                if (stdout.includes('"capabilities"')) {
                    clearTimeout(timer);
                    resolve();
                }
            });
            child.on('exit', (code) => reject(new Error(`the server exited with ${code}; stderr: ${stderr}`)));
        });
    } finally {
        child.kill();
    }
    return stdout.toString();
}

test('the server, started isolated in a planted workspace, answers initialize and imports none of its modules', {
    skip: !fs.existsSync(venvPython) && 'no .venv',
    timeout: 60_000,
}, async () => {
    const ws = plantedWorkspace();
    // PYTHONPATH ":" would mean the working directory; -I ignores it.
    const [candidate] = launchCandidates({ ...base, pythonSetting: venvPython, bundledLibs: undefined, env: { ...process.env, PYTHONPATH: ':' }, cwd: ws.dir });
    const probe = execFileSync(candidate.command, candidate.probeArgs!, { cwd: ws.dir, env: candidate.env }).toString();
    assert.match(probe.split('\n')[1], /ollama_ls/);
    assert.ok(!probe.includes(ws.dir), `the probe found the planted package: ${probe}`);
    const stdout = await initializeOver(candidate.command, candidate.args, candidate.env, ws.dir);
    assert.match(stdout, /^Content-Length: \d+\r\n/);
    assert.deepEqual(ws.planted(), []);
});

test('ollama.server.path (the console script), started in a planted workspace with PYTHONPATH ":", imports none of its modules', {
    skip: !fs.existsSync(venvScript) && 'no .venv',
    timeout: 60_000,
}, async () => {
    const ws = plantedWorkspace();
    const [candidate] = launchCandidates({ ...base, serverPath: venvScript, env: { ...process.env, PYTHONPATH: ':.' }, cwd: ws.dir });
    assert.equal(candidate.env.PYTHONPATH, undefined);
    await initializeOver(candidate.command, candidate.args, candidate.env, ws.dir);
    assert.deepEqual(ws.planted(), []);
});

test('a relative ollama.server.* path is taken from the folder its setting names, else refused', () => {
    const [path, python, extension, onPath] = launchCandidates({
        ...base,
        serverPath: 'bin/ollama-ls',
        serverPathBase: '/home/dev/api',
        pythonSetting: '.venv/bin/python',
        pythonSettingBase: undefined,
        pythonExtensionInterpreter: '/venv/bin/python',
    });
    assert.equal(path.relativeTo, '/home/dev/api');
    assert.equal(python.relativeTo, undefined, 'no base: the relative path is refused');
    assert.equal(extension.relativeTo, undefined);
    assert.equal(onPath.relativeTo, undefined);
});

test('documents served: the config languages and the file patterns', () => {
    const selector = servedDocumentSelector();
    for (const language of ['yaml', 'json', 'jsonc', 'toml', 'dotenv', 'modelfile']) {
        assert.ok(selector.some((f) => 'language' in f && f.language === language && f.scheme === 'file'), language);
    }
    for (const pattern of ['**/.env', '**/.env.*', '**/Modelfile', '**/*.modelfile']) {
        assert.ok(selector.some((f) => 'pattern' in f && f.pattern === pattern), pattern);
    }
    // Every document, for Generate at Cursor and ghost text in code and prose.
    for (const scheme of ['file', 'untitled']) {
        assert.ok(selector.some((f) => Object.keys(f).length === 1 && f.scheme === scheme), scheme);
    }
});
