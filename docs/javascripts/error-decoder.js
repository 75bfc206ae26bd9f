/* Shape Matters: the error decoder's reading of a pasted message.
 *
 * decodeError() finds the last message it knows in the pasted text (a whole traceback is fine),
 * and returns its numbers, named, with the fix. No DOM: explanations are "parts" (strings, {code},
 * {strong}, {link, href}) that the page turns into text nodes, so nothing pasted becomes markup.
 * Numbers are kept as the digits that were pasted; arithmetic is done only when exact.
 */

import { layoutText, squareLayouts } from "./shapes.js";

/** What the decoder knows, as a list of parts to show the reader. */
export const SUPPORTED_MESSAGES = [
  [{ code: "mat1 and mat2 shapes cannot be multiplied (AxB and CxD)" }],
  [{ code: "size mismatch, m1: [A x B], m2: [C x D]" }, " (the same error in older PyTorch versions)"],
  [{ code: "shape '[-1, N]' is invalid for input of size M" }, " (the view trap)"],
  [{ code: "Expected input batch_size (A) to match target batch_size (B)" }, " (from the loss)"],
  [{ code: "Given groups=1, weight of size […], expected input[…] to have C channels, but got D channels instead" }],
  [{ code: "Calculated padded input size per channel: (…). Kernel size: (…). Kernel size can't be greater than actual input size" }],
  [{ code: "Given input size: (…). Calculated output size: (…). Output size is too small" }],
];

const NUMBER = "(\\d{1,40})";
const TIMES = "\\s*[x×X*]\\s*";
const PATTERNS = [
  ["matmul", new RegExp(`mat1 and mat2 shapes cannot be multiplied\\s*\\(\\s*${NUMBER}${TIMES}${NUMBER}\\s+and\\s+${NUMBER}${TIMES}${NUMBER}\\s*\\)`, "gi")],
  ["matmul-old", new RegExp(`size mismatch,?\\s*m1:\\s*\\[\\s*${NUMBER}${TIMES}${NUMBER}\\s*\\],?\\s*m2:\\s*\\[\\s*${NUMBER}${TIMES}${NUMBER}\\s*\\]`, "gi")],
  ["view", new RegExp(`shape\\s*'\\[([-\\d,\\s]{1,200})\\]'\\s*is invalid for input of size\\s*${NUMBER}`, "gi")],
  ["batch", new RegExp(`Expected input batch_size\\s*\\(\\s*${NUMBER}\\s*\\)\\s*to match target batch_size\\s*\\(\\s*${NUMBER}\\s*\\)`, "gi")],
  ["channels", new RegExp(`Given groups=${NUMBER}, weight of size \\[([\\d,\\s]{1,200})\\], expected input\\[([\\d,\\s]{1,200})\\] to have ${NUMBER} channels, but got ${NUMBER} channels instead`, "gi")],
  ["kernel", new RegExp(`Calculated padded input size per channel:\\s*\\(${NUMBER} x ${NUMBER}\\)\\.\\s*Kernel size:\\s*\\(${NUMBER} x ${NUMBER}\\)`, "gi")],
  ["pool", new RegExp(`Given input size:\\s*\\(${NUMBER}x${NUMBER}x${NUMBER}\\)\\.\\s*Calculated output size:\\s*\\(${NUMBER}x(-?\\d{1,40})x(-?\\d{1,40})\\)\\.\\s*Output size is too small`, "gi")],
];

/** A number from a message: its digits (leading zeros dropped) and, when exact, its value. */
function messageNumber(digits) {
  const negative = digits.startsWith("-");
  const cleaned = digits.replace(/^-/, "").replace(/^0+(?=\d)/, "");
  const text = (negative ? "-" : "") + cleaned;
  const value = Number(text);
  return { text, value: Number.isSafeInteger(value) ? value : null };
}

/**
 * Explains a pasted error message. Returns {kind, title, blocks, fix}: blocks are paragraphs
 * ({p: parts}) and lists ({list: [parts, ...]}); fix is the line to paste, when there is one.
 */
