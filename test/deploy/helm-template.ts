/**
 * A small renderer for the subset of Helm's templates (Go text/template + Sprig) the chart uses,
 * so the tests can check the manifests `helm template` would produce without a helm binary.
 *
 * Supported: text with `{{ }}` actions and `{{- -}}` trimming, comments, pipelines (`|`),
 * parenthesised pipelines, variables (`$`, `$x :=`, `$x =`), field chains on dot, variables and
 * parentheses, `if / else if / else`, `range` (lists, maps in key order, `$i, $v :=`, `else`),
 * `with / else`, `define`, `include`, `template`, and the functions in FUNCTIONS below.
 * Anything else (an unknown function, a field on nil, a map printed as text) throws rather than
 * guess: a template that needs more must get a renderer that does more, not a silent pass.
 *
 * Go semantics kept on purpose: a missing key of a values map is nil; a field of nil is an
 * error; a missing field of .Release / .Chart / .Files is an error; maps range in sorted key
 * order; `and` / `or` stop at the first deciding operand and return it; printing nil gives ""
 * (Helm turns `<no value>` into "").
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

// ---------------------------------------------------------------------------------------------
// Lexing: text and actions

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'action'; source: string; line: number };

function lex(source: string, name: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  let trimNext = false;
  while (position < source.length) {
    const open = source.indexOf('{{', position);
    let text = open < 0 ? source.slice(position) : source.slice(position, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) tokens.push({ kind: 'text', text });
      break;
    }
    let inner = open + 2;
    if (source.startsWith('- ', inner) || source.startsWith('-\n', inner) || source.startsWith('-\t', inner)) {
      text = text.replace(/\s+$/, '');
      inner += 2;
    }
    if (text) tokens.push({ kind: 'text', text });
    const line = source.slice(0, open).split('\n').length;
    // The action ends at the first `}}` outside a string literal or a comment.
    let end = inner;
    let quote: string | undefined;
    if (source.slice(inner).trimStart().startsWith('/*')) {
      const close = source.indexOf('*/', inner);
      if (close < 0) throw new Error(`${name}:${line}: unclosed comment`);
      end = close + 2;
    }
    for (; end < source.length; end++) {
      const char = source[end];
      if (quote) {
        if (char === '\\' && quote === '"') end++;
        else if (char === quote) quote = undefined;
      } else if (char === '"' || char === '`') quote = char;
      else if (source.startsWith('}}', end)) break;
    }
    if (end >= source.length) throw new Error(`${name}:${line}: unclosed action`);
    let body = source.slice(inner, end);
    position = end + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -2);
      trimNext = true;
    }
    if (!body.trim().startsWith('/*')) tokens.push({ kind: 'action', source: body.trim(), line });
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parsing actions into pipelines

type Term =
  | { kind: 'dot'; fields: string[] }
  | { kind: 'var'; name: string; fields: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'paren'; pipeline: Pipeline; fields: string[] };

type Command = Term[];
interface Pipeline {
  declare?: string[];
  assign?: boolean;
  commands: Command[];
}

function tokenizeAction(source: string, where: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (/\s/.test(char)) {
      i++;
    } else if (char === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
      words.push(source.slice(i, j + 1));
      i = j + 1;
    } else if (char === '`') {
      const j = source.indexOf('`', i + 1);
      words.push(source.slice(i, j + 1));
      i = j + 1;
    } else if (source.startsWith(':=', i)) {
      words.push(':=');
      i += 2;
    } else if ('()|,='.includes(char)) {
      words.push(char);
      i++;
    } else {
      const match = /^[^\s()|,=]+/.exec(source.slice(i));
      if (!match) throw new Error(`${where}: cannot read "${source.slice(i)}"`);
      words.push(match[0]);
      i += match[0].length;
    }
  }
  return words;
}

