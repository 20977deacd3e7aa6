export interface ChecksumEntry { sha256: string; size: number; name: string }
export function parseStanzas(text: string): Map<string, string>[];
export function checksumLines(field: string | undefined): ChecksumEntry[];
export function releaseEntry(inRelease: string, path: string): ChecksumEntry | undefined;
export function findSource(sourcesText: string, name: string, series: string): { version: string; directory: string; files: ChecksumEntry[] } | undefined;
export function verify(bytes: Uint8Array, expected: ChecksumEntry): void;
export function signedText(text: string): string;
export function dscFiles(dsc: string): ChecksumEntry[];
