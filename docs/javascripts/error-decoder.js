/* Shape Matters: the error decoder's reading of a pasted message.
 *
 * decodeError() finds the last message it knows in the pasted text (a whole traceback is fine),
 * and returns its numbers, named, with the fix. No DOM: explanations are "parts" (strings, {code},
 * {strong}, {link, href}) that the page turns into text nodes, so nothing pasted becomes markup.
 * Numbers are kept as the digits that were pasted; arithmetic is done only when exact (BigInt).
 *
 * It states only what the message and the traceback establish. What they do not (is the first
 * number the batch size? is the layer yours or a downloaded model's? is the input channels-last?)
 * is offered as branches, each with what it would mean. A message it cannot read gets "don't know",
 * saying what it could not read.
 */

/** What the decoder knows, as a list of parts to show the reader. */
export const SUPPORTED_MESSAGES = [
  [{ code: "mat1 and mat2 shapes cannot be multiplied (AxB and CxD)" }],
  [{ code: "size mismatch, m1: [A x B], m2: [C x D]" }, " (the same error in older PyTorch versions)"],
  [{ code: "mat1 dim 1 must match mat2 dim 0" }, " (the same error, without its numbers)"],
  [{ code: "shape '[…]' is invalid for input of size N" }, " (view and reshape)"],
  [{ code: "Expected input batch_size (A) to match target batch_size (B)" }, " (from the loss)"],
  [{ code: "Given groups=…, weight of size […], expected input[…] to have C channels, but got D channels instead" }, " (Conv1d, Conv2d, Conv3d, and transposed)"],
  [{ code: "Calculated padded input size per channel: (…). Kernel size: (…). Kernel size can't be greater than actual input size" }],
  [{ code: "Given input size: (…). Calculated output size: (…). Output size is too small" }],
];

const NUMBER = "(\\d{1,40})";
const TIMES = "\\s*[x×X*]\\s*";
const SIZES = "([\\d,\\s]{1,200})";
const PATTERNS = [
  ["matmul", new RegExp(`mat1 and mat2 shapes cannot be multiplied\\s*\\(\\s*${NUMBER}${TIMES}${NUMBER}\\s+and\\s+${NUMBER}${TIMES}${NUMBER}\\s*\\)`, "gi")],
  ["matmul-old", new RegExp(`size mismatch,?\\s*m1:\\s*\\[\\s*${NUMBER}${TIMES}${NUMBER}\\s*\\],?\\s*m2:\\s*\\[\\s*${NUMBER}${TIMES}${NUMBER}\\s*\\]`, "gi")],
  ["matmul-bare", /mat1 dim 1 must match mat2 dim 0/gi],
  ["view", new RegExp(`shape\\s*'\\[([-\\d,\\s]{0,200})\\]'\\s*is invalid for input of size\\s*${NUMBER}`, "gi")],
  ["batch", new RegExp(`Expected input batch_size\\s*\\(\\s*${NUMBER}\\s*\\)\\s*to match target batch_size\\s*\\(\\s*${NUMBER}\\s*\\)`, "gi")],
  // Today's words, and older ones: "weight of size 64 3 3 3" (no brackets), "weight[256, 5376, 1, 1], so expected".
  ["channels", new RegExp(`Given (groups|transposed)=${NUMBER},\\s*weight(?: of size)?\\s*\\[?${SIZES}\\]?,\\s*(?:so\\s+)?expected input\\s*\\[${SIZES}\\]\\s*to have ${NUMBER} channels,\\s*but got ${NUMBER} channels instead`, "gi")],
  ["kernel", new RegExp(`Calculated padded input size per channel:\\s*\\(([\\d\\sx]{1,200})\\)\\.\\s*Kernel size:\\s*\\(([\\d\\sx]{1,200})\\)`, "gi")],
  ["pool", new RegExp(`Given input size:\\s*\\(([\\d\\sx]{1,200})\\)\\.\\s*Calculated output size:\\s*\\(([-\\d\\sx]{1,200})\\)\\.\\s*Output size is too small`, "gi")],
];

// The largest size a tensor dimension can have (int64): a bigger number was not printed by PyTorch.
const MAX_SIZE = 2n ** 63n - 1n;

// Characters that do not show, or show as a plain space: named by code point, and removed (or read
// as a space) before the message is read. PyTorch never prints them inside its messages.
const INVISIBLE = new Map([
  [0x00a0, ["NO-BREAK SPACE", " "]],
  [0x00ad, ["SOFT HYPHEN", ""]],
  [0x180e, ["MONGOLIAN VOWEL SEPARATOR", ""]],
  [0x2000, ["EN QUAD", " "]], [0x2001, ["EM QUAD", " "]], [0x2002, ["EN SPACE", " "]], [0x2003, ["EM SPACE", " "]],
  [0x2004, ["THREE-PER-EM SPACE", " "]], [0x2005, ["FOUR-PER-EM SPACE", " "]], [0x2006, ["SIX-PER-EM SPACE", " "]],
  [0x2007, ["FIGURE SPACE", " "]], [0x2008, ["PUNCTUATION SPACE", " "]], [0x2009, ["THIN SPACE", " "]], [0x200a, ["HAIR SPACE", " "]],
  [0x200b, ["ZERO WIDTH SPACE", ""]], [0x200c, ["ZERO WIDTH NON-JOINER", ""]], [0x200d, ["ZERO WIDTH JOINER", ""]],
  [0x200e, ["LEFT-TO-RIGHT MARK", ""]], [0x200f, ["RIGHT-TO-LEFT MARK", ""]],
  [0x202a, ["LEFT-TO-RIGHT EMBEDDING", ""]], [0x202b, ["RIGHT-TO-LEFT EMBEDDING", ""]], [0x202c, ["POP DIRECTIONAL FORMATTING", ""]],
  [0x202d, ["LEFT-TO-RIGHT OVERRIDE", ""]], [0x202e, ["RIGHT-TO-LEFT OVERRIDE", ""]], [0x202f, ["NARROW NO-BREAK SPACE", " "]],
  [0x205f, ["MEDIUM MATHEMATICAL SPACE", " "]], [0x2060, ["WORD JOINER", ""]],
  [0x2066, ["LEFT-TO-RIGHT ISOLATE", ""]], [0x2067, ["RIGHT-TO-LEFT ISOLATE", ""]], [0x2068, ["FIRST STRONG ISOLATE", ""]], [0x2069, ["POP DIRECTIONAL ISOLATE", ""]],
  [0x3000, ["IDEOGRAPHIC SPACE", " "]], [0xfeff, ["ZERO WIDTH NO-BREAK SPACE (byte order mark)", ""]],
]);

