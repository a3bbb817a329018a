/** A topology file (`topology --export`) as a person would write it. */

const WIDTH = 80;

/**
 * JSON as a person writes it: a value that fits on its line stays on one line
 * (`{ "start": 16, "count": 80, "source": "rm" }`), larger ones open up, two spaces a level.
 */
export const formatJson = (value: unknown, indent = 0, prefix = 0): string => {
  const flat = oneLineJson(value);
  if (indent + prefix + flat.length <= WIDTH || typeof value !== 'object' || value === null) return flat;
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + formatJson(v, indent + 2, 1)).join(',\n')}\n${' '.repeat(indent)}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return pad + key + formatJson(v, indent + 2, key.length + 1);
  });
  return `{\n${lines.join(',\n')}\n${' '.repeat(indent)}}`;
};

const oneLineJson = (value: unknown): string => {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map(oneLineJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${oneLineJson(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
};
