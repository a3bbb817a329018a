/** Exit codes of the contract: every command did what it should / a command failed / usage. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;