export function decodeError(text) {
  const pasted = String(text).slice(-200000);
  if (pasted.trim() === "") {
    return { kind: "empty", title: "Paste an error message above", blocks: [{ p: ["The explanation appears here as you type or paste."] }] };
  }
  // The last recognised message in the text: the error that was finally raised.
  let found = null;
  for (const [kind, pattern] of PATTERNS) {
    pattern.lastIndex = 0;
    for (const match of pasted.matchAll(pattern)) {
      if (!found || match.index >= found.match.index) found = { kind, match };
    }
  }
  if (!found) {
    return {
      kind: "unknown",
      title: "No message I know in this text, yet",
      blocks: [
        { p: ["I can explain these messages, wherever they are in what you paste (the whole traceback is fine):"] },
        { list: SUPPORTED_MESSAGES },
        { p: ["Paste the last line of the traceback, the one that starts with ", { code: "RuntimeError:" }, " or ", { code: "ValueError:" }, "."] },
      ],
    };
  }
  const groups = found.match.slice(1);
  switch (found.kind) {
    case "matmul":
    case "matmul-old":
      return explainMatmul(groups.map(messageNumber), found.kind === "matmul-old");
    case "view":
      return explainView(groups[0], messageNumber(groups[1]));
    case "batch":
      return explainBatch(messageNumber(groups[0]), messageNumber(groups[1]));
    case "channels":
      return explainChannels(groups);
    case "kernel":
      return explainTooSmall(`${messageNumber(groups[0]).text} × ${messageNumber(groups[1]).text}`, `${messageNumber(groups[2]).text} × ${messageNumber(groups[3]).text} kernel`, "convolution");
    default:
      return explainTooSmall(`${messageNumber(groups[1]).text} × ${messageNumber(groups[2]).text}`, "pooling window", "pooling layer");
  }
}

const CALCULATOR = { link: "the shape calculator", href: "../shape-calculator/" };

/**
 * mat1 is A × B (what reached the layer), mat2 is C × D (the layer's weight, transposed). The rule
 * "the layer should be nn.Linear(B, D)" holds only if A is the batch size, so first weigh that:
 * A × B numbers arrived; if each example really has the C numbers the layer takes, A × B is a
 * multiple of C, and A × B ÷ C is the real batch. Every story the numbers allow is given as a
 * suggestion with the batch size it assumes, so that a reader (and the tests) can pick the true one.
 */
function explainMatmul([a, b, c, d], old) {
  const numbers = { a: a.text, b: b.text, c: c.text, d: d.text };
  const mat1 = old ? "m1" : "mat1";
  const mat2 = old ? "m2" : "mat2";
  const blocks = [];
  if (old) blocks.push({ p: [OLD_WORDING, "; today the same error reads ", { code: `mat1 and mat2 shapes cannot be multiplied (${a.text}x${b.text} and ${c.text}x${d.text})` }, "."] });
  if (b.text === c.text) {
    blocks.push({ p: [`The inner numbers are equal (${b.text} and ${c.text}), so this product works: check that the message was copied whole.`] });
    return { kind: "matmul", title: "These shapes can be multiplied", blocks, fix: null, suggestions: [], numbers };
  }
  // Exact whatever the size of the numbers: BigInt arithmetic on the digits as pasted.
  const [rows, columns, inFeatures] = [a, b, c].map((number) => BigInt(number.text));
  const total = rows * columns;
  const examples = inFeatures > 0n && total > 0n && total % inFeatures === 0n ? total / inFeatures : null;
  const known = [a, b, c, d].every((number) => number.value !== null && number.value >= 1);
  const layer = {
    when: `${a.text} is your batch size`, batch: a.text, change: "layer",
    in_features: b.text, out_features: d.text, code: `nn.Linear(${b.text}, ${d.text})`, complete: true,
  };
  if (examples !== null) return explainRows({ a, b, c, d, columns, inFeatures, examples, layer, blocks, mat1, mat2, numbers });
  const squareMap = known && Number.isSafeInteger(a.value * b.value) && b.value <= 128 && a.value % b.value === 0 && a.value / b.value >= 2 && c.value > b.value;
  if (squareMap) return explainUnflattened({ a, b, c, d, layer, blocks, mat1, mat2, numbers });
  // Since examples is null, a positive total is not a multiple of C.
  const notMultiple = inFeatures > 0n && total > 0n ? String(total) : null;
  return explainLayer({ a, b, c, d, layer, blocks, mat1, mat2, numbers, notMultiple });
}

