/* Shape Matters: just enough of Python to read the layer code a reader pastes.
 *
 * Layer definitions (nn.Conv2d(1, 16, kernel_size=5)), an nn.Sequential, or a whole nn.Module
 * class with its forward: tokens, logical lines, one statement per logical line, and the values
 * of literal arguments. No DOM; used by shapes.js. What it cannot read becomes a ReadError whose
 * message says why, never an exception of JavaScript's own.
 */

/** The pasted text is not something the calculator can read; the message says why. */
export class ReadError extends Error {}

const TOKEN_PATTERNS = [
  ["space", /[ \t\f\r]+|\\\r?\n/y],
  ["newline", /\n/y],
  ["comment", /#[^\n]*/y],
  ["string", /[rRbBuUfF]{0,2}(?:'''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/y],
  ["number", /(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?/y],
  ["name", /[A-Za-z_][A-Za-z0-9_]*/y],
  ["op", /\*\*=?|\/\/=?|->|:=|[-+*\/%@&|^<>=!]=|[-+*\/%@()\[\]{},=.:;<>~&|^]/y],
];

function tokenize(text) {
  const tokens = [];
  let position = 0;
  let line = 1;
  while (position < text.length) {
    let matched = false;
    for (const [type, pattern] of TOKEN_PATTERNS) {
      pattern.lastIndex = position;
      const match = pattern.exec(text);
      if (!match || match[0].length === 0) continue;
      if (type !== "space" && type !== "comment") {
        tokens.push({ type, text: match[0], start: position, end: position + match[0].length, line });
      }
      line += (match[0].match(/\n/g) || []).length;
      position += match[0].length;
      matched = true;
      break;
    }
    if (!matched) {
      // A character Python would not accept here (a stray quote, $, ?, a non-ASCII sign...).
      tokens.push({ type: "junk", text: text[position], start: position, end: position + 1, line });
      position += 1;
    }
  }
  return tokens;
}

/** Logical lines: physical lines joined while brackets are open, with their indentation. */
export function logicalLines(text) {
  const tokens = tokenize(text);
  const lines = [];
  let current = [];
  let depth = 0;
  for (const token of tokens) {
    if (token.type === "newline") {
      if (depth === 0) {
        if (current.length) lines.push(current);
        current = [];
      }
      continue;
    }
    if (token.type === "op" && "([{".includes(token.text)) depth += 1;
    if (token.type === "op" && ")]}".includes(token.text)) depth = Math.max(0, depth - 1);
    current.push(token);
  }
  if (current.length) lines.push(current);
  return lines.map((lineTokens) => {
    const first = lineTokens[0];
    const lineStart = text.lastIndexOf("\n", first.start - 1) + 1;
    const last = lineTokens[lineTokens.length - 1];
    return {
      tokens: lineTokens,
      line: first.line,
      indent: first.start - lineStart,
      source: squeeze(text.slice(first.start, last.end)),
    };
  });
}

function squeeze(source) {
  return source.replace(/\s+/g, " ").replace(/([(\[]) /g, "$1").replace(/ ([)\]])/g, "$1").trim();
}

const MAX_NESTING = 100;

/** A recursive-descent parser for Python expressions (no lambdas or comprehensions needed). */
class Parser {
  constructor(tokens, text) {
    this.tokens = tokens;
    this.text = text;
    this.position = 0;
  }

  peek(offset = 0) {
    return this.tokens[this.position + offset];
  }

  isOp(text, offset = 0) {
    const token = this.peek(offset);
    return token !== undefined && token.type === "op" && token.text === text;
  }

  isName(text) {
    const token = this.peek();
    return token !== undefined && token.type === "name" && token.text === text;
  }

  next() {
    const token = this.tokens[this.position];
    if (token === undefined) throw new ReadError("the line ends too early");
    this.position += 1;
    return token;
  }

  expectOp(text) {
    const token = this.next();
    if (token.type !== "op" || token.text !== text) {
      throw new ReadError(`expected “${text}” but found “${token.text}”`);
    }
    return token;
  }

  atEnd() {
    return this.position >= this.tokens.length;
  }

  // expression list: a, b, c (a tuple when there is a comma)
  expressionList() {
    const start = this.peek();
    const first = this.expression();
    if (!this.isOp(",")) return first;
    const items = [first];
    while (this.isOp(",")) {
      this.next();
      if (this.atEnd() || this.isOp("=") || this.isOp(")")) break;
      items.push(this.expression());
    }
    return { t: "tuple", items, start: start.start, end: this.tokens[this.position - 1].end };
  }

  expression() {
    // Brackets nested deeper than any real code would exhaust JavaScript's stack: say so instead.
    this.depth = (this.depth || 0) + 1;
    try {
      if (this.depth > MAX_NESTING) throw new ReadError(`brackets nested more than ${MAX_NESTING} deep, which the calculator does not follow`);
      return this.nestedExpression();
    } finally {
      this.depth -= 1;
    }
  }

  nestedExpression() {
    const left = this.orTest();
    if (this.isName("if")) {
      // a conditional expression: the calculator cannot know which branch runs
      this.next();
      this.orTest();
      if (!this.isName("else")) throw new ReadError("a conditional expression without else");
      this.next();
      this.expression();
      return { t: "opaque", why: "a conditional expression", start: left.start, end: this.tokens[this.position - 1].end };
    }
    return left;
  }

  orTest() {
    let left = this.notTest();
    while (this.isName("or") || this.isName("and")) {
      const op = this.next().text;
      const right = this.notTest();
      left = { t: "bin", op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  notTest() {
    if (this.isName("not")) {
      const token = this.next();
      const arg = this.notTest();
      return { t: "unary", op: "not", arg, start: token.start, end: arg.end };
    }
    return this.comparison();
  }

  comparison() {
    let left = this.arith();
    while (["<", ">", "==", ">=", "<=", "!="].some((op) => this.isOp(op)) || this.isName("in") || this.isName("is")) {
      const op = this.next().text;
      if (this.isName("not")) this.next();
      const right = this.arith();
      left = { t: "bin", op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  arith() {
    let left = this.term();
    while (this.isOp("+") || this.isOp("-") || this.isOp("|") || this.isOp("&") || this.isOp("^")) {
      const op = this.next().text;
      const right = this.term();
      left = { t: "bin", op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  term() {
    let left = this.factor();
    while (["*", "/", "//", "%", "@"].some((op) => this.isOp(op))) {
      const op = this.next().text;
      const right = this.factor();
      left = { t: "bin", op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  factor() {
    if (this.isOp("-") || this.isOp("+") || this.isOp("~")) {
      const token = this.next();
      const arg = this.factor();
      return { t: "unary", op: token.text, arg, start: token.start, end: arg.end };
    }
    const base = this.postfix();
    if (this.isOp("**")) {
      this.next();
      const exponent = this.factor();
      return { t: "bin", op: "**", left: base, right: exponent, start: base.start, end: exponent.end };
    }
    return base;
  }

  postfix() {
    let node = this.atom();
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        const name = this.next();
        if (name.type !== "name") throw new ReadError(`expected a name after “.” but found “${name.text}”`);
        node = { t: "attr", obj: node, name: name.text, start: node.start, end: name.end };
      } else if (this.isOp("(")) {
        node = this.callArguments(node);
      } else if (this.isOp("[")) {
        this.next();
        const index = this.isOp("]") ? null : this.subscript();
        const close = this.expectOp("]");
        node = { t: "index", obj: node, index, start: node.start, end: close.end };
      } else {
        return node;
      }
    }
  }

  subscript() {
    // x[0], x[:, 1], x[..., None]: only ever a query, never a layer
    const start = this.peek();
    let depth = 0;
    while (!this.atEnd() && !(depth === 0 && this.isOp("]"))) {
      const token = this.next();
      if (token.type === "op" && "([{".includes(token.text)) depth += 1;
      if (token.type === "op" && ")]}".includes(token.text)) depth -= 1;
    }
    return { t: "opaque", why: "a subscript", start: start.start, end: this.tokens[this.position - 1].end };
  }

  callArguments(func) {
    this.expectOp("(");
    const args = [];
    const kwargs = [];
    while (!this.isOp(")")) {
      if (this.isOp("*") || this.isOp("**")) {
        const star = this.next();
        const value = this.expression();
        args.push({ t: "star", value, start: star.start, end: value.end });
      } else if (this.peek() && this.peek().type === "name" && this.isOp("=", 1)) {
        const name = this.next().text;
        this.next();
        kwargs.push({ name, value: this.expression() });
      } else {
        if (kwargs.length) throw new ReadError("a positional argument follows a keyword argument");
        args.push(this.expression());
      }
      if (!this.isOp(",")) break;
      this.next();
    }
    const close = this.expectOp(")");
    return { t: "call", func, args, kwargs, start: func.start, end: close.end, source: squeeze(this.text.slice(func.start, close.end)) };
  }

  atom() {
    const token = this.next();
    if (token.type === "number") {
      const digits = token.text.replace(/_/g, "");
      if (/[jJ]$/.test(digits)) throw new ReadError(`${token.text} is a complex number`);
      const isFloat = /[.eE]/.test(digits);
      const value = Number(digits);
      if (!Number.isFinite(value)) throw new ReadError(`${token.text} is too large to be a number here`);
      if (!isFloat && !Number.isSafeInteger(value)) throw new ReadError(`${token.text} is too large to be a size`);
      return { t: "num", value, isFloat, start: token.start, end: token.end };
    }
    if (token.type === "string") {
      const body = token.text.replace(/^[rRbBuUfF]*/, "");
      const quote = body.startsWith("'''") || body.startsWith('"""') ? 3 : 1;
      return { t: "str", value: body.slice(quote, body.length - quote), start: token.start, end: token.end };
    }
    if (token.type === "name") {
      if (token.text === "True" || token.text === "False") return { t: "const", value: token.text === "True", start: token.start, end: token.end };
      if (token.text === "None") return { t: "const", value: null, start: token.start, end: token.end };
      if (token.text === "lambda") throw new ReadError("a lambda");
      return { t: "name", id: token.text, start: token.start, end: token.end };
    }
    if (token.type === "op" && (token.text === "(" || token.text === "[")) {
      const closing = token.text === "(" ? ")" : "]";
      if (this.isOp(closing)) {
        const close = this.next();
        return { t: "tuple", items: [], start: token.start, end: close.end };
      }
      const first = this.expression();
      if (this.isName("for")) throw new ReadError("a comprehension");
      if (token.text === "(" && this.isOp(")")) {
        this.next();
        return first; // parentheses only group
      }
      const items = [first];
      while (this.isOp(",")) {
        this.next();
        if (this.isOp(closing)) break;
        items.push(this.expression());
      }
      const close = this.expectOp(closing);
      return { t: "tuple", items, start: token.start, end: close.end };
    }
    if (token.type === "op" && token.text === "{") {
      throw new ReadError("a dict or set");
    }
    if (token.type === "op" && token.text === ".") {
      // the ellipsis ...
      if (this.isOp(".") && this.isOp(".", 1)) {
        this.next();
        const last = this.next();
        return { t: "opaque", why: "an ellipsis", start: token.start, end: last.end };
      }
    }
    throw new ReadError(`unexpected “${token.text}”`);
  }
}

const COMPOUND_STATEMENTS = new Set(["if", "elif", "else", "for", "while", "with", "try", "except", "finally", "async"]);
const SIMPLE_STATEMENTS = new Set(["import", "from", "pass", "break", "continue", "global", "nonlocal", "assert", "del", "raise", "yield", "print"]);

/** One logical line as a statement: {kind, ...}. Never throws: unreadable lines say why. */
export function parseStatement(logical, text) {
  const tokens = logical.tokens.filter((token) => token.type !== "newline");
  const base = { line: logical.line, indent: logical.indent, source: logical.source };
  const first = tokens[0];
  if (tokens.some((token) => token.type === "junk")) {
    const junk = tokens.find((token) => token.type === "junk");
    return { ...base, kind: "unreadable", why: `“${junk.text}” is not Python` };
  }
  if (first.type === "op" && first.text === "@") return { ...base, kind: "decorator" };
  if (first.type === "op" && /^[)\]}]$/.test(first.text) && tokens.every((token) => token.type === "op" && /^[)\]},:]$/.test(token.text))) {
    return { ...base, kind: "brackets" };
  }
  if (first.type === "string" && tokens.length === 1) return { ...base, kind: "docstring" };
  if (first.type === "name") {
    if (first.text === "class") return { ...base, kind: "class", name: tokens[1] ? tokens[1].text : "" };
    if (first.text === "def") {
      const parameters = parseParameters(tokens, text);
      return { ...base, kind: "def", name: tokens[1] ? tokens[1].text : "", parameters };
    }
    if (COMPOUND_STATEMENTS.has(first.text)) return { ...base, kind: "control" };
    if (SIMPLE_STATEMENTS.has(first.text) && !(tokens[1] && tokens[1].type === "op" && tokens[1].text === "(")) {
      return { ...base, kind: "simple" };
    }
  }
  try {
    let body = tokens;
    let kind = "expression";
    if (first.type === "name" && first.text === "return") {
      kind = "return";
      body = tokens.slice(1);
      if (!body.length) return { ...base, kind };
    }
    // a top-level "=" (or "+=" and friends) makes it an assignment
    let depth = 0;
    let split = -1;
    let augmented = false;
    body.forEach((token, index) => {
      if (token.type !== "op") return;
      if ("([{".includes(token.text)) depth += 1;
      else if (")]}".includes(token.text)) depth -= 1;
      else if (depth === 0 && token.text === "=" ) split = index;
      else if (depth === 0 && split < 0 && /^(?:[-+*\/%@&|^]|\*\*|\/\/)=$/.test(token.text)) {
        split = index;
        augmented = true;
      }
    });
    if (kind === "expression" && split >= 0) {
      // a, b = ... ; self.conv = ... ; x: Tensor = ...
      const targetTokens = body.slice(0, split).filter((token, index, all) => !(token.type === "op" && token.text === ":") && !(index > 0 && all[index - 1].text === ":"));
      const targetParser = new Parser(targetTokens, text);
      const target = targetParser.expressionList();
      const valueParser = new Parser(body.slice(split + 1), text);
      const value = valueParser.expressionList();
      if (!valueParser.atEnd()) throw new ReadError(`unexpected “${valueParser.peek().text}”`);
      return { ...base, kind: augmented ? "augmented" : "assign", target, value, operator: body[split].text };
    }
    const parser = new Parser(body, text);
    const value = parser.expressionList();
    if (!parser.atEnd()) throw new ReadError(`unexpected “${parser.peek().text}”`);
    return { ...base, kind, value };
  } catch (error) {
    if (error instanceof ReadError) return { ...base, kind: "unreadable", why: error.message };
    throw error;
  }
}

