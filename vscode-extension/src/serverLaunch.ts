// Decides how to start the language server. Pure: no `vscode` import.
//
// Order: setting `ollama.server.path` (an `ollama-ls` executable, run with `serve`) > the bundled
// server run by the interpreter from `ollama.server.python`, else the Python extension's active
// interpreter (trusted workspaces only), else `python3` on PATH.
//
// Nothing of the workspace may run in the server: `python -m` and `python -c` put the current
// directory first on sys.path, so a cloned repository with its own `json.py`, `pydantic.py` or
// `ollama_ls/` would have its code imported by the server. Python therefore runs isolated (`-I`:
// no current or script directory on sys.path, no PYTHON* variables, no user site-packages), the
// bundled libs are put on sys.path by our own `-c` code, and every process (the server and the
// probe) runs in a directory of the extension's own, never in a workspace folder.
import { MIN_PYTHON } from './constants';

export interface LaunchInputs {
    /** `ollama.server.path`, trimmed ('' when unset). */
    serverPath: string;
    /** `ollama.server.python`, trimmed ('' when unset). */
    pythonSetting: string;
    /** The directory a relative `ollama.server.path` / `ollama.server.python` is taken from
     * (folders.ts `relativeBase`); undefined: a relative path is refused. */
    serverPathBase?: string;
    pythonSettingBase?: string;
    /** The Python extension's active interpreter, when that extension is installed. */
    pythonExtensionInterpreter?: string;
    /** `workspace.isTrusted`. In an untrusted workspace the Python extension's interpreter is not
     * used: it may be the workspace's own `.venv/bin/python`, a program of the repository's choosing. */
    workspaceTrusted: boolean;
    /** `<extension>/bundled/libs` when it exists in this build (a packaged .vsix), else undefined. */
    bundledLibs?: string;
    /** The platform's name for Python on PATH (`python3`, or `python` on Windows). */
    pathPython: string;
    /** Environment of the extension host. */
    env: Record<string, string | undefined>;
    /** A directory of the extension's own (its global storage): the working directory of the
     * server and of the probe. Never a workspace folder. */
    cwd: string;
    /** The platform's PATH-like separator (`:`, or `;` on Windows); defaults to `:`. */
    pathDelimiter?: string;
}

export type LaunchSource = 'ollama.server.path' | 'ollama.server.python' | 'Python extension' | 'PATH';

export interface LaunchCandidate {
    source: LaunchSource;
    command: string;
    args: string[];
    env: Record<string, string>;
    /** Working directory of the server: the extension's own, never the workspace. */
    cwd: string;
    /** For candidates run with Python: the arguments of the probe run before use. */
    probeArgs?: string[];
    /** Where a relative `command` is taken from (a setting's folder); undefined: refused. */
    relativeTo?: string;
}

/** Isolated mode (Python 3.4+): no current or script directory on sys.path, PYTHON* variables
 * ignored, no user site-packages. `-u`: unbuffered stdout and stderr. */
export const PYTHON_FLAGS = ['-I', '-u'] as const;

/** A Python string literal for `text` (JSON's escapes are valid in Python string literals). */
function pythonString(text: string): string {
    return JSON.stringify(text);
}

function addBundledLibs(bundledLibs: string | undefined): string[] {
    // -I leaves PYTHONPATH out, so the bundled libs are put first on sys.path here: the server's
    // dependencies win over whatever the interpreter has installed.
    return bundledLibs ? [`sys.path.insert(0, ${pythonString(bundledLibs)})`] : [];
}

/**
 * The `-c` code that starts the server: `ollama_ls.cli.main:main` (what `python -m ollama_ls` and
 * the `ollama-ls` console script run), with `serve` from argv. One line, so logs show it whole.
 * Stdout and stderr are UTF-8 whatever the locale (-I ignores PYTHONIOENCODING).
 */
export function serverBootstrapCode(bundledLibs?: string): string {
    return [
        'import sys',
        ...addBundledLibs(bundledLibs),
        'sys.stdout.reconfigure(encoding="utf-8")',
        'sys.stderr.reconfigure(encoding="utf-8", errors="backslashreplace")',
        'from ollama_ls.cli.main import main',
        'sys.exit(main())',
    ].join('; ');
}

/**
 * Python code that checks an interpreter can run the server: its version, then everything `serve`
 * imports (so bundled native wheels built for another Python version fail here, and the next
 * interpreter is tried, rather than when the server starts).
 */
export function pythonProbeCode(minimum: readonly [number, number], bundledLibs?: string): string {
    return [
        'import sys',
        `if sys.version_info < (${minimum[0]}, ${minimum[1]}): sys.exit("Python %d.%d found, ${minimum[0]}.${minimum[1]}+ needed" % sys.version_info[:2])`,
        ...addBundledLibs(bundledLibs),
        'import ollama_ls, ollama_ls.cli.main, ollama_ls.lsp.server',
        'print(sys.executable)',
        'print(ollama_ls.__file__)',
    ].join('\n');
}

/** A copy of `base` without undefined values. */
function definedEnv(base: Record<string, string | undefined>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(base)) {
        if (value !== undefined) env[key] = value;
    }
    return env;
}

function isAbsolutePath(entry: string): boolean {
    return entry.startsWith('/') || /^[A-Za-z]:[\\/]/.test(entry) || entry.startsWith('\\\\');
}

