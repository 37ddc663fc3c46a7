// Starts, stops and restarts the LanguageClient, and routes what passes between it and the
// extension: the server's notifications to the status bar, requests and commands through the
// request log, settings (configuration.ts), progress (progressNotifications.ts) and document
// changes during a generation (generationTracker.ts). How to launch it: launch.ts; when to
// restart after a crash: restartPolicy.ts.
import * as readline from 'node:readline';
import * as vscode from 'vscode';
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
import { answerConfiguration, ignoredSettings, initializationOptions, serverSettings } from './configuration';
import { API_KEY_SECRET, CLIENT_ID, CLIENT_NAME, Methods, SERVER_RUNNING_CONTEXT, servedDocumentSelector, ServerCommands } from './constants';
import { GenerationTracker } from './generationTracker';
import { findLaunch } from './launch';
import { ProgressNotifications } from './progressNotifications';
import type { GenerateResult, OllamaProgress, OllamaStatus } from './protocol';
import { firstLine, RequestLog } from './requestLog';
import { RESTART_DELAY_MS, RestartPolicy } from './restartPolicy';
import { describeCommandLine } from './serverLaunch';
import { logServerLine, ServerLogParser } from './serverLog';
import { StatusBar } from './statusBar';
import type { ServerSettings } from './settings';
import { changedRestrictedSettings, TRUST_KEY } from './trust';

export class OllamaServer implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private apiKey: string | undefined;
    private starting: Promise<void> | undefined;
    private stopping = false;
    private readonly restartPolicy = new RestartPolicy();
    private readonly generations = new GenerationTracker();
    private readonly requests: RequestLog;
    private readonly progress: ProgressNotifications;
    /** The settings sent at `initialize`, and whether the workspace was trusted then. */
    private initialSettings: { settings: ServerSettings; trusted: boolean } | undefined;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly log: vscode.LogOutputChannel,
        private readonly statusBar: StatusBar,
        private readonly trace: vscode.LogOutputChannel,
    ) {
        this.requests = new RequestLog(log);
        this.progress = new ProgressNotifications((token) => {
            void this.client?.sendNotification(WorkDoneProgressCancelNotification.type, { token });
        });
    }

    /** The last `ollama/status` shown in the status bar. */
    get lastStatus(): OllamaStatus | undefined {
        return this.statusBar.status;
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
        try {
            return await this.requests.logged(method, params, () =>
                token ? client.sendRequest<R>(method, params, token) : client.sendRequest<R>(method, params),
            );
        } catch (error) {
            if (method !== Methods.status) this.requestFailed(error instanceof Error ? error.message : String(error));
            throw error;
        }
    }

    /** Runs one of the server's commands (`ollama.generate`, ...) with its single object argument. */
    async executeCommand<R>(command: string, argument: object, token?: CancellationToken): Promise<R> {
        const client = await this.runningClient();
        const send = async () => {
            let result: R;
            try {
                result = await this.requests.logged(command, argument, async () =>
                    (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] }, token)) as R,
                );
            } catch (error) {
                this.requestFailed(error instanceof Error ? error.message : String(error));
                // The server's commands show their own failures (window/showMessage).
                throw new ServerReportedError(firstLine(error));
            }
            // generate and pull answer their failure in `error` (already shown by the server).
            const failure = (result as { error?: unknown } | undefined)?.error;
            if (typeof failure === 'string') this.requestFailed(failure);
            if (command === ServerCommands.generate && result) this.statusBar.setGeneration(result as unknown as GenerateResult);
            if (command === ServerCommands.unload || command === ServerCommands.warmup) void this.refreshStatus(true);
            return result;
        };
        const uri = command === ServerCommands.generate ? (argument as { uri?: unknown }).uri : undefined;
        return typeof uri === 'string' ? this.generations.during(uri, send) : send();
    }

    async setApiKey(apiKey: string | undefined): Promise<void> {
        if (apiKey) {
            await this.context.secrets.store(API_KEY_SECRET, apiKey);
        } else {
            await this.context.secrets.delete(API_KEY_SECRET);
        }
        await this.restart(apiKey ? 'API key set' : 'API key removed');
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

    /**
     * A request failed: when Ollama was unreachable, the status bar shows offline now, and the
     * server is asked for its status (it probes again, and pushes it when Ollama is back).
     */
    private requestFailed(message: string): void {
        if (!this.statusBar.requestFailed(message)) return;
        this.log.warn(`Ollama is unreachable (${message.split('\n')[0]}); marked offline until the server sees it again.`);
        void this.refreshStatus(true);
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
        const candidate = await findLaunch(this.context, this.log);
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

    private clientOptions(): LanguageClientOptions {
        return {
            documentSelector: servedDocumentSelector(),
            outputChannel: this.log,
            traceOutputChannel: this.trace,
            // The server's stderr log at its own levels (serverLog.ts), not all as [error].
            stdioOptions: {
                stdout: (input, channel) => {
                    readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on('line', (line) => channel.info(line));
                },
                stderr: (input, channel) => {
                    const parser = new ServerLogParser();
                    readline
                        .createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 })
                        .on('line', (line) => logServerLine(parser, channel, line));
                },
            },
            initializationOptions: this.rememberInitializationOptions(),
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
                didChange: (event, next) => next(this.generations.didChange(event)),
                workspace: {
                    // Pull model: answer `ollama` sections ourselves, per scopeUri (Restricted Mode).
                    configuration: async (params, token, next) => {
                        const answers = await next(params, token);
                        return Array.isArray(answers) ? answerConfiguration(params.items, answers) : answers;
                    },
                    // Push model: send the same settings object as initializationOptions.
                    didChangeConfiguration: async () => {
                        const settings = serverSettings(undefined);
                        // Untrusted: the server keeps its first values of the restricted settings
                        // (trustProjectSettings: false), so a change of the user's own value needs
                        // a new initialize.
                        const initial = this.initialSettings;
                        const changed = initial && !initial.trusted ? changedRestrictedSettings(initial.settings, settings) : [];
                        if (changed.length > 0) {
                            void this.restart(`Restricted Mode: ${changed.map((key) => `ollama.${key}`).join(', ')} changed in your settings`);
                            return;
                        }
                        await this.client?.sendNotification(DidChangeConfigurationNotification.type, {
                            settings: { ollama: settings },
                        });
                    },
                },
            },
        };
    }

    /** initializationOptions, remembered for the pushes after it (Restricted Mode). */
    private rememberInitializationOptions(): object {
        const options = initializationOptions(undefined);
        const { [TRUST_KEY]: trust, ...settings } = options.ollama;
        this.initialSettings = { settings: settings as ServerSettings, trusted: trust !== false };
        if (trust === false) this.log.info(`Restricted Mode: the server is told ${TRUST_KEY}: false (it keeps to its project-safe settings until restarted in a trusted workspace)`);
        return options;
    }

    private onClosed(): void {
        if (this.stopping) return;
        this.progress.clear();
        this.statusBar.setServerState('stopped');
        void vscode.commands.executeCommand('setContext', SERVER_RUNNING_CONTEXT, false);
        if (this.restartPolicy.crashed(Date.now())) {
            this.log.warn('The server stopped unexpectedly; restarting it.');
            setTimeout(() => void this.restart('the server stopped unexpectedly'), RESTART_DELAY_MS);
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

    dispose(): void {
        void this.stop();
        this.progress.dispose();
    }
}

/** A failure the server has already shown to the user: logged, not shown again. */
export class ServerReportedError extends Error {}
