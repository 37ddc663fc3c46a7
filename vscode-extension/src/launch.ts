// Finds how to start the server: builds the candidates (serverLaunch.ts decides the order), probes
// each, and tells the user what to do when none works.
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchSettings, primaryWorkspaceFolder, relativePlaces } from './configuration';
import { relativeBase } from './folders';
import { findExecutable, ProcessFailure, pythonExtensionInterpreter, pythonVersion, runPython } from './python';
import { describeCandidate, LaunchCandidate, launchCandidates, noServerMessage, probeFailureReason } from './serverLaunch';

/** The first launch candidate that works, or undefined after telling the user what to do. */
export async function findLaunch(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LaunchCandidate | undefined> {
    const settings = launchSettings();
    const places = relativePlaces();
    const trusted = places.trusted;
    const bundledLibs = context.asAbsolutePath(path.join('bundled', 'libs'));
    // In an untrusted workspace the Python extension's interpreter may be the workspace's own.
    const askPythonExtension = !settings.python && trusted;
    const candidates = launchCandidates({
        serverPath: settings.serverPath,
        pythonSetting: settings.python,
        serverPathBase: relativeBase(settings.serverPathLevel, places),
        pythonSettingBase: relativeBase(settings.pythonLevel, places),
        pythonExtensionInterpreter: askPythonExtension ? await pythonExtensionInterpreter(log, primaryWorkspaceFolder()?.uri) : undefined,
        workspaceTrusted: trusted,
        bundledLibs: fs.existsSync(path.join(bundledLibs, 'ollama_ls')) ? bundledLibs : undefined,
        pathPython: process.platform === 'win32' ? 'python' : 'python3',
        env: process.env,
        cwd: await ownDirectory(context, log),
        pathDelimiter: path.delimiter,
    });
    const failures: Array<{ candidate: LaunchCandidate; reason: string }> = [];
    for (const candidate of candidates) {
        const reason = await whyNot(candidate, log);
        if (!reason) return candidate;
        log.warn(`Cannot use ${describeCandidate(candidate)}: ${reason}`);
        failures.push({ candidate, reason });
    }
    const message = noServerMessage(failures);
    log.error(message);
    void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Logs').then((choice) => {
        if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'ollama.server');
        if (choice === 'Show Logs') log.show();
    });
    return undefined;
}

/** The server's and the probe's working directory: the extension's global storage (created when
 * missing), else the extension's own folder. Never a workspace folder. */
async function ownDirectory(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<string> {
    const storage = context.globalStorageUri.fsPath;
    try {
        await fs.promises.mkdir(storage, { recursive: true });
        return storage;
    } catch (error) {
        log.warn(`Cannot create ${storage} (${String(error)}); the server runs in the extension's folder.`);
        return context.extensionPath;
    }
}

/** Why a candidate cannot run the server, or undefined when it can. Resolves its command to an
 * absolute path, so that neither PATH's empty entries nor the working directory decide which
 * program runs. */
async function whyNot(candidate: LaunchCandidate, log: vscode.LogOutputChannel): Promise<string | undefined> {
    // A relative path in a setting is taken from its folder, and only in a trusted workspace.
    const found = await findExecutable(candidate.command, candidate.env.PATH, candidate.relativeTo);
    if (!found) {
        const relative = !path.isAbsolute(candidate.command) && /[\\/]/.test(candidate.command);
        if (relative && !candidate.relativeTo) return 'a relative path; set an absolute one';
        return candidate.probeArgs ? 'not found' : 'no such executable';
    }
    candidate.command = found;
    if (!candidate.probeArgs) return undefined;
    try {
        const [executable, packageFile] = (await runPython(candidate.command, candidate.probeArgs, candidate.env, candidate.cwd)).split('\n');
        log.info(`Python ${executable} can run the server (ollama_ls from ${packageFile})`);
        return undefined;
    } catch (error) {
        const failure: ProcessFailure =
            error && typeof error === 'object' && 'stderr' in error ? (error as ProcessFailure) : { message: String(error), stderr: '' };
        const version = /unknown option/i.test(failure.stderr) ? await pythonVersion(candidate.command, candidate.env, candidate.cwd) : undefined;
        return probeFailureReason(failure, version);
    }
}
