// Finds Python interpreters: the Python extension's active one (optional), and probes them.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { access, constants as fsConstants, stat } from 'node:fs/promises';
import * as path from 'node:path';

interface PythonExtensionApi {
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
        resolveEnvironment(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    };
    settings?: {
        getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
    };
}

const PYTHON_EXTENSION_ID = 'ms-python.python';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
    return Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms))]);
}

/** The interpreter the Python extension uses for `resource` (the folder the server is started
 * for; each folder of a multi-root workspace may have its own), when that extension is installed. */
export async function pythonExtensionInterpreter(log: vscode.LogOutputChannel, resource: vscode.Uri | undefined): Promise<string | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
    if (!extension) {
        return undefined;
    }
    try {
        const api = extension.isActive ? extension.exports : await withTimeout(Promise.resolve(extension.activate()), 15_000);
        if (!api) return undefined;
        const environmentPath = api.environments?.getActiveEnvironmentPath(resource);
        if (environmentPath && api.environments) {
            const resolved = await withTimeout(api.environments.resolveEnvironment(environmentPath), 15_000);
            const executable = resolved?.executable?.uri?.fsPath;
            if (executable) return executable;
        }
        return api.settings?.getExecutionDetails(resource)?.execCommand?.[0];
    } catch (error) {
        log.warn(`The Python extension did not give an interpreter: ${String(error)}`);
        return undefined;
    }
}

/** Why a process failed: its message, its stderr and its exit code (or spawn error code). */
export interface ProcessFailure {
    message: string;
    stderr: string;
    code?: string | number | null;
}

/**
 * Runs `python <args>` in `cwd` (a directory of the extension's own, never the workspace);
 * resolves with stdout, or rejects with a ProcessFailure.
 */
export function runPython(python: string, args: string[], env: Record<string, string>, cwd: string, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(python, args, { env, cwd, timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
            if (error) {
                const failure: ProcessFailure = { message: error.message, stderr: String(stderr ?? ''), code: (error as { code?: string | number | null }).code };
                reject(failure);
            } else {
                resolve(stdout.trim());
            }
        });
    });
}

/** `python --version` (Python 2 prints it on stderr); undefined when it does not answer. */
export function pythonVersion(python: string, env: Record<string, string>, cwd: string): Promise<string | undefined> {
    return new Promise((resolve) => {
        execFile(python, ['--version'], { env, cwd, timeout: 10_000, windowsHide: true }, (error, stdout, stderr) => {
            const text = `${stdout ?? ''}${stderr ?? ''}`.trim().split('\n')[0];
            resolve(error && !text ? undefined : text || undefined);
        });
    });
}

/**
 * An executable's absolute path, or undefined when it cannot be run. A bare name is looked up in
 * the absolute directories of PATH only (an empty or relative entry would be the current
 * directory); a relative path is resolved against `relativeTo`, and refused without it.
 */
export async function findExecutable(command: string, envPath = process.env.PATH ?? '', relativeTo?: string): Promise<string | undefined> {
    const hasSeparator = command.includes('/') || (process.platform === 'win32' && command.includes('\\'));
    let candidates: string[];
    if (path.isAbsolute(command)) {
        candidates = [command];
    } else if (hasSeparator) {
        candidates = relativeTo ? [path.resolve(relativeTo, command)] : [];
    } else {
        candidates = envPath
            .split(path.delimiter)
            .filter((dir) => dir && path.isAbsolute(dir))
            .map((dir) => path.join(dir, command));
    }
    if (process.platform === 'win32' && !path.extname(command)) {
        const extensions = (process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
        candidates = candidates.flatMap((candidate) => [candidate, ...extensions.map((ext) => candidate + ext.toLowerCase())]);
    }
    for (const candidate of candidates) {
        try {
            await access(candidate, fsConstants.X_OK);
            // A directory is no program; a stat that fails (Windows app execution aliases) is no proof.
            const isDirectory = await stat(candidate).then((info) => info.isDirectory(), () => false);
            if (!isDirectory) return candidate;
        } catch {
            // try the next one
        }
    }
    return undefined;
}
