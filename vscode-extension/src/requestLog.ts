// Logs each request the extension sends to the server: its parameters, its duration and its
// failure. Parameters are ours (model names, positions, ...); the API key never is one.
import type { LogOutputChannel } from 'vscode';

/** The first line of an error's message (LSP errors from the server may carry several). */
export function firstLine(error: unknown): string {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

export class RequestLog {
    constructor(private readonly log: Pick<LogOutputChannel, 'debug' | 'info' | 'warn'>) {}

    /** Runs `send`, logging `name params` before, and after with the time it took. */
    async logged<R>(name: string, params: object, send: () => Promise<R>): Promise<R> {
        const startedAt = Date.now();
        const shown = `${name} ${JSON.stringify(params)}`;
        this.log.debug(shown);
        try {
            const result = await send();
            this.log.info(`${shown} answered in ${Date.now() - startedAt} ms`);
            return result;
        } catch (error) {
            this.log.warn(`${shown} failed after ${Date.now() - startedAt} ms: ${firstLine(error)}`);
            throw error;
        }
    }
}