/**
 * Environment of an `ollama-ls` executable (not run with -I: its interpreter is its own). Empty
 * and relative PYTHONPATH entries are dropped (an empty one means the current directory);
 * PYTHONSAFEPATH (Python 3.11+) keeps the current directory off sys.path of any `python -m` a
 * wrapper script might run.
 */
function executableEnv(base: Record<string, string | undefined>, delimiter: string): Record<string, string> {
    const env = definedEnv(base);
    env.PYTHONUNBUFFERED = '1';
    env.PYTHONIOENCODING = 'utf-8';
    env.PYTHONSAFEPATH = '1';
    if (env.PYTHONPATH !== undefined) {
        const kept = env.PYTHONPATH.split(delimiter).filter((entry) => entry && isAbsolutePath(entry));
        if (kept.length > 0) env.PYTHONPATH = kept.join(delimiter);
        else delete env.PYTHONPATH;
    }
    return env;
}

/** Environment of an isolated Python: PYTHONPATH and PYTHONHOME would be ignored anyway. */
function pythonEnv(base: Record<string, string | undefined>): Record<string, string> {
    const env = definedEnv(base);
    delete env.PYTHONPATH;
    delete env.PYTHONHOME;
    return env;
}

/** Every way to start the server, best first; the caller uses the first that works. */
export function launchCandidates(inputs: LaunchInputs): LaunchCandidate[] {
    const candidates: LaunchCandidate[] = [];
    if (inputs.serverPath) {
        candidates.push({
            source: 'ollama.server.path',
            command: inputs.serverPath,
            args: ['serve'],
            env: executableEnv(inputs.env, inputs.pathDelimiter ?? ':'),
            cwd: inputs.cwd,
            relativeTo: inputs.serverPathBase,
        });
    }
    const pythons: Array<[LaunchSource, string | undefined, string | undefined]> = [
        ['ollama.server.python', inputs.pythonSetting, inputs.pythonSettingBase],
        ['Python extension', inputs.workspaceTrusted ? inputs.pythonExtensionInterpreter : undefined, undefined],
        ['PATH', inputs.pathPython, undefined],
    ];
    const seen = new Set<string>();
    for (const [source, python, relativeTo] of pythons) {
        if (!python || seen.has(python)) continue;
        seen.add(python);
        candidates.push({
            source,
            command: python,
            args: [...PYTHON_FLAGS, '-c', serverBootstrapCode(inputs.bundledLibs), 'serve'],
            env: pythonEnv(inputs.env),
            cwd: inputs.cwd,
            probeArgs: ['-I', '-c', pythonProbeCode(MIN_PYTHON, inputs.bundledLibs)],
            relativeTo,
        });
    }
    return candidates;
}

/** The probe's failure (exit status, stderr) as a reason a user can act on. */
export function probeFailureReason(failure: { message: string; stderr: string; code?: string | number | null }, version?: string): string {
    const stderr = failure.stderr.trim();
    const minimum = `${MIN_PYTHON[0]}.${MIN_PYTHON[1]}+`;
    if (failure.code === 'ENOENT' || /ENOENT/.test(failure.message)) return 'not found';
    if (/unknown option/i.test(stderr) && /-I\b/.test(stderr)) {
        // Python 2 and 3.0 to 3.3 know no -I; the server needs -I to keep the workspace out.
        const found = version?.trim() ? `${version.trim()} found` : 'this Python is too old';
        return `${found}: it has no -I (isolated mode, Python 3.4+), and the server needs Python ${minimum}`;
    }
    const last = stderr.split('\n').map((line) => line.trim()).filter(Boolean).slice(-1)[0] ?? '';
    if (/No module named '?ollama_ls'?$/.test(last)) return 'the ollama_ls package is missing';
    // A compiled module (tree_sitter._binding, pydantic_core._pydantic_core) of another ABI.
    if (/No module named '[\w.]+\._\w+'|undefined symbol|incompatible architecture|DLL load failed/.test(last)) {
        return `${last} (the bundled native libraries need the Python version the .vsix was built for)`;
    }
    return last || failure.message;
}

export function describeCandidate(candidate: LaunchCandidate): string {
    return `${candidate.command} (from ${candidate.source})`;
}

/**
 * The command line, for the log: each argument quoted when it needs to be. Unless `full`, the
 * `-c` code of a Python candidate is shown as `<start ollama_ls>`: the line stays readable.
 */
export function describeCommandLine(candidate: LaunchCandidate, full = false): string {
    const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
    const args = candidate.args.map((arg, index) => (!full && candidate.args[index - 1] === '-c' ? '<start ollama_ls>' : quote(arg)));
    return [quote(candidate.command), ...args].join(' ');
}

/** The notification shown when no candidate works: what was tried, and what to do. */
export function noServerMessage(failures: Array<{ candidate: LaunchCandidate; reason: string }>): string {
    const tried = failures.map(({ candidate, reason }) => `${describeCandidate(candidate)}: ${reason}`).join('; ');
    return (
        'Ollama: could not start the language server. ' +
        (tried ? `Tried ${tried}. ` : '') +
        `Install Python ${MIN_PYTHON[0]}.${MIN_PYTHON[1]}+ and set "ollama.server.python" to it, or install ollama-ls ` +
        'from its repository (./scripts/install --user) and set "ollama.server.path" to the ollama-ls executable.'
    );
}
