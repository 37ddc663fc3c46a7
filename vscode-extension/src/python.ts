// Finds Python interpreters: the Python extension's active one (optional), and probes them.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { access, constants as fsConstants } from 'node:fs/promises';
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

/** The interpreter the Python extension uses for this workspace, when it is installed. */
export async function pythonExtensionInterpreter(log: vscode.LogOutputChannel): Promise<string | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
    if (!extension) {
        return undefined;
    }
    try {
        const api = extension.isActive ? extension.exports : await withTimeout(Promise.resolve(extension.activate()), 15_000);
        if (!api) return undefined;
        const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
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

/** Runs `python -c code`; resolves with stdout, or rejects with the reason it failed. */
export function runPython(python: string, code: string, env: Record<string, string>, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(python, ['-c', code], { env, timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
            if (error) {
                const detail = (stderr || '').trim().split('\n').slice(-1)[0] || error.message;
                reject(new Error(detail));
            } else {
                resolve(stdout.trim());
            }
        });
    });
}

/** An executable path, absolute or looked up on PATH; undefined when it cannot be run. */
export async function findExecutable(command: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
    const candidates = path.isAbsolute(command) || command.includes(path.sep)
        ? [command]
        : envPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
    for (const candidate of candidates) {
        try {
            await access(candidate, fsConstants.X_OK);
            return candidate;
        } catch {
            // try the next one
        }
    }
    return undefined;
}
