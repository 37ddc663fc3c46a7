// The command palette: each command is a few lines that ask the user, then ask the server.
import * as vscode from 'vscode';
import { acceptedPullName, generateAtCursorArgs, generateFromSelectionArgs, modelPickItem, ModelPickItem, normalizePullModelName, pullSuggestions } from './commandArgs';
import { writeDefaultModel } from './configuration';
import { Commands, Methods, ServerCommands, SUGGESTED_MODELS } from './constants';
import type { DefaultModelResult, GenerateResult, ModelInfo, OllamaStatus, ValidateModelNameResult } from './protocol';
import { OllamaServer, ServerReportedError } from './server';
import { generationMessage, runningModelDetail } from './status';

type Handler = (...args: unknown[]) => unknown;

export function registerCommands(context: vscode.ExtensionContext, server: OllamaServer, log: vscode.LogOutputChannel): void {
    const commands: Record<string, Handler> = {
        [Commands.restartServer]: () => server.restart('requested by the user'),
        [Commands.showLogs]: () => log.show(),
        [Commands.generateAtCursor]: () => generateAtCursor(server),
        [Commands.generateFromSelection]: () => generateFromSelection(server),
        [Commands.cancelGeneration]: () => server.executeCommand(ServerCommands.cancel, {}),
        [Commands.pullModel]: (name?: unknown) => pullModel(server, typeof name === 'string' ? name : undefined),
        [Commands.deleteModel]: () => deleteModel(server),
        [Commands.selectDefaultModel]: () => selectDefaultModel(server),
        [Commands.showStatus]: () => showStatus(server),
        [Commands.warmUpModel]: () => warmUpModel(server),
        [Commands.unloadModel]: (name?: unknown) => unloadModel(server, typeof name === 'string' ? name : undefined),
        [Commands.setApiKey]: () => setApiKey(server),
        [Commands.showMenu]: () => showMenu(server),
    };
    for (const [id, handler] of Object.entries(commands)) {
        context.subscriptions.push(vscode.commands.registerCommand(id, reportErrors(id, handler, log)));
    }
}

/** Every command's failure becomes one readable notification (and a log line). */
function reportErrors(id: string, handler: Handler, log: vscode.LogOutputChannel): Handler {
    return async (...args: unknown[]) => {
        try {
            return await handler(...args);
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            log.error(`${id}: ${message}`);
            if (error instanceof ServerReportedError) return undefined;
            const choice = await vscode.window.showErrorMessage(`Ollama: ${message}`, 'Show Logs');
            if (choice === 'Show Logs') log.show();
            return undefined;
        }
    };
}

function activeEditor(): vscode.TextEditor {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new Error('Open a file and place the cursor where the text should go.');
    return editor;
}

function reportGeneration(result: GenerateResult | undefined): void {
    if (!result) return;
    vscode.window.setStatusBarMessage(generationMessage(result), 5_000);
}

async function generateAtCursor(server: OllamaServer): Promise<void> {
    const editor = activeEditor();
    const position = editor.selection.active;
    const args = generateAtCursorArgs(editor.document.uri.toString(), { line: position.line, character: position.character });
    reportGeneration(await server.executeCommand<GenerateResult>(ServerCommands.generate, args));
}

async function generateFromSelection(server: OllamaServer): Promise<void> {
    const editor = activeEditor();
    const { start, end } = editor.selection;
    const instruction = await vscode.window.showInputBox({
        title: 'Ollama: Generate from Selection',
        prompt: 'What should the model do with the selected text? The answer replaces the selection.',
        placeHolder: 'e.g. add comments · translate to French · make it a bulleted list',
        ignoreFocusOut: true,
    });
    if (instruction === undefined) return;
    const range = { start: { line: start.line, character: start.character }, end: { line: end.line, character: end.character } };
    const { args, error } = generateFromSelectionArgs(editor.document.uri.toString(), range, instruction);
    if (!args) {
        void vscode.window.showWarningMessage(`Ollama: ${error}`);
        return;
    }
    reportGeneration(await server.executeCommand<GenerateResult>(ServerCommands.generate, args));
}

async function installedModels(server: OllamaServer): Promise<ModelInfo[]> {
    return server.request<ModelInfo[]>(Methods.models, {});
}

