/** `1 channel`, `2 channels`: a count with its noun, which agrees with it. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