// PyTorch's own binaries: libtorch_cpu holds TH's "size mismatch, m1: %s, m2: %s" in 1.6.0 and
// "mat1 and mat2 shapes cannot be multiplied (" from 1.7.0 on; libtorch_cuda holds THC's in 1.5.0,
// and "mat1 dim 1 must match mat2 dim 0" (no numbers) in 1.6.0 to 1.8.0.
const OLD_WORDING = "This is the wording of PyTorch 1.6 and earlier on the CPU (1.5 and earlier on a GPU)";
const FLATTEN = { change: "flatten", code: "x = x.flatten(1)", module: "nn.Flatten()" };
const ADD_BATCH = { change: "input", code: "x = x.unsqueeze(0)" };

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

/** A × B is k × C: the numbers fit k examples of the C features the layer takes, reshaped into A rows. */
function explainRows({ a, b, c, d, columns, inFeatures, examples, layer, blocks, mat1, mat2, numbers }) {
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
  if (one) {
    const unbatched = { ...ADD_BATCH, when: "you passed one example without its batch dimension", batch: "1", complete: true, likely };
    const flat = { ...FLATTEN, when: "your batch size is 1 and nothing flattens it before the layer", batch: "1", in_features: c.text, out_features: d.text, complete: true, likely };
    suggestions.push(unbatched, flat);
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
    const perExample = squareMaps ? [` (${c.text} = ${channels} × ${b.text} × ${b.text}, a ${channels}-channel ${b.text} × ${b.text} feature map)`] : [];
    rows.push(
      { p: [{ strong: `If your batch size is ${k}` }, `, the layer is right: ${k} examples of ${c.text} numbers${perExample.join("")} reached it as ${a.text} row${a.text === "1" ? "" : "s"} of ${b.text}. Flatten so that each example stays one row, in place of what flattens now (`,
        { code: "x.view(-1, …)" }, ", ", { code: "torch.flatten(x)" }, ", ", { code: "nn.Flatten(start_dim=0)" }, ") or where nothing does: put ", { code: flat.module },
        " in front of the layer, or write this in ", { code: "forward" }, ":"] },
      { fix: flat.code },
    );
  }
  const asLayer = layerBlocks({ c, d, layer }, [{ strong: `If ${a.text} is your batch size` }, `, ${b.text} features per example reached a layer built for ${c.text}: `]);
  blocks.push(
    { p: [`${product}: the numbers that reached your nn.Linear layer are exactly `, one ? "one example" : `${k} examples`, ` of the ${c.text} features it takes. `,
      likely ? `So ${a.text} is probably not your batch size: the layer is right, and the data reached it in the wrong shape.` : `So ${a.text} may not be your batch size. The numbers fit two stories; your batch size tells which:`] },
    numberList({ a, b, c, d, mat1, mat2 }, `one row per example only if ${a.text} is your batch size;`, "the numbers in each row;"),
  );
  const ordered = rowsFirst ? [...rows, ...asLayer] : [...asLayer, ...rows];
  blocks.push(...ordered);
  const all = rowsFirst ? [...suggestions, { ...layer, likely: false }] : [{ ...layer, likely: false }, ...suggestions];
  return {
    kind: "matmul", title: `Is ${a.text} your batch size? ${product}`, unflattened: !one, blocks,
    fix: null, suggestions: all, examples: k, numbers,
  };
}

