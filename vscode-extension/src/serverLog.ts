// The server's stderr, line by line, to the levels of the `Ollama` LogOutputChannel. Pure: no
// `vscode` import.
//
// The server logs `%(asctime)s %(levelname)s %(name)s: %(message)s` (server/ollama_ls/lsp/
// server.py). vscode-languageclient logs every stderr line as [error]; here each record keeps
// its own level (DEBUG -> debug, INFO -> info, WARNING -> warn, ERROR/CRITICAL -> error), without
// the server's timestamp (the channel adds its own). The lines that follow a record (a
// multi-line message, the traceback of `log.exception`) take its level. A traceback outside any
// record (Python dying) and any other line before the first record are errors: nothing else
// writes to the server's stderr.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
    level: LogLevel;
    text: string;
}

const RECORD = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d+)? (DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL) (.*)$/;

const LEVELS: Readonly<Record<string, LogLevel>> = {
    DEBUG: 'debug',
    INFO: 'info',
    WARNING: 'warn',
    WARN: 'warn',
    ERROR: 'error',
    CRITICAL: 'error',
    FATAL: 'error',
};

/** Reads the server's stderr one line at a time; keeps the level of the record in progress. */
export class ServerLogParser {
    private current: LogLevel | undefined;

    line(raw: string): LogLine {
        const line = raw.replace(/\r$/, '');
        const record = RECORD.exec(line);
        if (record) {
            this.current = LEVELS[record[1]];
            return { level: this.current, text: record[2] };
        }
        if (/^Traceback \(most recent call last\):/.test(line) && this.current === undefined) {
            this.current = 'error';
        }
        return { level: this.current ?? 'error', text: line };
    }
}

/** The LogOutputChannel methods used (all of them take a message). */
export type LevelledLog = Record<LogLevel, (message: string) => void>;

/** Logs one stderr line at its level (empty lines are dropped). */
export function logServerLine(parser: ServerLogParser, log: LevelledLog, raw: string): void {
    if (!raw.trim()) return;
    const { level, text } = parser.line(raw);
    log[level](text);
}
