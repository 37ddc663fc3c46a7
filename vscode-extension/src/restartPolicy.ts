// Our own restart policy (the LanguageClient's restarts are off): after a crash the server is
// restarted after a second, unless it crashed 3 times in 3 minutes. Pure: no `vscode` import.

export const RESTART_DELAY_MS = 1_000;

/** True when a crash at `now` should be followed by a restart, given the earlier crashes. */
export function shouldRestartAfterCrash(crashTimes: number[], now: number, maxCrashes = 3, windowMs = 180_000): boolean {
    const recent = crashTimes.filter((time) => now - time < windowMs);
    return recent.length < maxCrashes;
}

/** Remembers the crashes of one extension session. */
export class RestartPolicy {
    private readonly crashTimes: number[] = [];

    constructor(
        private readonly maxCrashes = 3,
        private readonly windowMs = 180_000,
    ) {}

    /** Records a crash at `now`; true when the server should be restarted. */
    crashed(now: number): boolean {
        const restart = shouldRestartAfterCrash(this.crashTimes, now, this.maxCrashes, this.windowMs);
        this.crashTimes.push(now);
        // Older crashes no longer count; keep the list short over a long session.
        while (this.crashTimes.length > 0 && now - this.crashTimes[0] >= this.windowMs) this.crashTimes.shift();
        return restart;
    }
}