/** The rows look like a 4-D batch of square feature maps (A = batch × channels × B), but A × B is not
 * a multiple of C: the layer is wrong as well, and its in_features depends on the batch size. */
function explainUnflattened({ a, b, c, d, layer, blocks, mat1, mat2, numbers }) {
  const perBatch = a.value * b.value;
  const suggestions = [];
  const examples = [1, 2, 4, 8, 16, 32, 64].filter((batch) => (a.value / b.value) % batch === 0).slice(0, 4).map((batch) => {
    const features = perBatch / batch;
    const channels = a.value / b.value / batch;
    const flat = { ...FLATTEN, when: `your batch size is ${batch}`, batch: String(batch), in_features: String(features), out_features: d.text, complete: true, likely: false, layer: `nn.Linear(${features}, ${d.text})` };
    suggestions.push(flat);
    return [`with a batch of ${batch}: `, { strong: `${features} = ${channels} × ${b.value} × ${b.value}` }, " features per example, so ", { code: flat.layer }];
  });
  suggestions.push({ ...layer, when: `${a.text} is your batch size (a flat table of ${a.text} rows)`, likely: false });
  blocks.push(
    { p: [`These numbers look like a 4-D tensor (batch, channels, height, width) that reached your nn.Linear layer without being flattened: a Linear layer multiplies only the last dimension, so ${b.text}, the width of the feature map, ends up as the “features”:`] },
    { list: [
      [{ strong: a.text }, ` (rows of ${mat1}) = batch × channels × height, all stacked as rows;`],
      [{ strong: b.text }, ` (columns of ${mat1}) = the width of the last feature map;`],
      [{ strong: c.text }, ` (rows of ${mat2}) = the layer's in_features;`],
      [{ strong: d.text }, ` (columns of ${mat2}) = its out_features.`],
    ] },
    { p: ["Flatten before the layer: put ", { code: "nn.Flatten()" }, " in front of it (or ", { code: "x = torch.flatten(x, 1)" }, " in forward). Then each example brings ",
      `${a.text} × ${b.text} ÷ batch size features, and the layer must take that many; if the height equals the width:`] },
    { list: examples },
    { p: ["Or let PyTorch count them: ", { code: `nn.LazyLinear(${d.text})` }, ". If your input really is a flat table of ", `${a.text} rows and ${b.text} columns (${a.text} is your batch size), the fix is `, { code: layer.code }, "."] },
  );
  // No single line to paste: in_features depends on the batch size, which the message hides.
  return { kind: "matmul", title: "A 4-D tensor reached nn.Linear?", unflattened: true, blocks, fix: null, suggestions, numbers };
}

/** A × B is not a multiple of C: the examples do not hold C numbers each, so the layer is wrong for
 * them. A is the batch size unless the data reached the layer in another shape as well. */