/** Asks which model to pull: popular models not yet installed, or any name typed. */
async function askModelToPull(server: OllamaServer): Promise<string | undefined> {
    const installed = await installedModels(server).catch(() => [] as ModelInfo[]);
    const suggestions = pullSuggestions(SUGGESTED_MODELS, installed.map((m) => m.name));
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
    pick.title = 'Ollama: Pull Model';
    pick.placeholder = 'Model to pull, e.g. llama3.2 or qwen2.5-coder:7b (type any name from ollama.com/library)';
    pick.ignoreFocusOut = true;
    const suggestionItems = suggestions.map((label) => ({ label, description: 'ollama.com/library' }));
    pick.items = suggestionItems;
    let typedItem: vscode.QuickPickItem | undefined;
    pick.onDidChangeValue((value) => {
        const typed = value.trim();
        const wanted = typed && !suggestionItems.some((item) => item.label === typed) ? typed : undefined;
        if (wanted === typedItem?.label) return;
        typedItem = wanted ? { label: wanted, description: 'pull this name', alwaysShow: true } : undefined;
        pick.items = typedItem ? [typedItem, ...suggestionItems] : suggestionItems;
    });
    return new Promise((resolve) => {
        pick.onDidAccept(() => {
            resolve(acceptedPullName(pick.value, pick.activeItems[0]?.label));
            pick.hide();
        });
        pick.onDidHide(() => {
            resolve(undefined);
            pick.dispose();
        });
        pick.show();
    });
}

async function pullModel(server: OllamaServer, given?: string): Promise<void> {
    const typed = given ?? (await askModelToPull(server));
    if (typed === undefined) return;
    const { name, error } = normalizePullModelName(typed);
    if (!name) {
        void vscode.window.showWarningMessage(`Ollama: ${error}`);
        return;
    }
    const validation = await server.request<ValidateModelNameResult>(Methods.validateModelName, { name });
    if (!validation.isValid) {
        void vscode.window.showWarningMessage(`Ollama: ${validation.message}`);
        return;
    }
    // The server reports progress (a notification with Cancel, and the status bar) and the outcome.
    await server.executeCommand(ServerCommands.pull, { model: name });
}

async function pickInstalledModel(server: OllamaServer, title: string): Promise<string | undefined> {
    const [models, current] = await Promise.all([
        installedModels(server),
        server.request<DefaultModelResult>(Methods.defaultModel, {}).catch(() => undefined),
    ]);
    if (models.length === 0) {
        const choice = await vscode.window.showInformationMessage('Ollama: no model is installed yet.', 'Pull Model');
        if (choice) void vscode.commands.executeCommand(Commands.pullModel);
        return undefined;
    }
    const items = models.map((model) => modelPickItem(model, current?.model ?? undefined));
    const picked = await vscode.window.showQuickPick<ModelPickItem>(items, {
        title,
        placeHolder: current?.model ? `Default model: ${current.model}` : 'Installed models',
        matchOnDescription: true,
        matchOnDetail: true,
    });
    return picked?.model;
}

async function deleteModel(server: OllamaServer): Promise<void> {
    const model = await pickInstalledModel(server, 'Ollama: Delete Model');
    if (!model) return;
    const confirmed = await vscode.window.showWarningMessage(
        `Delete ${model} from the Ollama server?`,
        { modal: true, detail: 'Its files are removed from the server; you can pull it again later.' },
        'Delete',
    );
    if (confirmed !== 'Delete') return;
    await server.executeCommand(ServerCommands.delete, { model }); // the server says "Deleted …".
}

async function selectDefaultModel(server: OllamaServer): Promise<void> {
    const model = await pickInstalledModel(server, 'Ollama: Select Default Model');
    if (!model) return;
    await writeDefaultModel(model);
    vscode.window.setStatusBarMessage(`$(check) Ollama: default model ${model}`, 5_000);
}

async function warmUpModel(server: OllamaServer): Promise<void> {
    const model = await pickInstalledModel(server, 'Ollama: Warm Up Model (load it into memory)');
    if (!model) return;
    await server.executeCommand(ServerCommands.warmup, { model }); // the server says "… is loaded".
}