const codePoint = (code) => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;

/** The text with invisible characters removed or made spaces, and what was found (one pass). */
function visible(text) {
  const found = new Map();
  const pieces = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xa0) continue;
    const known = INVISIBLE.get(code);
    if (!known) continue;
    if (i > start) pieces.push(text.slice(start, i));
    if (known[1]) pieces.push(known[1]);
    start = i + 1;
    found.set(code, (found.get(code) || 0) + 1);
  }
  if (found.size === 0) return { text, found };
  pieces.push(text.slice(start));
  return { text: pieces.join(""), found };
}

function invisibleNote(found) {
  if (found.size === 0) return [];
  const names = [...found].map(([code, count]) => `${INVISIBLE.get(code)[0]} (${codePoint(code)})${count > 1 ? ` ×${count}` : ""}`);
  return [{ p: ["Your paste holds characters that do not show: ", names.join(", "), ". PyTorch never prints them in its messages, so they were read as nothing (or as a space for the spaces)."] }];
}

/** A number from a message: its digits (leading zeros dropped), its exact value, and whether it is one. */
function messageNumber(digits) {
  const negative = digits.startsWith("-");
  const cleaned = digits.replace(/^-/, "").replace(/^0+(?=\d)/, "");
  const text = (negative ? "-" : "") + cleaned;
  const big = BigInt(text);
  const value = Number(text);
  return { text, big, value: Number.isSafeInteger(value) ? value : null };
}

const sizeList = (text) => text.split(/[,\s]+/).filter((item) => item !== "").map(messageNumber);

// --- What the traceback establishes ---------------------------------------------------------------

// A frame: `File "path", line N, in name` (Python), `File path:N, in name` (IPython 8), `path in name(...)` (older IPython).
const FRAME = /(?:File\s+"([^"\n]{1,500})",\s*line\s+\d+|File\s+([^\s"][^\n]{0,500}?):\d+,\s*in\s|^\s*([^\s][^\n]{0,500}?\.py)\s+in\s+\S)/gm;

/** The package a file belongs to when it is installed or downloaded code, not the reader's own. */
function installedPackage(path) {
  const match = /(?:site|dist)-packages[\\/]+([A-Za-z0-9_.-]{1,100})/.exec(path);
  if (match) return match[1];
  if (/[\\/]transformers_modules[\\/]|[\\/]\.cache[\\/]huggingface[\\/]/.test(path)) return "the Hugging Face Hub's cache";
  if (/[\\/]\.cache[\\/]torch[\\/]hub[\\/]/.test(path)) return "torch.hub's cache";
  return null;
}