function explainLayer({ a, b, c, d, layer, blocks, mat1, mat2, numbers, notMultiple }) {
  const torchsummary = a.text === "2" ? " (torchsummary's summary() runs a dummy batch of 2)" : "";
  blocks.push(
    { p: [`Your nn.Linear layer was built for ${c.text} features per example, and ${b.text} arrive. `,
      notMultiple ? `In all, ${a.text} × ${b.text} = ${notMultiple} numbers reached it, not a multiple of ${c.text}: they cannot be whole examples of ${c.text} numbers each, so the layer does not fit your data. ` : "",
      "The four numbers:"] },
    numberList({ a, b, c, d, mat1, mat2 }, `one row per example, so it should be your batch size${torchsummary};`, "the features per example that reached the layer;"),
    ...layerBlocks({ c, d, layer }, ["Change the layer, not the data: the layer's first number becomes the message's second. If ", { strong: `${a.text} is your batch size` }, ", "]),
  );
  const layouts = squareLayouts(b.value === null ? NaN : b.value);
  if (layouts.length) {
    const [best, ...others] = layouts;
    const parts = [`${b.text} = `, { strong: layoutText(best) }, `: it could be ${best.channels} channel${best.channels === 1 ? "" : "s"} of ${best.side} × ${best.side} from the last convolution or pooling layer`];
    if (others.length) parts.push(` (or ${others.map(layoutText).join(", or ")})`);
    parts.push(". To see it layer by layer, paste your model into ", CALCULATOR, ".");
    blocks.push({ p: parts });
  } else {
    blocks.push({ p: ["To see where it comes from, paste your model into ", CALCULATOR, "."] });
  }
  const one = { ...ADD_BATCH, when: `${a.text} is not your batch size: you passed one example without its batch dimension`, batch: "1", complete: false, likely: false };
  const flat = { ...FLATTEN, when: `${a.text} is not your batch size: nothing flattens the examples before the layer`, batch: null, complete: false, likely: false };
  blocks.push(
    { p: [{ strong: `If ${a.text} is not your batch size` }, ", fix the data first, then run again and paste the new message: one example without its batch dimension needs ",
      { code: one.code }, "; a tensor that was not flattened needs ", { code: flat.module }, " before the layer (or ", { code: flat.code }, ")."] },
    { p: ["Never type the number again: ", { code: `nn.LazyLinear(${d.text})` }, " counts it on the first batch."] },
  );
  return {
    kind: "matmul", title: `nn.Linear expected ${c.text} features and got ${b.text}`, blocks, fix: layer.code,
    suggestions: [{ ...layer, likely: true }, one, flat], numbers, layouts,
  };
}

function explainView(shapeText, size) {
  const items = shapeText.split(",").map((item) => item.trim()).filter((item) => item !== "").map(messageNumber);
  const fixed = items.filter((item) => item.text !== "-1");
  const product = fixed.every((item) => item.value !== null) ? fixed.reduce((total, item) => total * item.value, 1) : null;
  const blocks = [];
  const rowLength = items.length === 2 && items[0].text === "-1" ? items[1] : null;
  if (rowLength) {
    const remainder = size.value !== null && rowLength.value ? size.value % rowLength.value : null;
    blocks.push({ p: [
      { code: `view(-1, ${rowLength.text})` }, ` asks for rows of ${rowLength.text} numbers, and lets PyTorch choose how many rows. The tensor holds ${size.text} numbers`,
      remainder !== null && remainder !== 0 ? `, which is not a multiple of ${rowLength.text} (${size.text} = ${Math.floor(size.value / rowLength.value)} × ${rowLength.text} + ${remainder}).` : ".",
    ] });
    blocks.push({ p: [
      `${size.text} is the batch size × the numbers per example. The −1 in the first place does not keep the batch: when an example holds more or fewer than ${rowLength.text} numbers, the rows cut across examples. `,
      "With some batch sizes this raises the error; with others it runs and silently gives you the wrong number of predictions (the loss then complains that the batch sizes do not match).",
    ] });
  } else {
    blocks.push({ p: [`The shape [${items.map((item) => item.text).join(", ")}] ${items.some((item) => item.text === "-1") ? `needs a number of elements divisible by ${product === null ? "the product of its other sizes" : product}` : `holds ${product === null ? "a different number of" : product} elements`}, and the tensor has ${size.text}.`] });
  }
  blocks.push({ p: ["Keep the batch dimension and let the layer match the data:"] }, { fix: "x = x.view(x.size(0), -1)" });
  const candidates = [];
  if (size.value !== null) {
    for (const batch of [1, 2, 4, 8, 16, 32, 64, 128]) {
      if (size.value % batch === 0 && candidates.length < 4) {
        const features = size.value / batch;
        const [layout] = squareLayouts(features, 1);
        candidates.push([`a batch of ${batch}: `, { strong: String(features) }, " numbers per example", layout ? ` (${layoutText(layout)})` : "", ", so ", { code: `nn.Linear(${features}, …)` }]);
      }
    }
  }
  if (candidates.length) {
    blocks.push({ p: ["Then build the next layer with the numbers per example. It depends on your batch size:"] }, { list: candidates });
  }
  blocks.push({ p: ["Or use ", { code: "nn.Flatten()" }, " and ", { code: "nn.LazyLinear(…)" }, ", and never type the number. ", CALCULATOR, " gives the exact number for your model."] });
  return { kind: "view", title: rowLength ? `view(-1, ${rowLength.text}) does not fit ${size.text} numbers` : "The reshape does not fit the tensor", blocks, fix: "x = x.view(x.size(0), -1)" };
}