async function unloadModel(server: OllamaServer, given?: string): Promise<void> {
    let model = given;
    if (!model) {
        const running = server.lastStatus?.runningModels ?? [];
        if (running.length === 0) {
            void vscode.window.showInformationMessage('Ollama: no model is loaded.');
            return;
        }
        const now = Date.now();
        const picked = await vscode.window.showQuickPick(
            running.map((m) => ({ label: m.name, description: runningModelDetail(m, now) })),
            { title: 'Ollama: Unload Model (free its memory)' },
        );
        model = picked?.label;
    }
    if (!model) return;
    await server.executeCommand(ServerCommands.unload, { model }); // the server says "… is unloaded".
}

function statusSummary(status: OllamaStatus): string {
    if (!status.reachable) {
        return [`Ollama offline at ${status.baseUrl}.`, status.error, status.suggestion].filter(Boolean).join(' ');
    }
    const now = Date.now();
    const running = status.runningModels.map((m) => `${m.name} (${runningModelDetail(m, now)})`).join(', ');
    return [
        `Ollama ${status.version ?? ''} at ${status.baseUrl}`.replace(/\s+/g, ' '),
        `${status.modelCount} model${status.modelCount === 1 ? '' : 's'} installed`,
        status.latencyMs !== null ? `${Math.round(status.latencyMs)} ms` : '',
        running ? `running: ${running}` : 'no model loaded',
    ].filter(Boolean).join(' · ');
}

async function showStatus(server: OllamaServer): Promise<void> {
    if (!server.isRunning) {
        const choice = await vscode.window.showWarningMessage('Ollama: the language server is not running.', 'Restart Server', 'Show Logs');
        if (choice === 'Restart Server') void vscode.commands.executeCommand(Commands.restartServer);
        if (choice === 'Show Logs') void vscode.commands.executeCommand(Commands.showLogs);
        return;
    }
    const status = await server.refreshStatus(true);
    if (!status) throw new Error('the server did not answer ollama/status.');
    const show = status.reachable ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    const choice = await show(statusSummary(status), 'Open Settings', 'Show Logs');
    if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'ollama');
    if (choice === 'Show Logs') void vscode.commands.executeCommand(Commands.showLogs);
}

async function setApiKey(server: OllamaServer): Promise<void> {
    const apiKey = await vscode.window.showInputBox({
        title: 'Ollama: Set API Key',
        prompt: 'Sent as "Authorization: Bearer <key>" to Ollama. Stored in VS Code\'s secret storage, never in settings.json. Empty removes it.',
        password: true,
        ignoreFocusOut: true,
    });
    if (apiKey === undefined) return;
    await server.setApiKey(apiKey.trim() || undefined);
    vscode.window.setStatusBarMessage(apiKey.trim() ? '$(key) Ollama: API key saved' : '$(key) Ollama: API key removed', 5_000);
}

type MenuEntry = vscode.QuickPickItem & { command?: string; args?: unknown[] };

/** The status bar item's menu: the actions, then the loaded models (picking one unloads it;
 * below the actions, so that Enter on the menu never unloads a model). */
async function showMenu(server: OllamaServer): Promise<void> {
    const now = Date.now();
    const running = server.lastStatus?.reachable ? server.lastStatus.runningModels : [];
    const loaded: MenuEntry[] = running.length
        ? [
              { label: 'Loaded models (select one to unload it now)', kind: vscode.QuickPickItemKind.Separator },
              ...running.map((model) => ({
                  label: `$(chip) ${model.name}`,
                  description: runningModelDetail(model, now),
                  command: Commands.unloadModel,
                  args: [model.name],
              })),
          ]
        : [];
    const entries: MenuEntry[] = [
        { label: '$(cloud-download) Pull Model', command: Commands.pullModel },
        { label: '$(check) Select Default Model', command: Commands.selectDefaultModel },
        { label: '$(sparkle) Generate at Cursor', command: Commands.generateAtCursor },
        { label: '$(debug-restart) Restart Server', command: Commands.restartServer },
        { label: '$(settings-gear) Open Settings', command: 'workbench.action.openSettings', args: ['@ext:ollama-ls.ollama-ls'] },
        { label: '$(output) Show Logs', command: Commands.showLogs },
        ...loaded,
    ];
    const placeHolder = running.length ? `${running.length} loaded · choose a model to unload or an action` : 'No model loaded · choose an action';
    const picked = await vscode.window.showQuickPick(entries, { title: 'Ollama', placeHolder, matchOnDescription: true });
    if (picked?.command) await vscode.commands.executeCommand(picked.command, ...(picked.args ?? []));
}
