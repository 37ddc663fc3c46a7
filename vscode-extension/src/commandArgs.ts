// Builds the arguments of the server's commands from what the user did. Pure: no `vscode` import.
import type { GenerateArgs, LspPosition, LspRange, ModelInfo } from './protocol';
import { formatBytes } from './status';

function isEmptyRange(range: LspRange): boolean {
    return range.start.line === range.end.line && range.start.character === range.end.character;
}

/** `Ollama: Generate at Cursor`: the server continues the text at the cursor. */
export function generateAtCursorArgs(uri: string, position: LspPosition, model?: string): GenerateArgs {
    const args: GenerateArgs = { uri, position: { line: position.line, character: position.character }, mode: 'insert' };
    if (model) args.model = model;
    return args;
}

/**
 * `Ollama: Generate from Selection`: the instruction is applied to the selected text, and the
 * result replaces the selection. An empty selection or instruction is an error message.
 */
export function generateFromSelectionArgs(
    uri: string,
    selection: LspRange,
    instruction: string,
    model?: string,
): { args?: GenerateArgs; error?: string } {
    if (isEmptyRange(selection)) {
        return { error: 'Select the text to generate from first.' };
    }
    const prompt = instruction.trim();
    if (!prompt) {
        return { error: 'Type an instruction, e.g. "add comments" or "translate to French".' };
    }
    const args: GenerateArgs = { uri, range: selection, prompt, mode: 'replace' };
    if (model) args.model = model;
    return { args };
}

// Ollama's model name: [host/][namespace/]model[:tag]; the same characters as types/model/name.go.
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const HOST_PART = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/**
 * Cleans what the user typed as a model to pull: trims spaces and quotes, drops `ollama pull`
 * pasted from a web page, and checks the name's shape. The server validates it again
 * (`ollama/validateModelName`), with Ollama's full rules.
 */
export function normalizePullModelName(input: string): { name?: string; error?: string } {
    let name = input.trim().replace(/^ollama\s+(pull|run)\s+/i, '').trim();
    name = name.replace(/^["'`]+|["'`]+$/g, '').trim();
    if (!name) {
        return { error: 'Type a model name, e.g. llama3.2 or qwen2.5-coder:7b.' };
    }
    if (/\s/.test(name)) {
        return { error: `"${name}" is not a model name: it contains spaces.` };
    }
    const [path, tag, ...rest] = name.split(/:(?=[^/]*$)/);
    if (rest.length > 0 || tag === '') {
        return { error: `"${name}" is not a model name: the tag after ":" is empty or repeated.` };
    }
    const parts = path.split('/');
    if (parts.length > 3 || parts.some((part) => part === '')) {
        return { error: `"${name}" is not a model name: use [host/][namespace/]model[:tag].` };
    }
    const model = parts[parts.length - 1];
    const host = parts.length === 3 ? parts[0] : undefined;
    const namespaces = parts.slice(host ? 1 : 0, -1);
    if (!NAME_PART.test(model) || namespaces.some((n) => !NAME_PART.test(n)) || (host && !HOST_PART.test(host))) {
        return { error: `"${name}" is not a model name: use letters, digits, "_", "-" and ".".` };
    }
    if (tag !== undefined && !NAME_PART.test(tag)) {
        return { error: `"${name}" is not a model name: the tag "${tag}" has characters Ollama does not allow.` };
    }
    if (name.length > 350) {
        return { error: 'That model name is too long.' };
    }
    return { name };
}

/** One quick-pick row for an installed model. */
export interface ModelPickItem {
    label: string;
    description: string;
    detail: string;
    model: string;
}

export function modelPickItem(model: ModelInfo, defaultModel?: string): ModelPickItem {
    const facts = [model.parameterSize, model.quantization, formatBytes(model.size)].filter(Boolean);
    const details = [model.family, model.capabilities.length ? model.capabilities.join(', ') : '']
        .concat(model.contextLength ? [`${model.contextLength.toLocaleString('en-US')} tokens context`] : [])
        .filter(Boolean);
    const isDefault = defaultModel !== undefined && sameModel(model.name, defaultModel);
    return {
        label: isDefault ? `$(check) ${model.name}` : model.name,
        description: facts.join(' · '),
        detail: details.join(' · '),
        model: model.name,
    };
}

/** `llama3.2` and `llama3.2:latest` are the same model. */
export function sameModel(a: string, b: string): boolean {
    const withTag = (name: string) => (/:[^/]*$/.test(name) ? name : `${name}:latest`);
    return withTag(a.trim()) === withTag(b.trim());
}

/**
 * What the user meant when accepting the Pull Model pick: the highlighted suggestion when it
 * contains what they typed (they typed "qwen" and chose qwen3:8b), else the typed name (the list
 * may still show an older filter when Enter comes right after typing).
 */
export function acceptedPullName(typed: string, active: string | undefined): string | undefined {
    const value = typed.trim();
    if (active && active.toLowerCase().includes(value.toLowerCase())) return active;
    return value || active;
}

/** Suggestions for `Ollama: Pull Model`: the popular models that are not installed yet. */
export function pullSuggestions(suggested: readonly string[], installed: string[]): string[] {
    return suggested.filter((name) => !installed.some((have) => sameModel(have, name)));
}