function parsePipeline(words: string[], where: string): Pipeline {
  let position = 0;
  const pipeline: Pipeline = { commands: [] };
  // Declarations: `$x :=`, `$k, $v :=`, or an assignment `$x =`.
  const declaration = words.findIndex((w) => w === ':=' || w === '=');
  if (declaration > 0 && words.slice(0, declaration).every((w) => w === ',' || w.startsWith('$'))) {
    pipeline.declare = words.slice(0, declaration).filter((w) => w !== ',');
    pipeline.assign = words[declaration] === '=';
    position = declaration + 1;
  }
  const parseTerm = (): Term => {
    const word = words[position++];
    if (word === undefined) throw new Error(`${where}: unexpected end of action`);
    if (word === '(') {
      let depth = 1;
      const start = position;
      while (depth > 0) {
        if (position >= words.length) throw new Error(`${where}: unbalanced parentheses`);
        if (words[position] === '(') depth++;
        if (words[position] === ')') depth--;
        position++;
      }
      const inner = parsePipeline(words.slice(start, position - 1), where);
      const fields: string[] = [];
      while (words[position]?.startsWith('.')) fields.push(...words[position++].split('.').filter(Boolean));
      return { kind: 'paren', pipeline: inner, fields };
    }
    if (word.startsWith('"')) return { kind: 'literal', value: JSON.parse(word) };
    if (word.startsWith('`')) return { kind: 'literal', value: word.slice(1, -1) };
    if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: 'literal', value: Number(word) };
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
    if (word === 'nil') return { kind: 'literal', value: null };
    if (word.startsWith('.')) return { kind: 'dot', fields: word.split('.').filter(Boolean) };
    if (word.startsWith('$')) {
      const [name, ...fields] = word.split('.');
      return { kind: 'var', name, fields };
    }
    if (/^[A-Za-z_]\w*$/.test(word)) return { kind: 'ident', name: word };
    throw new Error(`${where}: unexpected "${word}"`);
  };
  let command: Command = [];
  while (position < words.length) {
    if (words[position] === '|') {
      if (!command.length) throw new Error(`${where}: empty command before |`);
      pipeline.commands.push(command);
      command = [];
      position++;
      continue;
    }
    command.push(parseTerm());
  }
  if (!command.length) throw new Error(`${where}: empty pipeline`);
  pipeline.commands.push(command);
  return pipeline;
}

// ---------------------------------------------------------------------------------------------
// Parsing the template into a tree

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Pipeline; where: string }
  | { kind: 'if' | 'with'; pipeline: Pipeline; body: Node[]; otherwise: Node[]; where: string }
  | { kind: 'range'; pipeline: Pipeline; body: Node[]; otherwise: Node[]; where: string }
  | { kind: 'template'; name: string; pipeline?: Pipeline; where: string };

function parseTemplate(source: string, name: string, defines: Map<string, Node[]>): Node[] {
  const tokens = lex(source, name);
  let position = 0;

  /** Parses nodes until one of `stops` (an action keyword); returns them and the stop met. */
  const parseList = (stops: string[]): { nodes: Node[]; stop?: { keyword: string; rest: string } } => {
    const nodes: Node[] = [];
    while (position < tokens.length) {
      const token = tokens[position++];
      if (token.kind === 'text') {
        nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const where = `${name}:${token.line}`;
      const [keyword] = token.source.split(/\s+/, 1);
      const rest = token.source.slice(keyword.length).trim();
      if (stops.includes(keyword)) return { nodes, stop: { keyword, rest } };
      const pipelineOf = (text: string) => parsePipeline(tokenizeAction(text, where), where);
      switch (keyword) {
        case 'if':
        case 'with':
        case 'range': {
          const node = { kind: keyword, pipeline: pipelineOf(rest), body: [] as Node[], otherwise: [] as Node[], where };
          const body = parseList(['else', 'end']);
          node.body = body.nodes;
          let stop = body.stop;
          if (stop?.keyword === 'else') {
            if (keyword === 'if' && stop.rest.startsWith('if ')) {
              // `else if` is an if nested in the else branch, closed by the same `end`.
              position--;
              tokens[position] = { kind: 'action', source: stop.rest, line: token.line };
              node.otherwise = [parseNestedIf()];
              nodes.push(node);
              continue;
            }
            const otherwise = parseList(['end']);
            node.otherwise = otherwise.nodes;
            stop = otherwise.stop;
          }
          if (stop?.keyword !== 'end') throw new Error(`${where}: ${keyword} without end`);
          nodes.push(node);
          break;
        }
        case 'define': {
          const defined = JSON.parse(rest);
          const body = parseList(['end']);
          if (body.stop?.keyword !== 'end') throw new Error(`${where}: define without end`);
          defines.set(defined, body.nodes);
          break;
        }
        case 'template': {
          const match = /^("(?:[^"\\]|\\.)*")\s*(.*)$/.exec(rest);
          if (!match) throw new Error(`${where}: template needs a name`);
          nodes.push({ kind: 'template', name: JSON.parse(match[1]), pipeline: match[2] ? pipelineOf(match[2]) : undefined, where });
          break;
        }
        case 'end':
        case 'else':
          throw new Error(`${where}: unexpected ${keyword}`);
        case 'block':
        case 'break':
        case 'continue':
          throw new Error(`${where}: "${keyword}" is not supported by this renderer`);
        default:
          nodes.push({ kind: 'action', pipeline: pipelineOf(token.source), where });
      }
    }
    if (stops.length) throw new Error(`${name}: missing {{ end }}`);
    return { nodes };
  };

  /** The `if` of an `else if`: its own else/else-if chain, ending at the outer `end`. */
  const parseNestedIf = (): Node => {
    const token = tokens[position++] as Extract<Token, { kind: 'action' }>;
    const where = `${name}:${token.line}`;
    const node: Node = { kind: 'if', pipeline: parsePipeline(tokenizeAction(token.source.slice(3), where), where), body: [], otherwise: [], where };
    const body = parseList(['else', 'end']);
    node.body = body.nodes;
    if (body.stop?.keyword === 'else') {
      if (body.stop.rest.startsWith('if ')) {
        position--;
        tokens[position] = { kind: 'action', source: body.stop.rest, line: token.line };
        node.otherwise = [parseNestedIf()];
      } else {
        const otherwise = parseList(['end']);
        if (otherwise.stop?.keyword !== 'end') throw new Error(`${where}: if without end`);
        node.otherwise = otherwise.nodes;
      }
    } else if (body.stop?.keyword !== 'end') throw new Error(`${where}: if without end`);
    return node;
  };

  return parseList([]).nodes;
}