function parseParameters(tokens, text) {
  // def __init__(self, num_classes=10, channels: int = 1) -> None:
  const open = tokens.findIndex((token) => token.text === "(");
  const parameters = [];
  if (open < 0) return parameters;
  let index = open + 1;
  while (index < tokens.length && tokens[index].text !== ")") {
    const name = tokens[index];
    let end = index + 1;
    let depth = 0;
    while (end < tokens.length && !(depth === 0 && (tokens[end].text === "," || tokens[end].text === ")"))) {
      if ("([{".includes(tokens[end].text)) depth += 1;
      if (")]}".includes(tokens[end].text)) depth -= 1;
      end += 1;
    }
    const piece = tokens.slice(index + 1, end);
    const equals = piece.findIndex((token) => token.text === "=");
    if (name.type === "name" && equals >= 0) {
      try {
        const parser = new Parser(piece.slice(equals + 1), text);
        parameters.push({ name: name.text, default: parser.expression() });
      } catch (error) {
        if (!(error instanceof ReadError)) throw error;
      }
    }
    index = end + 1;
  }
  return parameters;
}

// ---------------------------------------------------------------------------------------------
// Python values: numbers, strings, booleans, None and tuples, evaluated from the parsed code.

/** A name the reader gave a value in the pasted text (num_classes = 10, def f(c=3), ...). */
export function evaluate(node, names) {
  switch (node.t) {
    case "num":
      return node.isFloat ? { float: node.value } : node.value;
    case "str":
      return { str: node.value };
    case "const":
      return node.value;
    case "tuple":
      return node.items.map((item) => evaluate(item, names));
    case "name":
    case "attr": {
      const key = dotted(node);
      if (key !== null && names.has(key)) return names.get(key);
      throw new ReadError(`${key || "this value"} is a name, and its value is not in what you pasted: put the number itself`);
    }
    case "unary": {
      const value = evaluate(node.arg, names);
      const number = asNumber(value);
      if (node.op === "-") return wrapLike(value, -number);
      if (node.op === "+") return value;
      throw new ReadError(`cannot work out ${node.op} here`);
    }
    case "bin": {
      // each side once: evaluating them again would take time exponential in the nesting
      const leftValue = evaluate(node.left, names);
      const rightValue = evaluate(node.right, names);
      const left = asNumber(leftValue);
      const right = asNumber(rightValue);
      const isFloat = isFloatValue(leftValue) || isFloatValue(rightValue);
      let result;
      switch (node.op) {
        case "+": result = left + right; break;
        case "-": result = left - right; break;
        case "*": result = left * right; break;
        case "/": return divisionByZeroCheck(right) && { float: checkedNumber(left / right) };
        case "//": result = divisionByZeroCheck(right) && Math.floor(left / right); break;
        case "%": result = divisionByZeroCheck(right) && left - right * Math.floor(left / right); break;
        case "**": result = left ** right; break;
        default: throw new ReadError(`cannot work out “${node.op}” here`);
      }
      result = checkedNumber(result);
      if (isFloat) return { float: result };
      if (!Number.isSafeInteger(result)) throw new ReadError("a number too large to be a size");
      return result;
    }
    default:
      throw new ReadError(`cannot work out ${node.why || "this value"}`);
  }
}

