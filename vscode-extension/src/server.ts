// Finds a way to run the language server (serverLaunch.ts decides the order), starts the
// LanguageClient, restarts it on request, and routes the server's notifications to the UI.
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
    CancellationToken,
    CloseAction,
    DidChangeConfigurationNotification,
    ErrorAction,
    ExecuteCommandRequest,
    LanguageClient,
    LanguageClientOptions,
    ServerOptions,
    State,
    WorkDoneProgressCancelNotification,
} from 'vscode-languageclient/node';
import { ignoredSettings, initializationOptions, launchSettings, serverSettings } from './configuration';
import { API_KEY_SECRET, CLIENT_ID, CLIENT_NAME, Methods, SERVER_RUNNING_CONTEXT, servedDocumentSelector, ServerCommands } from './constants';
import { ProgressNotifications } from './progressNotifications';
import type { OllamaProgress, OllamaStatus } from './protocol';
import { findExecutable, ProcessFailure, pythonExtensionInterpreter, pythonVersion, runPython } from './python';
import { mergeChanges } from './documentChanges';
import { configurationForSection } from './settings';
import { describeCandidate, describeCommandLine, LaunchCandidate, launchCandidates, noServerMessage, probeFailureReason, shouldRestartAfterCrash } from './serverLaunch';
import { StatusBar } from './statusBar';

