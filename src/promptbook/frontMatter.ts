// Reads a promptbook's YAML front matter (title, description, inputs) with the `yaml` library. No `vscode`
// import. The extension loads this module lazily (its own bundle, see esbuild.js): only when a promptbook runs,
// is checked or completes an input.
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { INPUT_NAME } from './format';

export interface InputDeclaration {
  name: string;
  description?: string;
  default?: string;
}

export interface FrontMatterProblem {
  message: string;
  /** 0-based line and column inside the front matter text. */
  line: number;
  column: number;
}

export interface FrontMatter {
  title?: string;
  description?: string;
  inputs: InputDeclaration[];
  /** YAML errors and entries that don't fit the format; a run refuses to start while there are any. */
  problems: FrontMatterProblem[];
}

function scalarText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Parses the front matter text (between the `---` lines). Never throws. */
export function readFrontMatter(text: string): FrontMatter {
  const result: FrontMatter = { inputs: [], problems: [] };
  if (text.trim() === '') return result;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line - 1, column: pos.col - 1 };
  };
  const problem = (message: string, offset?: number): void => {
    result.problems.push({ message, ...at(offset) });
  };
  for (const e of doc.errors) problem(`YAML: ${e.message.split('\n')[0]}`, e.pos[0]);
  if (doc.errors.length) return result;
  const root = doc.contents;
  if (root === null) return result;
  if (!isMap(root)) {
    problem('The front matter must be a map (title, description, inputs).', root.range?.[0]);
    return result;
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    const value = pair.value;
    if (key === 'title' || key === 'description') {
      const v = isScalar(value) ? scalarText(value.value) : undefined;
      if (value !== null && v === undefined) problem(`\`${key}\` must be text.`, offset);
      else if (v !== undefined) result[key] = v;
    } else if (key === 'inputs') {
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isMap(value)) {
        problem('`inputs` must be a map from input name to a description or to {description, default}.', offset);
        continue;
      }
      for (const input of value.items) {
        const name = isScalar(input.key) ? String(input.key.value) : '';
        const nameOffset = isScalar(input.key) ? input.key.range?.[0] : offset;
        if (!INPUT_NAME.test(name)) {
          problem(`Input name "${name}" is not usable as {{${name}}}: use letters, digits, _ . - (not starting with a digit).`, nameOffset);
          continue;
        }
        if (result.inputs.some((i) => i.name === name)) continue;
        const decl: InputDeclaration = { name };
        const v = input.value;
        if (v === null || (isScalar(v) && v.value === null)) {
          // declared without a description
        } else if (isScalar(v)) {
          const d = scalarText(v.value);
          if (d === undefined) problem(`Input "${name}": the description must be text.`, nameOffset);
          else decl.description = d;
        } else if (isMap(v)) {
          for (const field of v.items) {
            const f = isScalar(field.key) ? String(field.key.value) : '';
            const fv = isScalar(field.value) ? scalarText(field.value.value) : field.value === null ? undefined : null;
            if (f !== 'description' && f !== 'default') {
              problem(`Input "${name}": unknown field "${f}" (use description and default).`, isScalar(field.key) ? field.key.range?.[0] : nameOffset);
            } else if (fv === null) {
              problem(`Input "${name}": ${f} must be text.`, nameOffset);
            } else if (fv !== undefined) {
              decl[f] = fv;
            }
          }
        } else {
          problem(`Input "${name}" must be a description or {description, default}.`, nameOffset);
        }
        result.inputs.push(decl);
      }
    }
    // Other keys (tags, owner, ...) are the author's: kept in the file, ignored here.
  }
  return result;
}
