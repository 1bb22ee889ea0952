// Checks the shape of a partition ref typed into "DataBuild: Build partition…"
// before a terminal is opened for it (docs/language.md, "Partition references"):
// NAME, then one /KEY=VALUE per key, a trailing "/" allowed. Whether the dataset,
// keys and values exist is for databuild-run to say; this only catches what can
// never be a ref, so a typo is reported in the input box rather than a terminal.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Returns why `text` is not a partition ref, or undefined when its shape is right. */
export function refShapeError(text: string): string | undefined {
  const ref = text.trim().replace(/\/$/, '');
  if (ref === '') return 'Enter a partition ref, e.g. clean_events/date=2024-01-03/region=us';
  const [dataset, ...parts] = ref.split('/');
  if (!IDENTIFIER.test(dataset)) return `"${dataset}" is not a dataset name`;
  const seen = new Set<string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) return `"${part}" is not KEY=VALUE`;
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (!IDENTIFIER.test(key)) return `"${key}" is not a key name`;
    if (seen.has(key)) return `key "${key}" is given twice`;
    seen.add(key);
    const error = valueError(key, value);
    if (error) return error;
  }
  return undefined;
}

function valueError(key: string, value: string): string | undefined {
  if (value === '') return `key "${key}" has no value`;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) {
    return `key "${key}": the value may not contain "\\" or control characters`;
  }
  const range = value.split('..');
  if (range.length === 1 || (range.length === 2 && range[0] !== '' && range[1] !== '')) {
    return undefined;
  }
  return `key "${key}": a range is written FIRST..LAST`;
}