export class OllamaServer implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private apiKey: string | undefined;
    private starting: Promise<void> | undefined;
    private stopping = false;
    private readonly crashTimes: number[] = [];
    /** Documents an `ollama.generate` is writing into (uri -> generations in flight). */
    private readonly generating = new Map<string, number>();
    private readonly progress: ProgressNotifications;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly log: vscode.LogOutputChannel,
        private readonly statusBar: StatusBar,
        private readonly trace: vscode.LogOutputChannel,
    ) {
        this.progress = new ProgressNotifications((token) => {
            void this.client?.sendNotification(WorkDoneProgressCancelNotification.type, { token });
        });
    }

    get isRunning(): boolean {
        return this.client?.state === State.Running;
    }

    /** Starts the server (or waits for a start in progress). */
    start(): Promise<void> {
        this.starting ??= this.doStart().finally(() => (this.starting = undefined));
        return this.starting;
    }

    async restart(reason: string): Promise<void> {
        this.log.info(`Restarting the server: ${reason}`);
        await this.starting;
        await this.stop();
        await this.start();
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        this.progress.clear();
        if (!client) return;
        this.stopping = true;
        try {
            if (client.state !== State.Stopped) await client.stop(5_000);
        } catch (error) {
            this.log.warn(`Stopping the server: ${String(error)}`);
        } finally {
            this.stopping = false;
            await client.dispose().catch(() => undefined);
            void vscode.commands.executeCommand('setContext', SERVER_RUNNING_CONTEXT, false);
        }
    }

    /** Sends a custom request (`ollama/status`, `ollama/models`, ...). */
    async request<R>(method: string, params: object = {}, token?: CancellationToken): Promise<R> {
        const client = await this.runningClient();
        // With a string method, an undefined token would be sent as a second positional param.
        return this.logged(method, params, () =>
            token ? client.sendRequest<R>(method, params, token) : client.sendRequest<R>(method, params),
        );
    }

    /** Runs one of the server's commands (`ollama.generate`, ...) with its single object argument. */
    async executeCommand<R>(command: string, argument: object, token?: CancellationToken): Promise<R> {
        const client = await this.runningClient();
        const uri = command === ServerCommands.generate ? (argument as { uri?: unknown }).uri : undefined;
        if (typeof uri === 'string') this.generating.set(uri, (this.generating.get(uri) ?? 0) + 1);
        try {
            return await this.logged(command, argument, async () =>
                (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] }, token)) as R,
            );
        } catch (error) {
            // The server's commands show their own failures (window/showMessage).
            throw new ServerReportedError(firstLine(error));
        } finally {
            if (typeof uri === 'string') {
                const left = (this.generating.get(uri) ?? 1) - 1;
                if (left > 0) this.generating.set(uri, left);
                else this.generating.delete(uri);
            }
        }
    }

    /** Logs a request to the server, its duration and its failure (never the API key). */
    private async logged<R>(name: string, params: object, send: () => Promise<R>): Promise<R> {
        const startedAt = Date.now();
        this.log.debug(`${name} ${JSON.stringify(params)}`);
        try {
            const result = await send();
            this.log.info(`${name} ${JSON.stringify(params)} answered in ${Date.now() - startedAt} ms`);
            return result;
        } catch (error) {
            this.log.warn(`${name} ${JSON.stringify(params)} failed after ${Date.now() - startedAt} ms: ${firstLine(error)}`);
            throw error;
        }
    }

    async setApiKey(apiKey: string | undefined): Promise<void> {
        if (apiKey) {
            await this.context.secrets.store(API_KEY_SECRET, apiKey);
        } else {
            await this.context.secrets.delete(API_KEY_SECRET);
        }
        await this.restart(apiKey ? 'API key set' : 'API key removed');
    }

    private async runningClient(): Promise<LanguageClient> {
        await this.starting;
        if (!this.client || this.client.state !== State.Running) {
            throw new Error('The Ollama language server is not running. Run "Ollama: Restart Server" or see "Ollama: Show Logs".');
        }
        return this.client;
    }

    private async doStart(): Promise<void> {
        this.statusBar.setServerState('starting');
        const ignored = ignoredSettings();
        if (ignored.length > 0) {
            this.log.warn(`Restricted Mode: ignoring the workspace's ${ignored.join(', ')} until the workspace is trusted.`);
        }
        this.apiKey = (await this.context.secrets.get(API_KEY_SECRET)) || undefined;
        // Logged without secrets: header values and the API key are left out.
        const { apiKey, headers, ...shown } = serverSettings(this.apiKey);
        const trust = vscode.workspace.isTrusted ? 'trusted' : 'not trusted';
        this.log.info(
            `Settings (workspace ${trust}): ${JSON.stringify({ ...shown, headers: Object.keys(headers) })}${apiKey ? ', API key set' : ''}`,
        );
        const candidate = await this.findLaunch();
        if (!candidate) {
            this.statusBar.setServerState('failed');
            return;
        }
        this.log.info(`The server runs in ${candidate.cwd}, isolated from the workspace`);
        this.log.debug(`Server command line: ${describeCommandLine(candidate, true)}`);
        this.log.info(`Starting the server: ${describeCommandLine(candidate)} (from ${candidate.source})`);
        const serverOptions: ServerOptions = {
            command: candidate.command,
            args: candidate.args,
            // The API key goes to the server in its environment, never in an LSP message: a
            // message trace (Ollama LSP Trace at level Trace) would otherwise show it.
            options: {
                env: this.apiKey ? { ...candidate.env, OLLAMA_API_KEY: this.apiKey } : candidate.env,
                // Our own directory, never the workspace (see serverLaunch.ts).
                cwd: candidate.cwd,
            },
        };
        const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, this.clientOptions());
        this.client = client;
        client.onNotification(Methods.status, (status: OllamaStatus) => this.statusBar.setStatus(status));
        client.onNotification(Methods.progress, (progress: OllamaProgress) => this.statusBar.setProgress(progress));
        try {
            await client.start();
        } catch (error) {
            this.log.error(`The server did not start: ${String(error)}`);
            if (this.client === client) {
                this.client = undefined;
                this.statusBar.setServerState('failed');
                void this.offerLogs(`Ollama: the language server did not start (${firstLine(error)}).`);
            }
            return;
        }
        if (this.client !== client) return;
        this.statusBar.setServerState('running');
        void vscode.commands.executeCommand('setContext', SERVER_RUNNING_CONTEXT, true);
        void this.refreshStatus(false);
    }

    /** Asks the server for the status now (the server also pushes it). */
    async refreshStatus(force: boolean): Promise<OllamaStatus | undefined> {
        try {
            const status = await this.request<OllamaStatus>(Methods.status, { force });
            if (status) this.statusBar.setStatus(status);
            return status;
        } catch (error) {
            this.log.warn(`ollama/status: ${String(error)}`);
            return undefined;
        }
    }

    private clientOptions(): LanguageClientOptions {
        return {
            documentSelector: servedDocumentSelector(),
            outputChannel: this.log,
            traceOutputChannel: this.trace,
            initializationOptions: initializationOptions(undefined),
            synchronize: { configurationSection: 'ollama' },
            connectionOptions: { maxRestartCount: 0 },
            markdown: { isTrusted: false, supportHtml: false },
            errorHandler: {
                error: () => ({ action: ErrorAction.Continue }),
                closed: () => {
                    this.onClosed();
                    return { action: CloseAction.DoNotRestart, handled: true };
                },
            },
            middleware: {
                handleWorkDoneProgress: (token, params) => this.progress.handle(token, params),
                // See documentChanges.ts: the server's replacement, not VS Code's minimal diff of it.
                didChange: (event, next) => next(this.generating.has(event.document.uri.toString()) ? wholeReplacement(event) : event),
                workspace: {
                    // Pull model: answer `ollama` sections ourselves (Restricted Mode, API key).
                    configuration: async (params, token, next) => {
                        const answers = await next(params, token);
                        if (!Array.isArray(answers)) return answers;
                        return params.items.map((item, index) => {
                            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
                            const ours = configurationForSection(item.section, serverSettings(undefined, scope));
                            return ours === undefined ? answers[index] : ours;
                        });
                    },
                    // Push model: send the same settings object as initializationOptions.
                    didChangeConfiguration: async () => {
                        await this.client?.sendNotification(DidChangeConfigurationNotification.type, {
                            settings: { ollama: serverSettings(undefined) },
                        });
                    },
                },
            },
        };
    }

    private onClosed(): void {
        if (this.stopping) return;
        this.progress.clear();
        this.statusBar.setServerState('stopped');
        void vscode.commands.executeCommand('setContext', SERVER_RUNNING_CONTEXT, false);
        const now = Date.now();
        this.crashTimes.push(now);
        if (shouldRestartAfterCrash(this.crashTimes.slice(0, -1), now)) {
            this.log.warn('The server stopped unexpectedly; restarting it.');
            setTimeout(() => void this.restart('the server stopped unexpectedly'), 1_000);
        } else {
            this.log.error('The server keeps stopping; not restarting it again.');
            void this.offerLogs('Ollama: the language server stopped several times. See the logs, then run "Ollama: Restart Server".', true);
        }
    }

    private async offerLogs(message: string, offerRestart = false): Promise<void> {
        const actions = offerRestart ? ['Show Logs', 'Restart Server'] : ['Show Logs'];
        const choice = await vscode.window.showErrorMessage(message, ...actions);
        if (choice === 'Show Logs') this.log.show();
        if (choice === 'Restart Server') void this.restart('requested from the notification');
    }

    /** The first launch candidate that works, or undefined after telling the user what to do. */
    private async findLaunch(): Promise<LaunchCandidate | undefined> {
        const settings = launchSettings();
        const trusted = vscode.workspace.isTrusted;
        const bundledLibs = this.context.asAbsolutePath(path.join('bundled', 'libs'));
        // In an untrusted workspace the Python extension's interpreter may be the workspace's own.
        const askPythonExtension = !settings.python && trusted;
        const candidates = launchCandidates({
            serverPath: settings.serverPath,
            pythonSetting: settings.python,
            pythonExtensionInterpreter: askPythonExtension ? await pythonExtensionInterpreter(this.log) : undefined,
            workspaceTrusted: trusted,
            bundledLibs: fs.existsSync(path.join(bundledLibs, 'ollama_ls')) ? bundledLibs : undefined,
            pathPython: process.platform === 'win32' ? 'python' : 'python3',
            env: process.env,
            cwd: await this.ownDirectory(),
            pathDelimiter: path.delimiter,
        });
        const failures: Array<{ candidate: LaunchCandidate; reason: string }> = [];
        for (const candidate of candidates) {
            const reason = await this.whyNot(candidate, trusted);
            if (!reason) return candidate;
            this.log.warn(`Cannot use ${describeCandidate(candidate)}: ${reason}`);
            failures.push({ candidate, reason });
        }
        const message = noServerMessage(failures);
        this.log.error(message);
        void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Logs').then((choice) => {
            if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'ollama.server');
            if (choice === 'Show Logs') this.log.show();
        });
        return undefined;
    }

    /** The server's and the probe's working directory: the extension's global storage (created
     * when missing), else the extension's own folder. Never a workspace folder. */
    private async ownDirectory(): Promise<string> {
        const storage = this.context.globalStorageUri.fsPath;
        try {
            await fs.promises.mkdir(storage, { recursive: true });
            return storage;
        } catch (error) {
            this.log.warn(`Cannot create ${storage} (${String(error)}); the server runs in the extension's folder.`);
            return this.context.extensionPath;
        }
    }

    /** Why a candidate cannot run the server, or undefined when it can. Resolves its command to
     * an absolute path, so that neither PATH's empty entries nor the working directory decide
     * which program runs. */
    private async whyNot(candidate: LaunchCandidate, trusted: boolean): Promise<string | undefined> {
        // A relative path in a setting is taken from the workspace folder, and only when trusted.
        const folder = trusted ? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath : undefined;
        const found = await findExecutable(candidate.command, candidate.env.PATH, folder);
        if (!found) {
            const relative = !path.isAbsolute(candidate.command) && /[\\/]/.test(candidate.command);
            if (relative && !folder) return 'a relative path; set an absolute one';
            return candidate.probeArgs ? 'not found' : 'no such executable';
        }
        candidate.command = found;
        if (!candidate.probeArgs) return undefined;
        try {
            const [executable, packageFile] = (await runPython(candidate.command, candidate.probeArgs, candidate.env, candidate.cwd)).split('\n');
            this.log.info(`Python ${executable} can run the server (ollama_ls from ${packageFile})`);
            return undefined;
        } catch (error) {
            const failure: ProcessFailure =
                error && typeof error === 'object' && 'stderr' in error ? (error as ProcessFailure) : { message: String(error), stderr: '' };
            const version = /unknown option/i.test(failure.stderr) ? await pythonVersion(candidate.command, candidate.env, candidate.cwd) : undefined;
            return probeFailureReason(failure, version);
        }
    }

    dispose(): void {
        void this.stop();
        this.progress.dispose();
    }
}

/** A failure the server has already shown to the user: logged, not shown again. */
export class ServerReportedError extends Error {}

/** One event's changes as the single replacement they add up to (see documentChanges.ts). */
function wholeReplacement(event: vscode.TextDocumentChangeEvent): vscode.TextDocumentChangeEvent {
    const merged = mergeChanges(event.contentChanges);
    if (!merged) return event;
    const { document } = event;
    const start = document.positionAt(merged.rangeOffset);
    const change: vscode.TextDocumentContentChangeEvent = {
        // Positions before the event: the first change's start, the last change's end.
        range: new vscode.Range(event.contentChanges[merged.first].range.start, event.contentChanges[merged.last].range.end),
        rangeOffset: merged.rangeOffset,
        rangeLength: merged.rangeLength,
        text: document.getText(new vscode.Range(start, document.positionAt(merged.rangeOffset + merged.newLength))),
    };
    return { document, contentChanges: [change], reason: event.reason };
}

function firstLine(error: unknown): string {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