// ---------------------------------------------------------------------------------------------
// Values

/** Objects whose missing fields are errors, like Go structs (.Release, .Chart, .Files, .Capabilities). */
const STRUCT = Symbol('struct');
export const struct = <T extends object>(value: T): T => Object.assign(value, { [STRUCT]: true });

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Go templates' truth: false, 0, nil, and empty strings, lists and maps are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

function field(value: unknown, name: string, where: string): unknown {
  if (value === null || value === undefined) throw new Error(`${where}: nil pointer evaluating .${name}`);
  if (!isMap(value)) throw new Error(`${where}: can't evaluate field ${name} in ${typeof value}`);
  if (Object.prototype.hasOwnProperty.call(value, name)) return value[name];
  if ((value as Record<symbol, unknown>)[STRUCT]) throw new Error(`${where}: can't evaluate field ${name}`);
  return undefined; // a missing map key: nil
}

/**
 * A number as Go prints it. Helm reads every number of the values as a float64, and Go's %v of a
 * float64 takes the exponent form from 1e6 up and below 1e-4: `{{ 1000000 }}` renders `1e+06`.
 */
function goNumber(value: number): string {
  const exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
  if (value !== 0 && (exponent < -4 || exponent >= 6)) {
    const [mantissa, power] = value.toExponential().split('e');
    const sign = power.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${power.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return String(value);
}

function print(value: unknown, where: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  throw new Error(`${where}: printing a ${Array.isArray(value) ? 'list' : 'map'} as text (use toYaml)`);
}

function goQuote(value: unknown): string {
  return JSON.stringify(typeof value === 'string' ? value : print(value, 'quote'));
}

function sprintf(format: string, args: unknown[]): string {
  let index = 0;
  return format.replace(/%([%sdvq])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const value = args[index++];
    if (verb === 'q') return goQuote(value);
    if (verb === 'd' && typeof value !== 'number') throw new Error(`printf %d of ${typeof value}`);
    return print(value, 'printf');
  });
}

function compare(a: unknown, b: unknown, where: string): void {
  const kind = (v: unknown) => (v === null || v === undefined ? 'nil' : typeof v);
  if (kind(a) !== kind(b) && kind(a) !== 'nil' && kind(b) !== 'nil') {
    throw new Error(`${where}: incompatible types for comparison (${kind(a)}, ${kind(b)})`);
  }
}

const indent = (spaces: number, text: string) => {
  const pad = ' '.repeat(spaces);
  return pad + text.split('\n').join(`\n${pad}`);
};

// ---------------------------------------------------------------------------------------------
// Rendering

export interface ChartInput {
  /** Files of the chart: path inside the chart → content (templates/*, files/*). */
  files: Record<string, string>;
  values: Record<string, unknown>;
  chart: Record<string, unknown>; // Chart.yaml
  release?: { name?: string; namespace?: string; isInstall?: boolean };
}

type Scope = { vars: Map<string, unknown>; parent?: Scope };

export class HelmRenderer {
  private readonly defines = new Map<string, Node[]>();
  private readonly trees = new Map<string, Node[]>();
  private readonly root: Record<string, unknown>;

  constructor(private readonly input: ChartInput) {
    for (const [path, content] of Object.entries(input.files)) {
      if (!path.startsWith('templates/')) continue;
      this.trees.set(path, parseTemplate(content, path, this.defines));
    }
    const chart = input.chart;
    this.root = struct({
      Values: input.values,
      Release: struct({
        Name: input.release?.name ?? 'ecommerce',
        Namespace: input.release?.namespace ?? 'default',
        Service: 'Helm',
        IsInstall: input.release?.isInstall ?? true,
        IsUpgrade: !(input.release?.isInstall ?? true),
        Revision: 1,
      }),
      Chart: struct({
        Name: chart.name,
        Version: chart.version,
        AppVersion: chart.appVersion,
        Description: chart.description,
        Type: chart.type,
        ApiVersion: chart.apiVersion,
      }),
      Files: struct({ Get: (path: string) => input.files[path] ?? '' }),
      Capabilities: struct({ KubeVersion: struct({ Version: 'v1.30.0', Major: '1', Minor: '30' }) }),
      Template: struct({ BasePath: `${chart.name}/templates`, Name: '' }),
    });
  }

  /** Every template that is not a partial (`_*`), rendered: path → text. */
  renderAll(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [path, tree] of this.trees) {
      if (/(^|\/)_[^/]*$/.test(path)) continue;
      (this.root.Template as Record<string, unknown>).Name = `${this.input.chart.name}/${path}`;
      out[path] = this.execute(tree, this.root, { vars: new Map([['$', this.root]]) });
    }
    return out;
  }

  private execute(nodes: Node[], dot: unknown, scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'action': {
          const value = this.pipeline(node.pipeline, dot, scope, node.where);
          if (!node.pipeline.declare) out += print(value, node.where);
          break;
        }
        case 'if':
        case 'with': {
          const inner: Scope = { vars: new Map(), parent: scope };
          const value = this.pipeline(node.pipeline, dot, inner, node.where);
          if (truthy(value)) out += this.execute(node.body, node.kind === 'with' ? value : dot, inner);
          else out += this.execute(node.otherwise, dot, { vars: new Map(), parent: scope });
          break;
        }
        case 'range': {
          const { declare, ...rest } = node.pipeline;
          const value = this.pipeline(rest, dot, scope, node.where);
          const entries: Array<[unknown, unknown]> = Array.isArray(value)
            ? value.map((v, i) => [i, v])
            : isMap(value)
              ? Object.keys(value).sort().map((k) => [k, value[k]])
              : value === null || value === undefined
                ? []
                : (() => {
                    throw new Error(`${node.where}: range over ${typeof value}`);
                  })();
          if (!entries.length) out += this.execute(node.otherwise, dot, { vars: new Map(), parent: scope });
          for (const [key, element] of entries) {
            const vars = new Map<string, unknown>();
            if (declare?.length === 1) vars.set(declare[0], element);
            if (declare?.length === 2) vars.set(declare[0], key).set(declare[1], element);
            out += this.execute(node.body, element, { vars, parent: scope });
          }
          break;
        }
        case 'template': {
          const data = node.pipeline ? this.pipeline(node.pipeline, dot, scope, node.where) : undefined;
          out += this.include(node.name, data, node.where);
          break;
        }
      }
    }
    return out;
  }

  private include(name: string, data: unknown, where: string): string {
    const tree = this.defines.get(name);
    if (!tree) throw new Error(`${where}: no template named "${name}"`);
    return this.execute(tree, data, { vars: new Map([['$', data]]) });
  }

  private lookup(scope: Scope, name: string, where: string): unknown {
    for (let s: Scope | undefined = scope; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name);
    throw new Error(`${where}: undefined variable ${name}`);
  }

  private pipeline(pipeline: Pipeline, dot: unknown, scope: Scope, where: string): unknown {
    let value: unknown;
    let piped = false;
    for (const command of pipeline.commands) {
      value = this.command(command, dot, scope, where, piped ? [value] : []);
      piped = true;
    }
    if (pipeline.declare) {
      if (pipeline.assign) {
        const name = pipeline.declare[0];
        let s: Scope | undefined = scope;
        while (s && !s.vars.has(name)) s = s.parent;
        if (!s) throw new Error(`${where}: assignment to undeclared ${name}`);
        s.vars.set(name, value);
      } else if (pipeline.declare.length === 1) scope.vars.set(pipeline.declare[0], value);
      else throw new Error(`${where}: two variables outside range`);
    }
    return value;
  }

  private term(term: Term, dot: unknown, scope: Scope, where: string): unknown {
    const chain = (start: unknown, fields: string[]) => fields.reduce((v, f) => field(v, f, where), start);
    switch (term.kind) {
      case 'literal':
        return term.value;
      case 'dot':
        return chain(dot, term.fields);
      case 'var':
        return chain(this.lookup(scope, term.name, where), term.fields);
      case 'paren':
        return chain(this.pipeline(term.pipeline, dot, scope, where), term.fields);
      case 'ident': {
        // An identifier as an argument is a call without arguments (`default dict`).
        const fn = FUNCTIONS[term.name];
        if (!fn) throw new Error(`${where}: function "${term.name}" is not supported by this renderer`);
        return fn([], where);
      }
    }
  }

  private command(command: Command, dot: unknown, scope: Scope, where: string, piped: unknown[]): unknown {
    const [head, ...rest] = command;
    if (head.kind === 'ident') {
      // `and` / `or` evaluate their operands lazily, as Go does.
      if (head.name === 'and' || head.name === 'or') {
        const operands = [...rest.map((t) => () => this.term(t, dot, scope, where)), ...piped.map((v) => () => v)];
        let last: unknown;
        for (const operand of operands) {
          last = operand();
          if (head.name === 'and' ? !truthy(last) : truthy(last)) return last;
        }
        return last;
      }
      if (head.name === 'include') {
        const [name, data] = [...rest.map((t) => this.term(t, dot, scope, where)), ...piped];
        return this.include(name as string, data, where);
      }
      const fn = FUNCTIONS[head.name];
      if (!fn) throw new Error(`${where}: function "${head.name}" is not supported by this renderer`);
      const args = [...rest.map((t) => this.term(t, dot, scope, where)), ...piped];
      return fn(args, where);
    }
    const value = this.term(head, dot, scope, where);
    if (typeof value === 'function') {
      const args = [...rest.map((t) => this.term(t, dot, scope, where)), ...piped];
      return (value as (...a: unknown[]) => unknown)(...args);
    }
    if (rest.length || piped.length) throw new Error(`${where}: can't give arguments to a non-function`);
    return value;
  }
}

