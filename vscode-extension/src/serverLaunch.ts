// Decides how to start the language server. Pure: no `vscode` import.
//
// Order: setting `ollama.server.path` (an `ollama-ls` executable, run with `serve`) > the bundled
// server (`python -m ollama_ls serve`, bundled libs on PYTHONPATH) run by the interpreter from
// `ollama.server.python`, else the Python extension's active interpreter, else `python3` on PATH.

export interface LaunchInputs {
    /** `ollama.server.path`, trimmed ('' when unset). */
    serverPath: string;
    /** `ollama.server.python`, trimmed ('' when unset). */
    pythonSetting: string;
    /** The Python extension's active interpreter, when that extension is installed. */
    pythonExtensionInterpreter?: string;
    /** `<extension>/bundled/libs` when it exists in this build (a packaged .vsix), else undefined. */
    bundledLibs?: string;
    /** The platform's name for Python on PATH (`python3`, or `python` on Windows). */
    pathPython: string;
    /** Environment of the extension host. */
    env: Record<string, string | undefined>;
}

export type LaunchSource = 'ollama.server.path' | 'ollama.server.python' | 'Python extension' | 'PATH';

export interface LaunchCandidate {
    source: LaunchSource;
    command: string;
    args: string[];
    env: Record<string, string>;
    /** True for candidates run with Python (they are probed before use). */
    isPython: boolean;
}

export const SERVER_MODULE_ARGS = ['-m', 'ollama_ls', 'serve'];

function serverEnv(base: Record<string, string | undefined>, bundledLibs?: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(base)) {
        if (value !== undefined) env[key] = value;
    }
    env.PYTHONUNBUFFERED = '1';
    env.PYTHONIOENCODING = 'utf-8';
    if (bundledLibs) {
        // Only the bundled libs: a user's PYTHONPATH must not shadow the server's dependencies.
        env.PYTHONPATH = bundledLibs;
        delete env.PYTHONHOME;
    }
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
            env: serverEnv(inputs.env),
            isPython: false,
        });
    }
    const pythons: Array<[LaunchSource, string | undefined]> = [
        ['ollama.server.python', inputs.pythonSetting],
        ['Python extension', inputs.pythonExtensionInterpreter],
        ['PATH', inputs.pathPython],
    ];
    const seen = new Set<string>();
    for (const [source, python] of pythons) {
        if (!python || seen.has(python)) continue;
        seen.add(python);
        candidates.push({
            source,
            command: python,
            args: [...SERVER_MODULE_ARGS],
            env: serverEnv(inputs.env, inputs.bundledLibs),
            isPython: true,
        });
    }
    return candidates;
}

/** Python code that checks an interpreter can run the server: version, then the package. */
export function pythonProbeCode(minimum: readonly [number, number]): string {
    return [
        'import sys',
        `if sys.version_info < (${minimum[0]}, ${minimum[1]}): sys.exit("Python %d.%d found, ${minimum[0]}.${minimum[1]}+ needed" % sys.version_info[:2])`,
        'import ollama_ls',
        'print(sys.executable)',
    ].join('\n');
}

export function describeCandidate(candidate: LaunchCandidate): string {
    return `${[candidate.command, ...candidate.args].join(' ')} (from ${candidate.source})`;
}

/** The notification shown when no candidate works: what was tried, and what to do. */
export function noServerMessage(failures: Array<{ candidate: LaunchCandidate; reason: string }>): string {
    const tried = failures.map(({ candidate, reason }) => `${describeCandidate(candidate)}: ${reason}`).join('; ');
    return (
        'Ollama: could not start the language server. ' +
        (tried ? `Tried ${tried}. ` : '') +
        'Install Python 3.10+ and set "ollama.server.python" to it, or install ollama-ls ' +
        '(pip install ollama-ls) and set "ollama.server.path" to the ollama-ls executable.'
    );
}

/** Our own restart policy (the client's is off): restart after a crash unless it keeps crashing. */
export function shouldRestartAfterCrash(crashTimes: number[], now: number, maxCrashes = 3, windowMs = 180_000): boolean {
    const recent = crashTimes.filter((time) => now - time < windowMs);
    return recent.length < maxCrashes;
}
