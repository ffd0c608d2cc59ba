// Placeholder until the jenis classifier lands: no suggestion.
export function suggestJenisCode(_text: string): string | null {
  return null;
}
