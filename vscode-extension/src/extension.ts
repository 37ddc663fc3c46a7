// Activation: creates the log, the status bar and the server, registers commands, and restarts
// the server when what launches it changes (settings, trust, API key, the first workspace folder).
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { primaryWorkspaceFolder } from './configuration';
import { LOG_CHANNEL_NAME, TRACE_CHANNEL_NAME } from './constants';
import { OllamaServer } from './server';
import { StatusBar } from './statusBar';

let server: OllamaServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
    // LSP messages are traced here when its log level is Trace ("Developer: Set Log Level...").
    const trace = vscode.window.createOutputChannel(TRACE_CHANNEL_NAME, { log: true });
    const statusBar = new StatusBar();
    server = new OllamaServer(context, log, statusBar, trace);
    context.subscriptions.push(log, trace, statusBar, server);
    registerCommands(context, server, log);
    const restart = (reason: string) => void server?.restart(reason);
    // The server is started for the first workspace folder (its settings and Python interpreter).
    let primary = primaryWorkspaceFolder()?.uri.toString();
    context.subscriptions.push(
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (event.affectsConfiguration('ollama.server')) restart('ollama.server settings changed');
        }),
        vscode.workspace.onDidGrantWorkspaceTrust(() => restart('the workspace is now trusted')),
        vscode.workspace.onDidChangeWorkspaceFolders(() => {
            const now = primaryWorkspaceFolder()?.uri.toString();
            if (now === primary) return;
            primary = now;
            restart('the first workspace folder changed');
        }),
    );
    log.info(`Ollama extension ${context.extension.packageJSON.version} activated`);
    // Not awaited: activation returns at once; the status bar shows the start.
    void server.start();
}

export async function deactivate(): Promise<void> {
    await server?.stop();
    server = undefined;
}