function divisionByZeroCheck(divisor) {
  if (divisor === 0) throw new ReadError("a division by zero");
  return true;
}

function checkedNumber(value) {
  if (!Number.isFinite(value)) throw new ReadError("a number too large to be a size");
  return value;
}

export function isFloatValue(value) {
  return value !== null && typeof value === "object" && "float" in value;
}

export function asNumber(value) {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (isFloatValue(value)) return value.float;
  throw new ReadError(`${pyRepr(value)} is not a number`);
}

function wrapLike(value, number) {
  return isFloatValue(value) ? { float: number } : number;
}

export function dotted(node) {
  if (node.t === "name") return node.id;
  if (node.t === "attr") {
    const inner = dotted(node.obj);
    return inner === null ? null : `${inner}.${node.name}`;
  }
  return null;
}

/** How Python prints a value, for torch's messages and ours. */
export function pyRepr(value) {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return String(value);
  if (isFloatValue(value)) {
    const number = value.float;
    if (Number.isInteger(number) && Math.abs(number) < 1e16) return number.toFixed(1);
    const text = String(number);
    return text.replace(/e([+-])(\d)$/, "e$10$2");
  }
  if (typeof value === "object" && "str" in value) return `'${value.str}'`;
  if (Array.isArray(value)) return value.length === 1 ? `(${pyRepr(value[0])},)` : `(${value.map(pyRepr).join(", ")})`;
  return String(value);
}