type Fn = (args: unknown[], where: string) => unknown;

const arity = (n: number, fn: Fn): Fn => (args, where) => {
  if (args.length !== n) throw new Error(`${where}: wrong number of arguments: want ${n}, got ${args.length}`);
  return fn(args, where);
};
const str = (value: unknown, where: string) => print(value, where);

/** The Sprig and Go builtin functions this renderer knows. */
const FUNCTIONS: Record<string, Fn> = {
  // Go builtins
  not: arity(1, ([v]) => !truthy(v)),
  eq: (args, where) => {
    const [first, ...others] = args;
    others.forEach((o) => compare(first, o, where));
    return others.some((o) => (o ?? null) === (first ?? null));
  },
  ne: arity(2, ([a, b], where) => (compare(a, b, where), (a ?? null) !== (b ?? null))),
  lt: arity(2, ([a, b], where) => (compare(a, b, where), (a as number) < (b as number))),
  le: arity(2, ([a, b], where) => (compare(a, b, where), (a as number) <= (b as number))),
  gt: arity(2, ([a, b], where) => (compare(a, b, where), (a as number) > (b as number))),
  ge: arity(2, ([a, b], where) => (compare(a, b, where), (a as number) >= (b as number))),
  len: arity(1, ([v], where) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    throw new Error(`${where}: len of ${typeof v}`);
  }),
  index: (args, where) => {
    let [value] = args;
    for (const key of args.slice(1)) {
      if (value === null || value === undefined) throw new Error(`${where}: index of nil`);
      value = (value as Record<string, unknown>)[key as string];
    }
    return value;
  },
  print: (args, where) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + str(a, where)).join(''),
  printf: (args) => sprintf(args[0] as string, args.slice(1)),
  // Sprig
  default: (args) => (args.length > 1 && truthy(args[1]) ? args[1] : args[0]),
  empty: arity(1, ([v]) => !truthy(v)),
  required: arity(2, ([message, v]) => {
    if (v === null || v === undefined || v === '') throw new Error(String(message));
    return v;
  }),
  fail: arity(1, ([message]) => {
    throw new Error(`fail: ${String(message)}`);
  }),
  ternary: arity(3, ([whenTrue, whenFalse, condition]) => (truthy(condition) ? whenTrue : whenFalse)),
  quote: (args) => args.filter((a) => a !== null && a !== undefined).map(goQuote).join(' '),
  squote: (args, where) => args.filter((a) => a !== null && a !== undefined).map((a) => `'${str(a, where)}'`).join(' '),
  upper: arity(1, ([s], where) => str(s, where).toUpperCase()),
  lower: arity(1, ([s], where) => str(s, where).toLowerCase()),
  trim: arity(1, ([s], where) => str(s, where).trim()),
  trimSuffix: arity(2, ([suffix, s], where) => {
    const text = str(s, where);
    return text.endsWith(suffix as string) ? text.slice(0, text.length - (suffix as string).length) : text;
  }),
  trimPrefix: arity(2, ([prefix, s], where) => {
    const text = str(s, where);
    return text.startsWith(prefix as string) ? text.slice((prefix as string).length) : text;
  }),
  trunc: arity(2, ([n, s], where) => {
    const text = str(s, where);
    const count = n as number;
    return count >= 0 ? text.slice(0, count) : text.slice(text.length + count);
  }),
  replace: arity(3, ([from, to, s], where) => str(s, where).split(from as string).join(to as string)),
  contains: arity(2, ([substring, s], where) => str(s, where).includes(substring as string)),
  hasPrefix: arity(2, ([prefix, s], where) => str(s, where).startsWith(prefix as string)),
  indent: arity(2, ([n, s], where) => indent(n as number, str(s, where))),
  nindent: arity(2, ([n, s], where) => `\n${indent(n as number, str(s, where))}`),
  toString: arity(1, ([v], where) => str(v, where)),
  toYaml: arity(1, ([v]) => (v === undefined || v === null ? 'null' : stringifyYaml(v, { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, ''))),
  fromYaml: arity(1, ([s], where) => parseYaml(str(s, where)) ?? {}),
  toJson: arity(1, ([v]) => JSON.stringify(v ?? null)),
  sha256sum: arity(1, ([s], where) => createHash('sha256').update(str(s, where)).digest('hex')),
  b64enc: arity(1, ([s], where) => Buffer.from(str(s, where)).toString('base64')),
  list: (args) => [...args],
  dict: (args, where) => {
    if (args.length % 2) throw new Error(`${where}: dict needs pairs`);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) out[str(args[i], where)] = args[i + 1];
    return out;
  },
  set: arity(3, ([map, key, value], where) => {
    if (!isMap(map)) throw new Error(`${where}: set on a non-map`);
    map[key as string] = value;
    return map;
  }),
  hasKey: arity(2, ([map, key], where) => {
    if (!isMap(map)) throw new Error(`${where}: hasKey on a non-map`);
    return Object.prototype.hasOwnProperty.call(map, key as string);
  }),
  keys: (args) => args.flatMap((m) => Object.keys(m as object)),
  sortAlpha: arity(1, ([l]) => [...(l as string[])].map(String).sort()),
  join: arity(2, ([separator, l], where) => (l as unknown[]).map((v) => str(v, where)).join(separator as string)),
};

/** Deep-merges `override` into `base` the way Helm coalesces values: maps merge, the rest replaces, null removes. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeValues(out[key] as Record<string, unknown>, value);
    else out[key] = structuredClone(value);
  }
  return out;
}