/** The traceback's frames: which file each is in, and the last frame's code, when pasted. */
function readTraceback(text) {
  const frames = [];
  for (const match of text.matchAll(FRAME)) {
    frames.push({ path: match[1] || match[2] || match[3], index: match.index });
  }
  const isTorch = (path) => /[\\/]torch[\\/]/.test(path) && (installedPackage(path) === "torch" || !installedPackage(path));
  const linear = frames.some((frame) => /[\\/]torch[\\/]nn[\\/]modules[\\/]linear\.py/.test(frame.path))
    || /\bF\.linear\(|torch\._C\._nn\.linear\(|\.addmm\(/.test(text);
  const callers = frames.filter((frame) => !isTorch(frame.path));
  const last = callers.length ? callers[callers.length - 1] : null;
  const lastPackage = last ? installedPackage(last.path) : null;
  // The code shown under the last frame (Python prints it on the next line).
  let code = null;
  if (frames.length) {
    const after = text.slice(frames[frames.length - 1].index);
    const lines = after.split("\n", 3);
    if (lines.length > 1) code = lines[1].trim() || null;
  }
  return { frames: frames.length, linear, lastPackage, lastPath: last ? last.path : null, code };
}

const PLAIN_PRODUCT = /torch\.(?:mm|matmul|bmm|addmm|einsum)\(|\.(?:mm|matmul)\(|[\w)\]]\s*@\s*[\w(]/;

// --- Reading the pasted text -----------------------------------------------------------------------

/**
 * Explains a pasted error message. Returns {kind, title, blocks, fix, suggestions, checks}: blocks
 * are paragraphs ({p: parts}), lists ({list: [parts, ...]}) and lines to paste ({fix}); fix is the
 * one line to paste, when there is one. checks are the numbers the answer states, for the tests.
 * Never throws: an internal error is an answer that says so.
 */
export function decodeError(text) {
  try {
    return decode(String(text));
  } catch (error) {
    return {
      kind: "internal-error",
      title: "The decoder could not read this paste",
      blocks: [{ p: ["Something in it stopped the decoder (", String(error && error.message ? error.message : error).slice(0, 200), "). Nothing below is an answer: paste the last line of the traceback alone, the one that starts with ", { code: "RuntimeError:" }, "."] }],
      fix: null, suggestions: [], checks: [],
    };
  }
}

function unknown(title, reasons, note) {
  return {
    kind: "unknown",
    title,
    blocks: [
      ...note,
      ...reasons,
      { p: ["I can explain these messages, wherever they are in what you paste (the whole traceback is fine):"] },
      { list: SUPPORTED_MESSAGES },
      { p: ["Paste the last line of the traceback, the one that starts with ", { code: "RuntimeError:" }, " or ", { code: "ValueError:" }, "."] },
    ],
    fix: null, suggestions: [], checks: [],
  };
}

function decode(raw) {
  if (raw.trim() === "") {
    return { kind: "empty", title: "Paste an error message above", blocks: [{ p: ["The explanation appears here as you type or paste."] }], fix: null, suggestions: [], checks: [] };
  }
  const { text: pasted, found: invisibles } = visible(raw);
  const note = invisibleNote(invisibles);
  // The last recognised message in the text: the error that was finally raised.
  let found = null;
  for (const [kind, pattern] of PATTERNS) {
    pattern.lastIndex = 0;
    for (const match of pasted.matchAll(pattern)) {
      if (!found || match.index >= found.match.index) found = { kind, match };
    }
  }
  if (!found) {
    const reasons = [];
    const started = /mat1 and mat2 shapes|size mismatch, m1|is invalid for input of size|Given (?:groups|transposed)=|expected input\[|Expected input batch_size|Kernel size can't|Output size is too small/i.exec(pasted);
    if (started) reasons.push({ p: ["I see the start of a message I know (", { code: started[0] }, "), but not all of its numbers in the form PyTorch prints them: it may have been cut or retyped. Paste the whole line as PyTorch printed it."] });
    return unknown("I don't know this message", reasons, note);
  }
  const groups = found.match.slice(1);
  const numbers = (found.kind === "channels" ? [groups[1], ...sizeList(groups[2]).map((n) => n.text), ...sizeList(groups[3]).map((n) => n.text), groups[4], groups[5]]
    : found.kind === "view" ? [...sizeList(groups[0].replace(/-/g, "")).map((n) => n.text), groups[1]]
    : found.kind === "kernel" || found.kind === "pool" ? [...sizeList(groups.join(" ").replace(/[x-]/g, " ")).map((n) => n.text)]
    : groups).filter((item) => item !== undefined);
  const absurd = numbers.map(messageNumber).find((number) => number.big > MAX_SIZE);
  if (absurd) {
    return unknown("These numbers are not from PyTorch", [{ p: [`${absurd.text} is larger than any size a PyTorch tensor can have (2^63 − 1 = ${MAX_SIZE}): PyTorch did not print this message as it stands, so I don't explain it. Paste the message exactly as PyTorch printed it.`] }], note);
  }
  if (/\.lua:\d+|luajit|stack traceback:/i.test(pasted)) {
    return unknown("This is Lua Torch, not PyTorch", [{ p: ["The traceback is Lua (", { code: ".lua" }, " files): Torch7, whose layers and messages are not PyTorch's. I don't explain its messages."] }], note);
  }
  const context = readTraceback(pasted.slice(0, found.match.index));
  let result;
  switch (found.kind) {
    case "matmul":
    case "matmul-old":
      result = explainMatmul(groups.map(messageNumber), found.kind === "matmul-old", context);
      break;
    case "matmul-bare":
      result = explainBare(context);
      break;
    case "view":
      result = explainView(groups[0], messageNumber(groups[1]));
      break;
    case "batch":
      result = explainBatch(messageNumber(groups[0]), messageNumber(groups[1]));
      break;
    case "channels":
      result = explainChannels(groups, context);
      break;
    case "kernel":
      result = explainTooSmall(sizeList(groups[0].replace(/x/g, " ")), sizeList(groups[1].replace(/x/g, " ")), "convolution");
      break;
    default:
      result = explainTooSmall(sizeList(groups[0].replace(/x/g, " ")).slice(1), null, "pooling layer", groups[1]);
  }
  result.blocks = [...note, ...result.blocks];
  if (!result.checks) result.checks = [];
  if (!result.suggestions) result.suggestions = [];
  return result;
}

const CALCULATOR = { link: "the shape calculator", href: "../shape-calculator/" };

// --- mat1 and mat2 ----------------------------------------------------------------------------------

// PyTorch's own binaries: libtorch_cpu holds TH's "size mismatch, m1: %s, m2: %s" in 1.6.0 and
// "mat1 and mat2 shapes cannot be multiplied (" from 1.7.0 on; libtorch_cuda holds THC's in 1.5.0,
// and "mat1 dim 1 must match mat2 dim 0" (no numbers) in 1.6.0 to 1.8.0.
const OLD_WORDING = "This is the wording of PyTorch 1.6 and earlier on the CPU (1.5 and earlier on a GPU)";
const FLATTEN = { change: "flatten", code: "x = x.flatten(1)", module: "nn.Flatten()" };
const ADD_BATCH = { change: "input", code: "x = x.unsqueeze(0)" };

/** Where the product happened, as far as the traceback says: nn.Linear, a plain product, or not said. */
function productSource(context) {
  if (context.linear) return "linear";
  if (context.code && PLAIN_PRODUCT.test(context.code)) return "plain";
  return "unknown";
}

/** The branch for a layer inside a downloaded model: do not change it, give it what it takes. */
function pretrainedBlock({ b, c }, context) {
  const lead = context.lastPackage
    ? [`The traceback goes through ${context.lastPackage}, code you installed or downloaded (`, { code: context.lastPath }, "): the layer is probably part of a model you downloaded. "]
    : [{ strong: "If the layer belongs to a model you downloaded" }, " (pretrained weights, from torchvision, transformers, timm…), "];
  const dont = context.lastPackage ? "Do not change" : "do not change";
  return { p: [...lead, `${dont} that layer: its weights were trained for ${c.text} features. Give it what it takes: inputs of the size and kind the model was trained on (image size, number of channels, the model's own preprocessing), or the checkpoint that matches the model's configuration. ${b.text} where ${c.text} is expected usually means one of these differs.`] };
}

function explainMatmul([a, b, c, d], old, context) {
  const numbers = { a: a.text, b: b.text, c: c.text, d: d.text };
  const mat1 = old ? "m1" : "mat1";
  const mat2 = old ? "m2" : "mat2";
  const blocks = [];
  if (old) blocks.push({ p: [OLD_WORDING, "; today the same error reads ", { code: `mat1 and mat2 shapes cannot be multiplied (${a.text}x${b.text} and ${c.text}x${d.text})` }, "."] });
  if (b.text === c.text) {
    blocks.push({ p: [`The inner numbers are equal (${b.text} and ${c.text}), so this product works: check that the message was copied whole.`] });
    return { kind: "matmul", title: "These shapes can be multiplied", blocks, fix: null, suggestions: [], numbers };
  }
  const source = productSource(context);
  if (source === "plain") return explainPlainProduct({ a, b, c, d, blocks, mat1, mat2, numbers, context });
  if (a.big * b.big > MAX_SIZE) {
    return unknown("These numbers are not from PyTorch", [{ p: [`${a.text} × ${b.text} is more numbers than a PyTorch tensor can hold (2^63 − 1): PyTorch did not print this message as it stands.`] }], []);
  }
  if (source === "linear") {
    blocks.push({ p: ["The traceback goes through nn.Linear (", { code: "F.linear" }, `): ${mat2} is that layer's weight, transposed, so the layer was built as `, { code: `nn.Linear(${c.text}, ${d.text})` }, `: it takes ${c.text} features and gives ${d.text}.`] });
  } else {
    blocks.push({ p: [context.frames ? "The traceback pasted does not say what multiplied. " : "The message alone does not say what multiplied. ", `Most often it is an nn.Linear layer: then ${mat2} is its weight, transposed, and the layer was built as `, { code: `nn.Linear(${c.text}, ${d.text})` },
      ". A ", { code: "torch.mm" }, ", ", { code: "torch.matmul" }, " or ", { code: "@" }, ` in your code gives the same message for two plain matrices. Paste the whole traceback and I can tell. What follows assumes an nn.Linear layer.`] });
  }
  // "your" only when the traceback shows the layer called from a file that is not an installed package.
  const linearName = source === "linear" && context.lastPath && !context.lastPackage ? "your nn.Linear layer" : "the layer";
  const total = a.big * b.big;
  const examples = c.big > 0n && total > 0n && total % c.big === 0n ? total / c.big : null;
  const layer = {
    when: `${a.text} is your batch size`, batch: a.text, change: "layer",
    in_features: b.text, out_features: d.text, code: `nn.Linear(${b.text}, ${d.text})`, complete: true,
  };
  const args = { a, b, c, d, layer, blocks, mat1, mat2, numbers, context, linearName };
  if (examples !== null) return explainRows({ ...args, columns: b.big, inFeatures: c.big, examples });
  return explainLayer({ ...args, total });
}

/** A product of two matrices in the code itself (torch.mm, @): no layer is involved. */
function explainPlainProduct({ a, b, c, d, blocks, mat1, mat2, numbers, context }) {
  blocks.push(
    { p: ["The traceback ends in a product written in the code: ", { code: context.code }, `. It multiplies ${mat1}, ${a.text} × ${b.text}, by ${mat2}, ${c.text} × ${d.text}: a product needs ${mat1}'s columns (${b.text}) to equal ${mat2}'s rows (${c.text}). Nothing here says a layer is involved.`] },
    { p: [`For a tensor with more than 2 dimensions, torch.matmul folds all but the last into the rows, so ${a.text} may be a product of several sizes. Print both shapes just before that line to see which one is not what you meant.`] },
  );
  const checks = [];
  const options = [];
  if (b.text === d.text) {
    options.push([`${mat2} transposed: `, { code: `${mat1} @ ${mat2}.T` }, ` is ${a.text} × ${c.text} (both have ${b.text} columns)`]);
    checks.push({ kind: "product", left: [a.text, b.text], right: [d.text, c.text], result: [a.text, c.text] });
  }
  if (a.text === c.text) {
    options.push([`${mat1} transposed: `, { code: `${mat1}.T @ ${mat2}` }, ` is ${b.text} × ${d.text} (both have ${a.text} rows)`]);
    checks.push({ kind: "product", left: [b.text, a.text], right: [c.text, d.text], result: [b.text, d.text] });
  }
  if (options.length) blocks.push({ p: ["If one of them is the other way round, these products work:"] }, { list: options });
  return { kind: "matmul", title: `${mat1} is ${a.text} × ${b.text}, ${mat2} is ${c.text} × ${d.text}: ${b.text} ≠ ${c.text}`, blocks, fix: null, suggestions: [], numbers, checks };
}

function numberList({ a, b, c, d, mat1, mat2 }, rows, columns) {
  return { list: [
    [{ strong: a.text }, ` (rows of ${mat1}): ${rows}`],
    [{ strong: b.text }, ` (columns of ${mat1}): ${columns}`],
    [{ strong: c.text }, ` (rows of ${mat2}): the layer's in_features;`],
    [{ strong: d.text }, ` (columns of ${mat2}): its out_features.`],
  ] };
}

/** The layer branch, as a reader pastes it: replace the layer. */
function layerBlocks({ c, d, layer }, lead) {
  return [
    { p: [...lead, "replace ", { code: `nn.Linear(${c.text}, ${d.text})` }, " with"] },
    { fix: layer.code },
  ];
}

const ROWS = (note) => `the input's rows: its batch size if it is 2-D (batch, features)${note}; for more dimensions, the product of all but the last (batch × tokens for a sequence, batch × channels × height for an unflattened feature map), so not necessarily your batch size;`;

/** A × B is k × C: the numbers fit k examples of the C features the layer takes, reshaped into A rows. */
function explainRows({ a, b, c, d, columns, inFeatures, examples, layer, blocks, mat1, mat2, numbers, context, linearName }) {
  const k = String(examples);
  const one = examples === 1n;
  const product = `${a.text} × ${b.text} = ${one ? "" : `${k} × `}${c.text}`;
  // One example of exactly C numbers (k = 1, A > 1) is hard to get by chance. So is a 4-D batch of
  // square feature maps (C = channels × B × B) whose rows are batch × channels × B.
  const side = columns * columns;
  const squareMaps = !one && columns >= 2n && columns < inFeatures && inFeatures % side === 0n;
  const channels = squareMaps ? String(inFeatures / side) : null;
  const likely = one || squareMaps; // one example in more than one row: A > 1, since B is not C
  const rowsFirst = likely || a.text === "1";
  const rows = [];
  const suggestions = [];
  const checks = [];
  if (one) {
    const unbatched = { ...ADD_BATCH, when: "you passed one example without its batch dimension", batch: "1", complete: true, likely };
    const flat = { ...FLATTEN, when: "your batch size is 1 and nothing flattens it before the layer", batch: "1", in_features: c.text, out_features: d.text, complete: true, likely };
    suggestions.push(unbatched, flat);
    checks.push({ kind: "flatten", rows: a.text, columns: b.text, batch: "1", in_features: c.text, out_features: d.text });
    rows.push(
      { p: [{ strong: "If you passed one example" }, " (one image, say) without its batch dimension, the layer is right: give the example its batch dimension."] },
      { fix: unbatched.code },
      { p: ["Without it, a ", { code: "forward" }, " that flattens with ", { code: "x.view(x.size(0), -1)" }, " takes the first dimension (an image's channels) for the batch."] },
      { p: [{ strong: "If your batch size is 1" }, " and nothing flattens it before the layer, the layer is right too: put ", { code: flat.module }, " in front of it, or write this in ", { code: "forward" }, ":"] },
      { fix: flat.code },
    );
  } else {
    const flat = { ...FLATTEN, when: `your batch size is ${k}`, batch: k, in_features: c.text, out_features: d.text, complete: true, likely };
    suggestions.push(flat);
    checks.push({ kind: "flatten", rows: a.text, columns: b.text, batch: k, in_features: c.text, out_features: d.text });
    const perExample = squareMaps ? [` (${c.text} = ${channels} × ${b.text} × ${b.text}, a ${channels}-channel ${b.text} × ${b.text} feature map)`] : [];
    rows.push(
      { p: [{ strong: `If your batch size is ${k}` }, `, the layer is right: ${k} examples of ${c.text} numbers${perExample.join("")} reached it as ${a.text} row${a.text === "1" ? "" : "s"} of ${b.text}. Flatten so that each example stays one row, in place of what flattens now (`,
        { code: "x.view(-1, …)" }, ", ", { code: "torch.flatten(x)" }, ", ", { code: "nn.Flatten(start_dim=0)" }, ") or where nothing does: put ", { code: flat.module },
        " in front of the layer, or write this in ", { code: "forward" }, ":"] },
      { fix: flat.code },
    );
  }
  const asLayer = context.lastPackage ? [] : layerBlocks({ c, d, layer }, [{ strong: `If ${a.text} is your batch size` }, ` and the layer is yours, ${b.text} features per example reached a layer built for ${c.text}: `]);
  if (!context.lastPackage) checks.push({ kind: "linear", code: layer.code, input: [a.text, b.text] });
  blocks.push(
    { p: [`${product}: the numbers that reached ${linearName} are exactly `, one ? "one example" : `${k} examples`, ` of the ${c.text} features it takes. `,
      likely ? `So ${a.text} is probably not your batch size: the layer is right, and the data reached it in the wrong shape.` : `So ${a.text} may not be your batch size. The numbers fit two stories; your batch size tells which:`] },
    numberList({ a, b, c, d, mat1, mat2 }, `one row per example only if ${a.text} is your batch size;`, "the numbers in each row;"),
  );
  const ordered = rowsFirst ? [...rows, ...asLayer] : [...asLayer, ...rows];
  blocks.push(...ordered, pretrainedBlock({ b, c }, context));
  const layerSuggestion = context.lastPackage ? [] : [{ ...layer, likely: false }];
  const all = rowsFirst ? [...suggestions, ...layerSuggestion] : [...layerSuggestion, ...suggestions];
  return {
    kind: "matmul", title: `Is ${a.text} your batch size? ${product}`, unflattened: !one, blocks,
    fix: null, suggestions: all, examples: k, numbers, checks,
  };
}

// Batch sizes people use, to show the flatten arithmetic for: only those that divide the rows.
const COMMON_BATCHES = [1n, 2n, 4n, 8n, 10n, 16n, 20n, 32n, 50n, 64n, 100n, 128n, 256n];

/** A × B is not a multiple of C: whatever the batch size, whole examples of C numbers cannot have
 * reached the layer, so the layer does not fit this input. Which size it should have depends on
 * what A counts, which the message does not say: each reading is a branch. */
function explainLayer({ a, b, c, d, layer, blocks, mat1, mat2, numbers, context, linearName, total }) {
  const torchsummary = a.text === "2" ? " (torchsummary's summary() runs a dummy batch of 2)" : "";
  const checks = [];
  // Rows that are a multiple of the columns, and fewer columns than the layer takes, are what an
  // unflattened (batch, channels, height, width) map of width B gives: then no branch is the likely one.
  const featureMapRows = b.big >= 2n && a.big % b.big === 0n && a.big / b.big >= 2n && c.big > b.big;
  blocks.push(
    { p: [`${linearName === "your nn.Linear layer" ? "Your nn.Linear layer" : "The layer"} was built for ${c.text} features per row, and rows of ${b.text} arrive. `,
      total > 0n && c.big > 0n
        ? `In all, ${a.text} × ${b.text} = ${total} numbers reached it, not a multiple of ${c.text}: they cannot be whole examples of ${c.text} numbers each, so the layer does not fit this input, whatever the batch size. `
        : `In all, ${a.text} × ${b.text} = ${total} numbers reached it. `,
      "The four numbers:"] },
    numberList({ a, b, c, d, mat1, mat2 }, ROWS(torchsummary), "the size of the input's last dimension;"),
  );
  const suggestions = [];
  if (!context.lastPackage) {
    blocks.push(...layerBlocks({ c, d, layer }, [{ strong: `If ${a.text} is your batch size` }, ` (a 2-D input) and the layer is yours, `]));
    checks.push({ kind: "linear", code: layer.code, input: [a.text, b.text] });
    suggestions.push({ ...layer, likely: !featureMapRows });
    // A sequence (batch, tokens, features): a Linear layer acts on the last dimension, and keeps the others.
    blocks.push({ p: [{ strong: "If the input is a sequence" }, ` (batch, tokens, ${b.text}) and the layer is yours, the same line is the fix: a Linear layer acts on the last dimension, and ${a.text} is batch × tokens.`] });
  }
  const batches = context.lastPackage || total === 0n ? [] : COMMON_BATCHES.filter((batch) => a.big % batch === 0n).slice(0, 6);
  const flats = batches.map((batch) => {
    const features = String(total / batch);
    const flat = { ...FLATTEN, when: `your batch size is ${batch} and the input is not flattened`, batch: String(batch), in_features: features, out_features: d.text, complete: true, likely: false, layer: `nn.Linear(${features}, ${d.text})` };
    suggestions.push(flat);
    checks.push({ kind: "flatten", rows: a.text, columns: b.text, batch: String(batch), in_features: features, out_features: d.text });
    return [`with a batch of ${batch}: ${total} ÷ ${batch} = `, { strong: features }, " numbers per example, so ", { code: flat.layer }];
  });
  if (!context.lastPackage) blocks.push({ p: [{ strong: "If the input was not flattened" }, ` (a feature map (batch, channels, height, width) reaching the layer: a Linear layer multiplies only the last dimension), flatten it first with `, { code: FLATTEN.code },
    ` or `, { code: FLATTEN.module }, `; each example then brings ${total} ÷ your batch size numbers, and the layer must take that many${flats.length ? ":" : "."}`] });
  if (flats.length) blocks.push({ list: flats });
  if (!context.lastPackage) blocks.push({ p: ["Or let PyTorch count them: ", { code: `nn.LazyLinear(${d.text})` }, " takes its in_features from the first batch. ", CALCULATOR, " shows the size for your model, layer by layer."] });
  blocks.push(pretrainedBlock({ b, c }, context));
  const one = { ...ADD_BATCH, when: `${a.text} is not your batch size: you passed one example without its batch dimension`, batch: "1", complete: false, likely: false };
  suggestions.push(one);
  const fix = context.lastPackage || featureMapRows ? null : layer.code;
  return {
    kind: "matmul", title: `The layer takes ${c.text} features per row and got ${b.text}`, blocks, fix, suggestions, numbers, checks,
  };
}

function explainBare(context) {
  const blocks = [
    { p: ["This is the same error as ", { code: "mat1 and mat2 shapes cannot be multiplied" }, ", in the words of PyTorch 1.6 to 1.8 on a GPU: it gives no sizes, so I cannot tell you any. A matrix product (an nn.Linear layer, or ", { code: "torch.mm" }, " / ", { code: "@" }, ") got a first matrix whose columns are not the second one's rows."] },
    { p: ["To get the numbers, run the same code on the CPU (its message gives them), or with PyTorch 1.9 or later, where it reads ", { code: "mat1 and mat2 shapes cannot be multiplied (AxB and CxD)" }, "; this page explains both. Or print the shape of the input just before the line the traceback ends in."] },
  ];
  if (context.linear) blocks.push({ p: ["The traceback goes through nn.Linear: print ", { code: "x.shape" }, " just before that layer and compare its last number with the layer's in_features."] });
  return { kind: "matmul-bare", title: "A matrix product whose sizes do not match (no numbers given)", blocks, fix: null };
}

// --- view and reshape -------------------------------------------------------------------------------

function explainView(shapeText, size) {
  const items = shapeText.split(",").map((item) => item.trim()).filter((item) => item !== "");
  const inferred = items.filter((item) => item === "-1").length;
  const bad = items.some((item) => !/^(-1|\d{1,40})$/.test(item));
  if (inferred > 1 || bad) {
    return unknown("I can't read this shape", [{ p: [`PyTorch prints this message for a shape of whole sizes with at most one -1; [${shapeText}] is not one (with two or more -1, PyTorch says "only one dimension can be inferred" instead). Paste the message as PyTorch printed it.`] }], []);
  }
  const shape = items.map((item) => (item === "-1" ? "-1" : messageNumber(item).text));
  const fixed = shape.filter((item) => item !== "-1").map(messageNumber);
  const product = fixed.reduce((total, item) => total * item.big, 1n);
  const shown = `[${shape.join(", ")}]`;
  const blocks = [];
  const checks = [{ kind: "view", shape, size: size.text }];
  const productText = fixed.length > 1 ? `${fixed.map((item) => item.text).join(" × ")} = ${product}` : String(product);
  if (inferred === 0) {
    blocks.push({ p: [`A view or reshape to ${shown} asks for ${productText} element${product === 1n ? "" : "s"}, and the tensor has ${size.text}. A reshape never changes the number of elements, so the two must be equal.`] });
  } else if (product === 0n) {
    blocks.push({ p: [`A view or reshape to ${shown}: its other sizes multiply to 0, so no number can stand for the -1 in a tensor of ${size.text} elements.`] });
  } else {
    const q = size.big / product;
    const r = size.big % product;
    blocks.push({ p: [`A view or reshape to ${shown}: the sizes other than -1 multiply to ${productText}, and -1 must stand for ${size.text} ÷ ${product}, a whole number only when ${size.text} is a multiple of ${product}. It is not: ${size.text} = ${q} × ${product} + ${r}.`] });
  }
  blocks.push({ p: ["The message does not say which number is wrong: the tensor's size or a size in the shape. Print ", { code: "x.shape" }, " just before that line."] });
  // With no -1: the shapes that fit with one size changed (exact arithmetic; torch accepts each).
  if (inferred === 0 && size.big > 0n) {
    const fits = [];
    shape.forEach((item, index) => {
      const others = shape.reduce((total, other, j) => (j === index ? total : total * BigInt(other)), 1n);
      if (others > 0n && size.big % others === 0n) fits.push(shape.map((other, j) => (j === index ? String(size.big / others) : other)));
    });
    if (fits.length) {
      blocks.push({ p: [`Shapes that fit ${size.text} elements with one size changed (one of them may be what you meant, or none):`] }, { list: fits.slice(0, 6).map((fit) => [{ code: `[${fit.join(", ")}]` }]) });
      for (const fit of fits.slice(0, 6)) checks.push({ kind: "view-fits", shape: fit, size: size.text });
    }
  }
  const rowLength = shape.length === 2 && shape[0] === "-1" ? shape[1] : null;
  if (rowLength) {
    blocks.push({ p: [{ strong: "If this line flattens a batch before a layer" }, " (like ", { code: `x.view(-1, ${rowLength})` }, ` in front of an nn.Linear): the -1 in the first place does not keep the batch. When an example holds more or fewer than ${rowLength} numbers, the rows cut across examples: with some batch sizes this raises this error; with others it runs and gives the wrong number of rows (the loss then complains that the batch sizes do not match). Keep the batch, and build the next layer for the numbers per example:`] },
      { fix: "x = x.view(x.size(0), -1)" },
      { p: [CALCULATOR, " gives the number per example for your model."] });
  }
  const title = inferred ? `${shown} does not fit ${size.text} elements` : `${shown} holds ${product} element${product === 1n ? "" : "s"}, not ${size.text}`;
  return { kind: "view", title, blocks, fix: null, checks };
}

// --- The loss ---------------------------------------------------------------------------------------

function explainBatch(input, target) {
  const blocks = [
    { p: ["This one comes from the loss (", { code: "nn.CrossEntropyLoss" }, " or ", { code: "F.cross_entropy" }, ", say), not from a layer: it got ", { strong: input.text }, " rows of predictions (input) and ", { strong: target.text }, " targets. They must be equal: one target per row of predictions."] },
  ];
  if (input.text === target.text) {
    blocks.push({ p: ["The two numbers are equal here, so this call cannot have raised it: check that the message was copied whole."] });
    return { kind: "batch", title: "These batch sizes match", blocks, fix: null };
  }
  const [bigger, smaller, biggerName, smallerName] = input.big > target.big ? [input, target, "predictions", "targets"] : [target, input, "targets", "predictions"];
  const ratio = smaller.big > 0n && bigger.big % smaller.big === 0n ? bigger.big / smaller.big : null;
  blocks.push({ p: ["Print the shapes of both just before the loss. Which one is wrong, the message does not say; the usual causes:"] });
  blocks.push({ list: [
    ["a reshape in ", { code: "forward" }, " that does not keep the batch, like ", { code: "x = x.view(-1, 1050)" }, ": it cuts the data into rows of a fixed length across examples, and so gives more or fewer rows than examples. Keep the batch with ", { code: "x = x.view(x.size(0), -1)" }, " and fix the layer after it (you will then get ", { code: "mat1 and mat2 shapes cannot be multiplied (…)" }, ", which this page explains);"],
    ["predictions of a sequence or an image, (batch, tokens, classes) or (batch, classes, height, width), flattened on one side and not on the other;"],
    ["targets and inputs taken from different batches, or a last batch of another size."],
  ] });
  if (ratio !== null) blocks.push({ p: [`${bigger.text} = ${ratio} × ${smaller.text}: ${ratio} ${biggerName} per ${smallerName.slice(0, -1)}, which fits one of the flattenings above.`] });
  return { kind: "batch", title: `${input.text} rows of predictions for ${target.text} targets`, blocks, fix: null };
}

// --- Convolutions -----------------------------------------------------------------------------------

const LAYOUTS = {
  1: ["batch", "channels", "length"],
  2: ["batch", "channels", "height", "width"],
  3: ["batch", "channels", "depth", "height", "width"],
};
const PERMUTE = { 1: "x = x.permute(0, 2, 1)", 2: "x = x.permute(0, 3, 1, 2)", 3: "x = x.permute(0, 4, 1, 2, 3)" };

function explainChannels([which, setting, weightText, inputText, expectedText, gotText], context) {
  const transposed = which.toLowerCase() === "transposed";
  const weight = sizeList(weightText);
  const input = sizeList(inputText);
  const expected = messageNumber(expectedText);
  const got = messageNumber(gotText);
  const dims = weight.length - 2;
  const groups = transposed ? null : messageNumber(setting);
  const cannot = (why) => unknown("I can't read this convolution's message", [{ p: [why] }], []);
  if (!LAYOUTS[dims]) return cannot(`A convolution's weight has 3, 4 or 5 sizes (Conv1d, Conv2d, Conv3d); this one has ${weight.length}: [${weight.map((n) => n.text).join(", ")}].`);
  if (input.length !== weight.length) return cannot(`The weight [${weight.map((n) => n.text).join(", ")}] is a Conv${dims}d's, whose input has ${weight.length} sizes; input[${input.map((n) => n.text).join(", ")}] has ${input.length}. PyTorch does not print that combination here.`);
  if (input[1].text !== got.text) return cannot(`PyTorch's "but got" number is the input's second size; here it is ${got.text} and the input's second size is ${input[1].text}.`);
  // in_channels: weight's second size × groups (a transposed convolution's weight starts with it).
  const inChannels = transposed ? weight[0].big : weight[1].big * groups.big;
  if (String(inChannels) !== expected.text) return cannot(`For this weight, PyTorch expects ${inChannels} channels${transposed ? "" : ` (${weight[1].text} × groups=${groups.text})`}, not ${expected.text}: the numbers do not come from one message.`);
  const layout = LAYOUTS[dims];
  const name = `${transposed ? "ConvTranspose" : "Conv"}${dims}d`;
  const kernel = weight.slice(2).map((n) => n.text);
  const kernelText = kernel.every((k) => k === kernel[0]) ? kernel[0] : `(${kernel.join(", ")})`;
  const out = transposed ? null : weight[0].text;
  const shape = `[${input.map((n) => n.text).join(", ")}]`;
  const blocks = [];
  const checks = [];
  const suggestions = [];
  blocks.push({ p: [`The weight has ${weight.length} sizes, so this is an nn.${name}`, transposed ? "" : ` built with in_channels=${expected.text}${groups.text === "1" ? "" : ` (the weight's ${weight[1].text} × groups=${groups.text})`}, out_channels=${out}`, `, kernel_size=${kernelText}`, transposed ? ` (a transposed convolution's weight is [in_channels, out_channels ÷ groups, kernel…]: in_channels=${expected.text})` : "", `. It reads its input as (${layout.join(", ")}): the input ${shape} has `, { strong: got.text }, ` in the channels place, where the layer takes `, { strong: expected.text }, "."] });
  if (input[0].text === "1") blocks.push({ p: [`The first size, 1, is a batch of one, or PyTorch's own: given one example without a batch dimension (${layout.slice(1).join(", ")}), it adds a batch of 1 before this check.`] });
  const last = input[input.length - 1];
  // Channels-last: the layer's channels are the input's last size, and not also the size before it
  // (a square map as wide as the channels, [2, 4, 16, 16] for 16 channels, is no sign of it).
  const channelsLast = last.text === expected.text && got.text !== expected.text && input[input.length - 2].text !== expected.text;
  if (!channelsLast && last.text === expected.text && got.text !== expected.text) {
    blocks.push({ p: [{ strong: "If your input is channels-last" }, ` (channels at the end: ${["batch", ...layout.slice(2), "channels"].join(", ")}), move them second with `, { code: PERMUTE[dims] }, `; its last size, ${last.text}, is the channels the layer takes, but so is the size before it, so the message alone does not tell.`] });
  }
  if (channelsLast) {
    const perm = PERMUTE[dims];
    blocks.push({ p: [{ strong: "Your input looks channels-last" }, `: its last size is ${last.text}, the channels the layer takes. Images from PIL, NumPy, OpenCV or TensorFlow come as (${["batch", ...layout.slice(2), "channels"].join(", ")}); PyTorch wants the channels second. Move them:`] }, { fix: perm });
    suggestions.push({ change: "permute", code: perm, likely: true });
    checks.push({ kind: "permute", code: perm, input: input.map((n) => n.text), layer: layerCode(name, expected.text, transposed ? weight[1].text : out, kernelText, transposed ? "1" : groups.text, transposed) });
  }
  if (!channelsLast) {
    const lead = [{ strong: "If the data is right and the layer is yours" }, `, build the layer for ${got.text} channels`];
    const groupText = transposed ? "1" : groups.text;
    const g = BigInt(groupText);
    if (got.big % g === 0n && (transposed || weight[0].big % g === 0n) && got.big > 0n) {
      const code = transposed
        ? `nn.ConvTranspose${dims}d(${got.text}, ${weight[1].text}, kernel_size=${kernelText})`
        : `nn.Conv${dims}d(${got.text}, ${out}, kernel_size=${kernelText}${groupText === "1" ? "" : `, groups=${groupText}`})`;
      blocks.push({ p: [...lead, transposed ? " (the message does not give groups: this line keeps out_channels as the weight's second size, right for groups=1; stride, padding and the rest as they are):" : " (and its stride, padding and the rest as they are):"] }, { fix: code });
      suggestions.push({ change: "layer", code, likely: false });
      checks.push({ kind: "conv", code, input: input.map((n) => n.text) });
    } else {
      blocks.push({ p: [...lead, `: but with groups=${groupText}, in_channels must be a multiple of ${groupText}, and ${got.text} is not, so torch refuses that layer. Change groups too, or bring the data to ${expected.text} channels.`] });
    }
    blocks.push({ p: [{ strong: `If ${expected.text} channels is right` }, `, the data is not: the layer before this one gives ${got.text} channels (its out_channels), or the data has ${got.text} (a grayscale image has 1 channel, a colour one 3, RGBA 4).`] });
  }
  if (context.lastPackage) {
    blocks.push({ p: [`The traceback goes through ${context.lastPackage}, code you installed or downloaded (`, { code: context.lastPath }, `): the layer is probably part of a model you downloaded. Do not change that layer: its weights were trained for ${expected.text} channels. Give the model input with ${expected.text} channels, laid out as it expects.`] });
  } else {
    blocks.push({ p: [{ strong: "If the layer belongs to a model you downloaded" }, ` (pretrained weights), do not change it: its weights were trained for ${expected.text} channels. Give it input with ${expected.text} channels, laid out as it expects.`] });
  }
  blocks.push({ p: ["To check every layer's channels, paste your model into ", CALCULATOR, "."] });
  return { kind: "channels", title: `The ${name} takes ${expected.text} channels and got ${got.text}`, blocks, fix: null, suggestions, checks };
}

function layerCode(name, inChannels, outChannels, kernelText, groups, transposed) {
  return `nn.${name}(${inChannels}, ${outChannels}, kernel_size=${kernelText}${!transposed && groups !== "1" ? `, groups=${groups}` : ""})`;
}

// --- Feature maps too small -------------------------------------------------------------------------

function explainTooSmall(size, kernel, layer, outputText) {
  const sizeText = size.map((n) => n.text).join(" × ");
  const blocks = [];
  if (kernel) {
    blocks.push({ p: [`A ${size.length}-D convolution's input, padding included, is ${sizeText} per channel, smaller than its ${kernel.map((n) => n.text).join(" × ")} kernel: the kernel does not fit once.`] });
  } else {
    blocks.push({ p: [`A ${layer} got a ${sizeText} input per channel, and its output would be (${outputText.replace(/\s+/g, "")}) (channels first): a size under 1, so there is no output.`] });
  }
  blocks.push({ p: ["Either the input is smaller than the model was written for (check the size you pass in), or the layers before this one shrink it too far (each convolution without padding and each pooling makes it smaller). Use the input size the model expects, add padding, or remove a pooling layer. ", CALCULATOR, " shows the size after every layer, and which one runs out of room."] });
  return { kind: "too-small", title: `The feature map is ${sizeText}: too small for the ${layer}`, blocks, fix: null };
}
