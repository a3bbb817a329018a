// Types for scripts/run-fixture.js (plain Node ESM, shared by the golden test and `npm run bless`).

export type GoldenKind = 'stdout' | 'stderr' | 'status';

export interface Fixture {
  /** File name without `.msi`, e.g. `01-coalesced-demand`. */
  name: string;
  script: string;
  argsFile: string;
  golden: Record<GoldenKind, string>;
}

export type Output = Record<GoldenKind, string>;

export const ROOT: string;
export const SCRIPTS_DIR: string;
export const BIN: string;
export const BUILT_ENTRY: string;
export const GOLDEN_KINDS: GoldenKind[];
export function listFixtures(): Fixture[];
export function describeFixture(name: string): Fixture;
export function orphanGoldens(): string[];
export function normalise(text: string): string;
export function readArgs(fixture: Fixture): string[];
export function fixtureEnv(): Record<string, string>;
export function commandLine(fixture: Fixture): string;
export function runFixture(fixture: Fixture): Output;
export function readGoldens(fixture: Fixture): Record<GoldenKind, string | undefined>;
export function sameGolden(kind: GoldenKind, actual: string, golden: string | undefined): boolean;