function explainBatch(input, target) {
  const blocks = [
    { p: ["This one is not about an nn.Linear layer: it comes from the loss (", { code: "nn.CrossEntropyLoss" }, `, say), which got `, { strong: input.text }, " rows of predictions (input) for ", { strong: target.text }, " labels (target). They must be equal: one prediction per example."] },
  ];
  if (input.text === target.text) {
    blocks.push({ p: ["The two numbers are equal here, so this call cannot have raised it: check that the message was copied whole."] });
    return { kind: "batch", title: "These batch sizes match", blocks, fix: null };
  }
  blocks.push(
    { p: [`Your model turned a batch of ${target.text} examples into ${input.text} rows. The usual cause is a reshape that does not keep the batch, like `, { code: "x = x.view(-1, 1050)" },
      ": it cuts the data into rows of a fixed length across examples, and hides the real error (mat1 and mat2 shapes cannot be multiplied) instead of fixing it."] },
    { p: ["Keep the batch dimension in forward, then fix the layer instead:"] },
    { fix: "x = x.view(x.size(0), -1)" },
    { p: ["Run once more: you will get the real message, ", { code: "mat1 and mat2 shapes cannot be multiplied (…)" }, ", which this page explains; ", CALCULATOR, " gives the number for your model."] },
    { p: ["If your forward keeps the batch, check that predictions and labels come from the same batch (a label tensor sliced differently, a last batch of another size)."] },
  );
  return { kind: "batch", title: `${input.text} predictions for ${target.text} labels`, blocks, fix: "x = x.view(x.size(0), -1)" };
}

function explainChannels([groups, weight, input, expected, got]) {
  const expectedText = messageNumber(expected).text;
  const gotText = messageNumber(got).text;
  const weightSizes = weight.split(",").map((item) => messageNumber(item.trim()).text);
  const blocks = [
    { p: [`A convolution was built for `, { strong: expectedText }, " input channels, and the tensor reaching it has ", { strong: gotText }, ` (input[${input.replace(/\s+/g, "")}] is batch, channels, height, width).`] },
    { p: [`Make that layer's in_channels ${gotText}`, weightSizes.length === 4 && messageNumber(groups).text === "1" ? ": " : ".",
      ...(weightSizes.length === 4 && messageNumber(groups).text === "1" ? [{ code: `nn.Conv2d(${gotText}, ${weightSizes[0]}, kernel_size=${weightSizes[2] === weightSizes[3] ? weightSizes[2] : `(${weightSizes[2]}, ${weightSizes[3]})`})` }, "."] : []),
      ` Or, if ${expectedText} is right, fix the layer before it, or the data (a colour image has 3 channels, a grayscale one 1).`] },
    { p: ["To check every layer's channels, paste your model into ", CALCULATOR, "."] },
  ];
  return { kind: "channels", title: `The convolution expected ${expectedText} channels and got ${gotText}`, blocks, fix: null };
}

function explainTooSmall(size, window, layer) {
  return {
    kind: "too-small",
    title: `The feature map shrank to ${size}`,
    blocks: [
      { p: [`A ${layer} got a ${size} feature map, too small for its ${window}. The layers before it shrank the image too far for this input size: each convolution without padding and each pooling makes it smaller.`] },
      { p: ["Use a bigger input, add padding, or remove a pooling layer. ", CALCULATOR, " shows the size after every layer, and which one runs out of room."] },
    ],
    fix: null,
  };
}
