/* Shape Matters: the arithmetic behind the two tool pages.
 *
 * One ES module, no dependencies, no DOM. It holds:
 *   - PyTorch's output-size formulas for Conv2d and the 2-D pooling layers, with the checks
 *     torch makes and torch's own words when a check fails;
 *   - readModel(): the layers of pasted code (lines of layers, an nn.Sequential, or a whole
 *     nn.Module class, then in the order its forward calls them), read with python-reader.js;
 *   - calculate(): an input shape pushed through those layers, refused where torch refuses;
 *   - squareLayouts(): the ways a flattened size reads as channels × side × side (the error
 *     decoder, error-decoder.js, uses it).
 * The pages only render what these functions return. tests/test_tools.py checks calculate()
 * against torch itself on a few hundred random layer stacks.
 *
 * Explanations are returned as "parts": plain strings, or {code}, {strong} and {link, href}
 * objects, so that the pages build them with text nodes and nothing pasted is ever markup.
 */

import { ReadError, asNumber, dotted, evaluate, isFloatValue, logicalLines, parseStatement, pyRepr } from "./python-reader.js";

/** torch refuses: `type` and `message` are exactly what torch raises; `hint` explains it. */
class TorchRefusal extends Error {
  constructor(type, message, hint = []) {
    super(message);
    this.type = type;
    this.hint = hint;
  }
}

// ---------------------------------------------------------------------------------------------
// The layers: their signatures as in torch 2.x, how torch builds them, and how they change a shape.

const REQUIRED = Symbol("required");

/** Binds call arguments to a signature like Python does; values stay unevaluated nodes. */
function bindArguments(className, signature, call, { skipFirst = false, keywordOnly = [] } = {}) {
  const bound = new Map();
  const positional = skipFirst ? call.args.slice(1) : call.args;
  if (positional.some((arg) => arg.t === "star")) {
    throw new ReadError(`${className} gets *arguments: write them out`);
  }
  if (positional.length > signature.length) {
    throw new ReadError(`${className} takes at most ${signature.length} positional arguments but ${positional.length} were given`);
  }
  positional.forEach((node, index) => bound.set(signature[index][0], node));
  const names = new Set([...signature.map(([name]) => name), ...keywordOnly]);
  for (const { name, value } of call.kwargs) {
    if (!names.has(name)) {
      throw new ReadError(`${className} has no argument named ${name}`);
    }
    if (bound.has(name)) throw new ReadError(`${className} got two values for ${name}`);
    bound.set(name, value);
  }
  const missing = signature.filter(([name, fallback]) => fallback === REQUIRED && !bound.has(name)).map(([name]) => name);
  if (missing.length) {
    throw new ReadError(`${className} is missing ${missing.length === 1 ? "its argument" : "the arguments"} ${missing.join(", ")}`);
  }
  return {
    has: (name) => bound.has(name),
    get(name, names) {
      if (!bound.has(name)) {
        const entry = signature.find(([parameter]) => parameter === name);
        return entry ? entry[1] : undefined;
      }
      try {
        return evaluate(bound.get(name), names);
      } catch (error) {
        if (error instanceof ReadError) throw new ReadError(`${name}: ${error.message}`);
        throw error;
      }
    },
  };
}

// No real layer has a size past this (channels, features, a kernel): such a number is a slip.
const LARGEST_SIZE = 1e9;

function wholeNumber(value, name, { min = 1, allowNone = false } = {}) {
  if (value === null && allowNone) return null;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ReadError(`${name} must be a whole number, not ${pyRepr(value)}`);
  }
  if (value < min) throw new ReadError(`${name} must be at least ${min}, not ${value}`);
  if (value > LARGEST_SIZE) throw new ReadError(`${name} = ${value.toLocaleString("en-US")} is larger than any real layer's (more than a billion): check this number`);
  return value;
}

/** An int or a tuple of one or two ints, as (height, width). */
function pair(value, name, options) {
  if (Array.isArray(value)) {
    if (value.length === 1) value = [value[0], value[0]];
    if (value.length !== 2) {
      throw new ReadError(`${name} must be one number or two (height, width), not ${pyRepr(value)}`);
    }
    return value.map((item) => wholeNumber(item, name, options));
  }
  const number = wholeNumber(value, name, options);
  return [number, number];
}

function flag(value) {
  if (value === null) return false;
  if (typeof value === "boolean") return value;
  return asNumber(value) !== 0;
}

/** The output-size formula of convolution and pooling, along one dimension (torch's pooling_output_shape). */
export function outputSize(inputSize, kernelSize, { stride = 1, padding = 0, dilation = 1, ceilMode = false } = {}) {
  const numerator = inputSize + 2 * padding - dilation * (kernelSize - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let size = Math.floor(numerator / stride) + 1;
  // In ceil mode the last window must start inside the input or its left padding.
  if (ceilMode && (size - 1) * stride >= inputSize + padding) size -= 1;
  return size;
}

const formatList = (shape) => `[${shape.map(dimText).join(", ")}]`;
const dimText = (size) => (size === null ? "N" : String(size));

function rankCheck(shape, ranks, message) {
  if (!ranks.includes(shape.length)) throw new TorchRefusal("RuntimeError", message);
}

/** Past a Flatten, the spatial layers refuse like this; and the calculator only follows batched 4-D input. */
function needsImage(layer, shape, refusal) {
  if (shape.length === 4) return;
  if (shape.length === 3) {
    throw new ReadError(
      `${layer} gets a 3-D tensor ${formatList(shape)}: torch would read it as one image without a batch, which the calculator does not follow`
    );
  }
  const [type, message] = refusal(shape);
  throw new TorchRefusal(type, message, [
    `${layer} needs a 4-D tensor (batch, channels, height, width), but what reaches it is flat: move the flattening after the last convolution or pooling layer.`,
  ]);
}

const conv2dRankRefusal = (shape) => [
  "RuntimeError",
  `Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${formatList(shape)}`,
];

function padWith(mode, shape, [top, bottom], [left, right]) {
  const [batch, channels, height, width] = shape;
  if (mode === "reflect" || mode === "circular") {
    // torch checks the last dimension first: "Argument #4" is the width, "#6" the height.
    const sides = [[3, width, left, right, 4], [2, height, top, bottom, 6]];
    for (const [dimension, size, before, after, argument] of sides) {
      if (mode === "reflect" && (before >= size || after >= size)) {
        throw new TorchRefusal(
          "RuntimeError",
          `Argument #${argument}: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${dimension} of input ${formatList(shape)}`,
          [`padding_mode='reflect' can only mirror what is there: the padding must be smaller than the ${dimension === 3 ? "width" : "height"} (${size}).`]
        );
      }
      if (mode === "circular" && (before > size || after > size)) {
        throw new TorchRefusal("RuntimeError", "Padding value causes wrapping around more than once.", [
          `padding_mode='circular' wraps the image around: the padding can be at most the ${dimension === 3 ? "width" : "height"} (${size}).`,
        ]);
      }
    }
  }
  return [batch, channels, height + top + bottom, width + left + right];
}

const LAYERS = {
  Conv2d: {
    signature: [["in_channels", REQUIRED], ["out_channels", REQUIRED], ["kernel_size", REQUIRED], ["stride", 1], ["padding", 0],
      ["dilation", 1], ["groups", 1], ["bias", true], ["padding_mode", { str: "zeros" }], ["device", null], ["dtype", null]],
    build(args, names) {
      const inChannels = wholeNumber(args.get("in_channels", names), "in_channels");
      const outChannels = wholeNumber(args.get("out_channels", names), "out_channels");
      const kernel = pair(args.get("kernel_size", names), "kernel_size");
      const stride = pair(args.get("stride", names), "stride");
      const dilation = pair(args.get("dilation", names), "dilation");
      const groupsValue = args.get("groups", names);
      if (typeof groupsValue !== "number" || !Number.isInteger(groupsValue)) throw new ReadError(`groups must be a whole number, not ${pyRepr(groupsValue)}`);
      if (groupsValue <= 0) throw new TorchRefusal("ValueError", "groups must be a positive integer");
      if (inChannels % groupsValue !== 0) throw new TorchRefusal("ValueError", "in_channels must be divisible by groups", [`${inChannels} input channels cannot be split into ${groupsValue} groups.`]);
      if (outChannels % groupsValue !== 0) throw new TorchRefusal("ValueError", "out_channels must be divisible by groups", [`${outChannels} output channels cannot be split into ${groupsValue} groups.`]);
      const paddingValue = args.get("padding", names);
      let padding;
      let paddingString = null;
      if (paddingValue !== null && typeof paddingValue === "object" && "str" in paddingValue) {
        paddingString = paddingValue.str;
        if (paddingString !== "same" && paddingString !== "valid") {
          throw new TorchRefusal("ValueError", `Invalid padding string '${paddingString}', should be one of {'same', 'valid'}`);
        }
        if (paddingString === "same" && stride.some((step) => step !== 1)) {
          throw new TorchRefusal("ValueError", "padding='same' is not supported for strided convolutions", [
            "padding='same' keeps the size, which a stride larger than 1 cannot do: use a number for the padding, or stride=1.",
          ]);
        }
        // 'same' pads d·(k − 1) in all, the odd one on the right/bottom; 'valid' pads nothing.
        padding = paddingString === "same"
          ? [0, 1].map((axis) => {
              const total = dilation[axis] * (kernel[axis] - 1);
              return [Math.floor(total / 2), total - Math.floor(total / 2)];
            })
          : [[0, 0], [0, 0]];
      } else {
        padding = pair(paddingValue, "padding", { min: 0 }).map((side) => [side, side]);
      }
      const modeValue = args.get("padding_mode", names);
      const mode = modeValue && modeValue.str;
      if (!["zeros", "reflect", "replicate", "circular"].includes(mode)) {
        throw new TorchRefusal("ValueError", `padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${mode === undefined ? pyRepr(modeValue) : mode}'`);
      }
      return { inChannels, outChannels, kernel, stride, dilation, groups: groupsValue, padding, paddingString, mode };
    },
    apply(layer, shape, name) {
      needsImage(name, shape, (flat) => {
        if (layer.mode !== "zeros") {
          return ["NotImplementedError",
            `Padding size 4 is not supported for ${flat.length}D input tensor.\nSupported combinations for non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)`];
        }
        return conv2dRankRefusal(flat);
      });
      const [batch, channels] = shape;
      // What the convolution itself sees: zero padding that is not symmetric ('same' with an even
      // kernel), and every padding of the other modes, is added to the input first.
      let seen = shape;
      let symmetric = [0, 0];
      if (layer.mode !== "zeros") {
        seen = padWith(layer.mode, shape, layer.padding[0], layer.padding[1]);
      } else {
        seen = [batch, channels, shape[2] + layer.padding[0][1] - layer.padding[0][0], shape[3] + layer.padding[1][1] - layer.padding[1][0]];
        symmetric = [layer.padding[0][0], layer.padding[1][0]];
      }
      const weight = [layer.outChannels, layer.inChannels / layer.groups, ...layer.kernel];
      if (channels !== layer.inChannels) {
        throw new TorchRefusal(
          "RuntimeError",
          `Given groups=${layer.groups}, weight of size ${formatList(weight)}, expected input${formatList(seen)} to have ${layer.inChannels} channels, but got ${channels} channels instead`,
          [
            `This convolution was built for ${layer.inChannels} input channels, and ${channels} arrive: make its first argument ${channels}`,
            ` (or change the out_channels of the layer before it to ${layer.inChannels}).`,
          ]
        );
      }
      const padded = [seen[2] + 2 * symmetric[0], seen[3] + 2 * symmetric[1]];
      const span = [0, 1].map((axis) => layer.dilation[axis] * (layer.kernel[axis] - 1) + 1);
      if (padded[0] < span[0] || padded[1] < span[1]) {
        throw new TorchRefusal(
          "RuntimeError",
          `Calculated padded input size per channel: (${padded[0]} x ${padded[1]}). Kernel size: (${span[0]} x ${span[1]}). Kernel size can't be greater than actual input size`,
          [
            `The feature map is ${padded[0]} × ${padded[1]} here (padding included), smaller than the ${span[0]} × ${span[1]} window of this kernel: `,
            "the layers before it shrank the image too far for this input size. Use a bigger input, more padding, or fewer poolings.",
          ]
        );
      }
      const out = [0, 1].map((axis) => outputSize(seen[axis + 2], layer.kernel[axis], {
        stride: layer.stride[axis], padding: symmetric[axis], dilation: layer.dilation[axis],
      }));
      return [batch, layer.outChannels, ...out];
    },
  },

  MaxPool2d: {
    signature: [["kernel_size", REQUIRED], ["stride", null], ["padding", 0], ["dilation", 1], ["return_indices", false], ["ceil_mode", false]],
    build: (args, names) => buildPool(args, names, true),
    apply: (layer, shape, name) => applyPool(layer, shape, name, "max"),
  },

  AvgPool2d: {
    signature: [["kernel_size", REQUIRED], ["stride", null], ["padding", 0], ["ceil_mode", false], ["count_include_pad", true], ["divisor_override", null]],
    build: (args, names) => buildPool(args, names, false),
    apply: (layer, shape, name) => applyPool(layer, shape, name, "avg"),
  },

  AdaptiveAvgPool2d: {
    signature: [["output_size", REQUIRED]],
    build: (args, names) => buildAdaptive(args, names),
    apply(layer, shape, name) {
      // torch computes an output of 1 × 1 as a mean over the last two dimensions, whatever they are.
      if (layer.tupleLength === null && layer.size[0] === 1 && layer.size[1] === 1 && shape.length < 3) {
        if (shape.length < 2) throw new TorchRefusal("IndexError", `Dimension out of range (expected to be in range of [-1, 0], but got -2)`);
        return [1, 1];
      }
      return applyAdaptive(layer, shape, name, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ");
    },
  },

  AdaptiveMaxPool2d: {
    signature: [["output_size", REQUIRED], ["return_indices", false]],
    build: (args, names) => buildAdaptive(args, names),
    apply: (layer, shape, name) => applyAdaptive(layer, shape, name, "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: "),
  },

  BatchNorm2d: {
    signature: [["num_features", REQUIRED], ["eps", { float: 1e-5 }], ["momentum", { float: 0.1 }], ["affine", true], ["track_running_stats", true], ["device", null], ["dtype", null]],
    keywordOnly: ["bias"],
    build: (args, names) => ({ features: wholeNumber(args.get("num_features", names), "num_features") }),
    apply(layer, shape, name) {
      if (shape.length !== 4) {
        throw new TorchRefusal("ValueError", `expected 4D input (got ${shape.length}D input)`, [
          `${name} normalises the channels of a 4-D tensor, but what reaches it is ${shape.length}-D: use nn.BatchNorm1d after a flatten.`,
        ]);
      }
      const [batch, channels, height, width] = shape;
      if (batch !== null && batch * height * width === 1) {
        throw new TorchRefusal("ValueError", `Expected more than 1 value per channel when training, got input size torch.Size(${formatList(shape)})`, [
          "In training mode batch norm needs more than one number per channel to average: use a batch larger than 1.",
        ]);
      }
      if (channels !== layer.features) {
        throw new TorchRefusal("RuntimeError", `running_mean should contain ${channels} elements not ${layer.features}`, [
          `Batch norm keeps one mean per channel, and ${channels} channels arrive: make it nn.BatchNorm2d(${channels}).`,
        ]);
      }
      return shape;
    },
  },

  Linear: {
    signature: [["in_features", REQUIRED], ["out_features", REQUIRED], ["bias", true], ["device", null], ["dtype", null]],
    build: (args, names) => ({
      inFeatures: wholeNumber(args.get("in_features", names), "in_features", { min: 0 }),
      outFeatures: wholeNumber(args.get("out_features", names), "out_features", { min: 0 }),
    }),
    apply: (layer, shape) => applyLinear(layer, shape),
    linear: true,
  },

  LazyLinear: {
    signature: [["out_features", REQUIRED], ["bias", true], ["device", null], ["dtype", null]],
    build: (args, names) => ({ inFeatures: null, outFeatures: wholeNumber(args.get("out_features", names), "out_features", { min: 0 }) }),
    apply: (layer, shape) => applyLinear(layer, shape),
    linear: true,
  },

  Flatten: {
    signature: [["start_dim", 1], ["end_dim", -1]],
    build: (args, names) => ({
      start: wholeNumber(args.get("start_dim", names), "start_dim", { min: -Infinity }),
      end: wholeNumber(args.get("end_dim", names), "end_dim", { min: -Infinity }),
    }),
    apply: (layer, shape) => flatten(shape, layer.start, layer.end),
  },

  Dropout: dropoutLayer(),
  Dropout2d: dropoutLayer(),
  AlphaDropout: dropoutLayer(),
  ReLU: keepsShape([["inplace", false]]),
  ReLU6: keepsShape([["inplace", false]]),
  SiLU: keepsShape([["inplace", false]]),
  Mish: keepsShape([["inplace", false]]),
  Hardswish: keepsShape([["inplace", false]]),
  LeakyReLU: keepsShape([["negative_slope", { float: 0.01 }], ["inplace", false]]),
  ELU: keepsShape([["alpha", { float: 1.0 }], ["inplace", false]]),
  GELU: keepsShape([["approximate", { str: "none" }]]),
  PReLU: keepsShape([["num_parameters", 1], ["init", { float: 0.25 }], ["device", null], ["dtype", null]]),
  Softmax: keepsShape([["dim", null]]),
  LogSoftmax: keepsShape([["dim", null]]),
  Sigmoid: keepsShape(null),
  Tanh: keepsShape(null),
  Identity: keepsShape(null),
};

/** The layer called `name`, if the calculator knows it (and never Object's own properties). */
function layerSpec(name) {
  return Object.hasOwn(LAYERS, name) ? LAYERS[name] : undefined;
}

function isLinearStep(step) {
  return step.kind === "layer" && Boolean(layerSpec(step.className) && layerSpec(step.className).linear);
}

function keepsShape(signature) {
  return { signature, build: () => ({}), apply: (layer, shape) => shape };
}

function dropoutLayer() {
  return {
    signature: [["p", { float: 0.5 }], ["inplace", false]],
    build(args, names) {
      const p = args.get("p", names);
      const probability = asNumber(p);
      if (probability < 0 || probability > 1) {
        throw new TorchRefusal("ValueError", `dropout probability has to be between 0 and 1, but got ${pyRepr(p)}`);
      }
      return {};
    },
    apply: (layer, shape) => shape,
  };
}

function buildPool(args, names, isMax) {
  const kernel = pair(args.get("kernel_size", names), "kernel_size");
  const strideValue = args.get("stride", names);
  // stride=None (the default) means stride = kernel_size
  const stride = strideValue === null || (Array.isArray(strideValue) && strideValue.length === 0) ? kernel : pair(strideValue, "stride");
  const padding = pair(args.get("padding", names), "padding", { min: 0 });
  const dilation = isMax ? pair(args.get("dilation", names), "dilation") : [1, 1];
  const ceilMode = flag(args.get("ceil_mode", names));
  return { kernel, stride, padding, dilation, ceilMode };
}

function applyPool(layer, shape, name, kind) {
  if (shape.length === 2 || shape.length === 1) {
    if (kind === "max") {
      throw new TorchRefusal("RuntimeError", "non-empty 3D or 4D (batch mode) tensor expected for input", [
        `${name} pools height and width, but what reaches it is flat: move the flattening after the last pooling layer.`,
      ]);
    }
    throw new TorchRefusal("IndexError", `Dimension out of range (expected to be in range of [-${shape.length}, ${shape.length - 1}], but got -3)`, [
      `${name} pools height and width, but what reaches it is flat: move the flattening after the last pooling layer.`,
    ]);
  }
  needsImage(name, shape, () => []);
  const [batch, channels, height, width] = shape;
  const { kernel, stride, padding, dilation, ceilMode } = layer;
  // torch checks the padding of the height first, then of the width, then both at once.
  for (const axis of [0, 1]) {
    if (padding[axis] > Math.floor(((kernel[axis] - 1) * dilation[axis] + 1) / 2)) {
      throw new TorchRefusal(
        "RuntimeError",
        `pad should be at most half of effective kernel size, but got pad=${padding[axis]}, kernel_size=${kernel[axis]} and dilation=${dilation[axis]}`,
        [`Pooling padding can be at most half the window: with kernel_size=${kernel[axis]}, padding=${Math.floor(((kernel[axis] - 1) * dilation[axis] + 1) / 2)} at most.`]
      );
    }
  }
  const out = [0, 1].map((axis) => outputSize(shape[axis + 2], kernel[axis], {
    stride: stride[axis], padding: padding[axis], dilation: dilation[axis], ceilMode,
  }));
  if (Math.floor(kernel[1] / 2) < padding[1] || Math.floor(kernel[0] / 2) < padding[0]) {
    throw new TorchRefusal(
      "RuntimeError",
      `pad should be smaller than or equal to half of kernel size, but got padW = ${padding[1]}, padH = ${padding[0]}, kW = ${kernel[1]}, kH = ${kernel[0]}`,
      [`Pooling padding can be at most half the kernel size: ${Math.floor(kernel[0] / 2)} × ${Math.floor(kernel[1] / 2)} here, whatever the dilation.`]
    );
  }
  if (out[0] < 1 || out[1] < 1) {
    throw new TorchRefusal(
      "RuntimeError",
      `Given input size: (${channels}x${height}x${width}). Calculated output size: (${channels}x${out[0]}x${out[1]}). Output size is too small`,
      [`A ${height} × ${width} feature map is too small for this pooling window: the layers before it shrank the image too far for this input size.`]
    );
  }
  return [batch, channels, ...out];
}

function buildAdaptive(args, names) {
  const value = args.get("output_size", names);
  const sizes = Array.isArray(value) ? (value.length === 1 ? [value[0], value[0]] : value) : [value, value];
  if (sizes.length !== 2) throw new ReadError(`output_size must be one number or two, not ${pyRepr(value)}`);
  return { size: sizes.map((size) => wholeNumber(size, "output_size", { allowNone: true })), tupleLength: Array.isArray(value) ? value.length : null };
}

function applyAdaptive(layer, shape, name, prefix) {
  // A tuple output_size is filled in from the input's sizes first, in Python.
  if (layer.tupleLength !== null && shape.length <= layer.tupleLength) {
    throw new TorchRefusal("ValueError", `Input dimension should be at least ${layer.tupleLength + 1}`, [`${name} pools height and width, but what reaches it is flat.`]);
  }
  if (shape.length < 3) throw new TorchRefusal("RuntimeError", prefix + formatList(shape), [`${name} pools height and width, but what reaches it is flat.`]);
  needsImage(name, shape, () => []);
  const [batch, channels, height, width] = shape;
  return [batch, channels, layer.size[0] === null ? height : layer.size[0], layer.size[1] === null ? width : layer.size[1]];
}

function applyLinear(layer, shape) {
  const features = shape[shape.length - 1];
  const rows = shape.slice(0, -1);
  if (layer.inFeatures !== null && features !== layer.inFeatures) {
    const rowsText = rows.length === 0 ? "1" : productText(rows);
    const flat = shape.length === 2;
    throw new TorchRefusal(
      "RuntimeError",
      `mat1 and mat2 shapes cannot be multiplied (${rowsText}x${features} and ${layer.inFeatures}x${layer.outFeatures})`,
      flat
        ? [`This layer was built for ${layer.inFeatures} features per example, and ${features} arrive.`]
        : [`A ${shape.length}-D tensor reaches this Linear layer, which then multiplies only its last dimension (${features}): flatten first (nn.Flatten()).`]
    );
  }
  return [...rows, layer.outFeatures];
}

/** The rows of a matrix whose dimensions are `sizes` (one of them may be the unknown batch N). */
function productText(sizes) {
  const known = sizes.filter((size) => size !== null).reduce((total, size) => total * size, 1);
  if (sizes.includes(null)) return known === 1 ? "N" : `N·${known}`;
  return String(known);
}

function flatten(shape, start, end) {
  const rank = shape.length;
  const dimension = (value) => {
    if (value < -rank || value > rank - 1) {
      throw new TorchRefusal("IndexError", `Dimension out of range (expected to be in range of [-${rank}, ${rank - 1}], but got ${value})`);
    }
    return value < 0 ? value + rank : value;
  };
  const first = dimension(start);
  const last = dimension(end);
  if (first > last) throw new TorchRefusal("RuntimeError", "flatten() has invalid args: start_dim cannot come after end_dim");
  const merged = shape.slice(first, last + 1);
  const size = merged.includes(null) ? null : merged.reduce((total, item) => total * item, 1);
  return [...shape.slice(0, first), size, ...shape.slice(last + 1)];
}

/** Functional calls of a forward method, and the layer each one stands for. */
const FUNCTIONAL = {
  max_pool2d: ["MaxPool2d", [["kernel_size", REQUIRED], ["stride", null], ["padding", 0], ["dilation", 1], ["ceil_mode", false], ["return_indices", false]]],
  avg_pool2d: ["AvgPool2d", [["kernel_size", REQUIRED], ["stride", null], ["padding", 0], ["ceil_mode", false], ["count_include_pad", true], ["divisor_override", null]]],
  adaptive_avg_pool2d: ["AdaptiveAvgPool2d", [["output_size", REQUIRED]]],
  adaptive_max_pool2d: ["AdaptiveMaxPool2d", [["output_size", REQUIRED], ["return_indices", false]]],
  dropout: ["Dropout", [["p", { float: 0.5 }], ["training", true], ["inplace", false]]],
  dropout2d: ["Dropout2d", [["p", { float: 0.5 }], ["training", true], ["inplace", false]]],
};
const ACTIVATIONS = new Set(["relu", "relu_", "relu6", "leaky_relu", "elu", "gelu", "silu", "mish", "hardswish", "sigmoid", "tanh", "softmax", "log_softmax", "prelu", "selu", "celu", "softplus"]);
const QUERIES = new Set(["size", "dim", "numel", "item", "tolist", "ndimension", "nelement", "type", "is_contiguous"]);
const NO_OPS = new Set(["contiguous", "float", "double", "half", "to", "cpu", "cuda", "clone", "detach", "requires_grad_"]);
const HARMLESS_FUNCTIONS = new Set(["print", "len", "isinstance", "range", "int", "float", "super", "str", "type", "getattr", "hasattr", "setattr"]);
const CONTAINERS = new Set(["Sequential", "ModuleList", "ModuleDict", "Module", "Parameter", "ParameterList", "ParameterDict", "OrderedDict", "dict", "list", "tuple"]);

function namespaceOf(node) {
  // nn.X, torch.nn.X -> "nn"; F.x, nn.functional.x, torch.nn.functional.x -> "F"; torch.x -> "torch"
  const path = dotted(node);
  if (path === null) return null;
  const parts = path.split(".");
  const name = parts.pop();
  const prefix = parts.join(".");
  if (["nn", "torch.nn"].includes(prefix)) return { space: "nn", name };
  if (["F", "nn.functional", "torch.nn.functional", "functional"].includes(prefix)) return { space: "F", name };
  if (prefix === "torch") return { space: "torch", name };
  if (prefix === "" && layerSpec(name)) return { space: "nn", name };
  if (prefix === "" ) return { space: "", name };
  if (prefix === "self") return { space: "self", name };
  return { space: "?", name, prefix };
}

// ---------------------------------------------------------------------------------------------
// From pasted text to an ordered list of steps.

/**
 * Reads pasted layer code. Returns {steps, notes, mode}: each step is a layer (its line, its
 * source, how it was built or why it cannot be) in the order data flows through them; notes are
 * lines that were read and left out on purpose, each with the reason.
 */
export function readModel(text) {
  const statements = logicalLines(String(text)).map((logical) => parseStatement(logical, String(text)));
  const names = new Map();
  const notes = [];
  const forward = statements.find((statement) => statement.kind === "def" && statement.name === "forward");

  // Values the pasted code gives names to: num_classes = 10, def __init__(self, channels=1), self.hidden = 128.
  for (const statement of statements) {
    if (statement.kind === "def") {
      for (const parameter of statement.parameters) {
        try {
          names.set(parameter.name, evaluate(parameter.default, names));
        } catch (error) {
          if (!(error instanceof ReadError)) throw error;
        }
      }
    }
    if (statement.kind === "assign" && (statement.target.t === "name" || statement.target.t === "attr")) {
      try {
        names.set(dotted(statement.target), evaluate(statement.value, names));
      } catch (error) {
        if (!(error instanceof ReadError)) throw error;
      }
    }
  }

  const newlines = [];
  for (let index = String(text).indexOf("\n"); index >= 0; index = String(text).indexOf("\n", index + 1)) newlines.push(index);
  const lineAt = (offset) => {
    let line = 1;
    while (line - 1 < newlines.length && newlines[line - 1] < offset) line += 1;
    return line;
  };
  const context = { names, modules: new Map(), notes, building: [], lineAt };

  if (!forward) {
    const steps = [];
    for (const statement of statements) steps.push(...walkStatement(statement, context, "sequence"));
    return { steps, notes, mode: "sequence", builds: steps.filter((step) => step.kind === "layer") };
  }

  // A whole nn.Module: modules are the self.<name> = ... of the class, taken in the order the
  // forward method calls them; every module is built, called or not, as torch would.
  const forwardIndex = statements.indexOf(forward);
  const body = [];
  for (const statement of statements.slice(forwardIndex + 1)) {
    if (statement.indent <= forward.indent) break;
    body.push(statement);
  }
  const inForward = new Set(body);
  for (const statement of statements) {
    if (statement === forward || inForward.has(statement)) continue;
    if (statement.kind === "assign" && statement.target.t === "attr" && dotted(statement.target.obj) === "self") {
      const layers = collectLayers(statement.value, statement, context);
      if (layers.length) context.modules.set(statement.target.name, layers);
      context.building.push(...layers);
    } else {
      // Layers built outside self.<name> (a local Sequential, say) still have to be buildable.
      const layers = statement.kind === "assign" || statement.kind === "expression" ? collectLayers(statement.value, statement, context) : [];
      context.building.push(...layers);
      if (statement.kind === "unreadable") notes.push({ line: statement.line, source: statement.source, why: `not read: ${statement.why}` });
    }
  }
  const steps = [];
  for (const statement of body) steps.push(...walkStatement(statement, context, "forward"));
  return { steps, notes, mode: "forward", builds: context.building };
}

/** The layers built by an expression (nn.Sequential(...), a single layer), in textual order. */
function collectLayers(node, statement, context) {
  if (!node || typeof node !== "object") return [];
  if (node.t === "call") {
    const callee = namespaceOf(node.func);
    if (callee && callee.space === "nn" && !CONTAINERS.has(callee.name)) return [layerStep(node, callee.name, statement, context)];
    const inner = [];
    for (const arg of node.args) inner.push(...collectLayers(arg.t === "star" ? arg.value : arg, statement, context));
    for (const { value } of node.kwargs) inner.push(...collectLayers(value, statement, context));
    return inner;
  }
  if (node.t === "tuple") return node.items.flatMap((item) => collectLayers(item, statement, context));
  return [];
}

function layerStep(call, className, statement, context) {
  const step = { kind: "layer", className, line: context.lineAt(call.start), source: call.source, statementSource: statement.source };
  const spec = layerSpec(className);
  if (!spec) {
    step.kind = "unknown";
    step.why = unknownLayer(`nn.${className}`);
    return step;
  }
  try {
    const args = bindArguments(`nn.${className}`, spec.signature || [], spec.signature ? call : { args: [], kwargs: [] }, { keywordOnly: spec.keywordOnly });
    step.layer = spec.build(args, context.names);
  } catch (error) {
    if (error instanceof TorchRefusal) step.buildError = error;
    else if (error instanceof ReadError) {
      step.kind = "unknown";
      step.why = `cannot read ${call.source}: ${error.message}`;
    } else throw error;
  }
  return step;
}

function unknownLayer(written) {
  const bare = written.replace(/^nn\./, "").toLowerCase().replace(/ing2d$/, "2d");
  const near = Object.keys(LAYERS).find((known) => known.toLowerCase() === bare);
  return `${written} is not a layer the calculator knows${near && `nn.${near}` !== written ? ` (did you mean nn.${near}?)` : ""}`;
}

/** The steps one statement contributes, in the order Python evaluates them. */
function walkStatement(statement, context, mode) {
  switch (statement.kind) {
    case "assign":
    case "expression":
    case "return": {
      const steps = statement.value ? walk(statement.value, statement, context, mode) : [];
      if (mode === "sequence" && steps.length === 0 && statement.kind === "expression" && !isScaffolding(statement.value)) {
        context.notes.push({ line: statement.line, source: statement.source, why: "left out: no layer the calculator knows in this line" });
      }
      return steps;
    }
    case "augmented":
      return [{ kind: "unknown", line: statement.line, source: statement.source, why: `“${statement.operator}” combines tensors, which the calculator does not follow` }];
    case "unreadable":
      return [{ kind: "unknown", line: statement.line, source: statement.source, why: `not read: ${statement.why}` }];
    case "control":
      if (mode === "forward") {
        context.notes.push({ line: statement.line, source: statement.source, why: "a branch or loop: the calculator reads the lines under it once, in order" });
      }
      return [];
    default:
      return [];
  }
}

/** super().__init__(), print(...): lines of a model that hold no layer, as expected. */
function isScaffolding(node) {
  if (node.t !== "call") return node.t === "name" || node.t === "attr";
  const callee = namespaceOf(node.func);
  if (callee && callee.space === "" && HARMLESS_FUNCTIONS.has(callee.name)) return true;
  return node.func.t === "attr" && node.func.name === "__init__";
}

function walk(node, statement, context, mode) {
  if (!node || typeof node !== "object") return [];
  switch (node.t) {
    case "call":
      return walkCall(node, statement, context, mode);
    case "tuple":
      return node.items.flatMap((item) => walk(item, statement, context, mode));
    case "attr":
    case "index":
      return walk(node.obj, statement, context, mode);
    case "star":
      return walk(node.value, statement, context, mode);
    case "unary":
      return walk(node.arg, statement, context, mode);
    case "bin": {
      const left = walk(node.left, statement, context, mode);
      const right = walk(node.right, statement, context, mode);
      const tensorLike = (side) => side.t === "call" || side.t === "name" || side.t === "attr" || side.t === "index";
      if (mode === "forward" && tensorLike(node.left) && tensorLike(node.right)) {
        return [...left, ...right, { kind: "unknown", line: statement.line, source: statement.source, why: "two tensors combined (a residual or a concatenation), which the calculator does not follow" }];
      }
      return [...left, ...right];
    }
    default:
      return [];
  }
}

function walkCall(node, statement, context, mode) {
  const callee = namespaceOf(node.func);
  const here = { line: context.lineAt(node.start), source: node.source, statementSource: statement.source };
  // A layer built right here: nn.Conv2d(...), or nn.Flatten()(x) in a forward.
  if (callee && callee.space === "nn" && !CONTAINERS.has(callee.name)) {
    return [layerStep(node, callee.name, statement, context)];
  }
  if (node.func.t === "call") {
    const built = walk(node.func, statement, context, mode);
    return [...node.args.flatMap((arg) => walk(arg, statement, context, mode)), ...built];
  }
  if (callee && callee.space === "nn") {
    // nn.Sequential(...) and friends: the layers inside, in order
    return [...node.args.flatMap((arg) => walk(arg, statement, context, mode)), ...node.kwargs.flatMap(({ value }) => walk(value, statement, context, mode))];
  }
  if (callee && callee.space === "self") {
    const inputs = node.args.flatMap((arg) => walk(arg, statement, context, mode));
    const module = context.modules.get(callee.name);
    if (module) return [...inputs, ...module.map((step) => ({ ...step, origin: step, via: `self.${callee.name}`, callLine: statement.line, callSource: statement.source }))];
    return [...inputs, { kind: "unknown", ...here, why: `self.${callee.name} is called, but the pasted text does not build it as a layer` }];
  }
  if (callee && (callee.space === "F" || callee.space === "torch")) {
    const name = callee.name;
    const input = node.args.length ? walk(node.args[0], statement, context, mode) : [];
    if (callee.space === "torch" && name === "flatten") {
      return [...input, functionalStep(node, here, "Flatten", [["input", REQUIRED], ["start_dim", 0], ["end_dim", -1]], context)];
    }
    if (ACTIVATIONS.has(name)) return [...input, { kind: "layer", className: "ReLU", functional: true, layer: {}, ...here }];
    if (callee.space === "F" && Object.hasOwn(FUNCTIONAL, name)) {
      const [className, signature] = FUNCTIONAL[name];
      return [...input, functionalStep(node, here, className, [["input", REQUIRED], ...signature], context)];
    }
    if (callee.space === "torch" && ["zeros", "ones", "rand", "randn", "tensor", "no_grad", "manual_seed", "device"].includes(name)) return [];
    return [...input, { kind: "unknown", ...here, why: `${dotted(node.func)} is not one the calculator follows` }];
  }
  if (node.func.t === "attr") {
    // a method of the tensor: x.view(...), x.flatten(1), x.size(0), x.relu()
    const method = node.func.name;
    if (QUERIES.has(method)) return [];
    const before = walk(node.func.obj, statement, context, mode);
    if (NO_OPS.has(method)) return before;
    if (ACTIVATIONS.has(method)) return [...before, { kind: "layer", className: "ReLU", functional: true, layer: {}, ...here }];
    if (method === "flatten") {
      return [...before, functionalStep(node, here, "Flatten", [["start_dim", 0], ["end_dim", -1]], context)];
    }
    if (method === "view" || method === "reshape") return [...before, viewStep(node, here, context)];
    if (mode === "forward") return [...before, { kind: "unknown", ...here, why: `.${method}() is not one the calculator follows` }];
    return before;
  }
  if (callee && callee.space === "" && HARMLESS_FUNCTIONS.has(callee.name)) return [];
  if (callee && callee.space === "" && /^[A-Z]/.test(callee.name) && !CONTAINERS.has(callee.name)) {
    // A layer spelt another way (Conv2D), or a model class called by name (CNN()).
    return [{ kind: "unknown", ...here, why: unknownLayer(callee.name) }];
  }
  const inner = node.args.flatMap((arg) => walk(arg, statement, context, mode));
  if (mode === "forward") return [...inner, { kind: "unknown", ...here, why: `${dotted(node.func) || "this call"} is not one the calculator follows` }];
  return inner;
}

function functionalStep(node, here, className, signature, context) {
  const step = { kind: "layer", className, functional: true, ...here };
  try {
    const isMethod = node.func.t === "attr" && !namespaceOf(node.func.obj);
    const skipFirst = signature[0][0] === "input";
    const args = bindArguments(dotted(node.func) || className, skipFirst ? signature.slice(1) : signature, node, { skipFirst: skipFirst && !isMethod });
    step.layer = layerSpec(className).build(args, context.names);
  } catch (error) {
    if (error instanceof TorchRefusal) {
      step.runError = error;
    } else if (error instanceof ReadError) {
      step.kind = "unknown";
      step.why = `cannot read ${node.source}: ${error.message}`;
    } else throw error;
  }
  return step;
}

/** x.view(x.size(0), -1) flattens; x.view(-1, 1050) is the trap that reshapes across examples. */
function viewStep(node, here, context) {
  let items = node.args;
  if (items.length === 1 && items[0].t === "tuple") items = items[0].items;
  const values = items.map((item) => {
    try {
      const value = evaluate(item, context.names);
      return typeof value === "number" ? value : "?";
    } catch (error) {
      if (error instanceof ReadError) return "batch"; // x.size(0), x.shape[0], batch_size...
      throw error;
    }
  });
  const step = { kind: "view", ...here, values };
  if (values.length !== 2) {
    return { kind: "unknown", ...here, why: `the calculator follows a view or reshape to (batch, features) only` };
  }
  return step;
}

// ---------------------------------------------------------------------------------------------
// Running the steps.

/** "1, 28, 28" (one example) or "2, 1, 28, 28" (with the batch), with or without brackets. */
export function parseShape(text) {
  const cleaned = String(text).trim().replace(/^(?:torch\.Size\(|\(|\[)+/, "").replace(/(?:\)|\])+$/, "");
  if (cleaned === "") return { error: "Type the shape of one input, like 1, 28, 28 (channels, height, width)." };
  const pieces = cleaned.split(/\s*[,x×]\s*|\s+/).filter((piece) => piece !== "");
  if (!pieces.every((piece) => /^\d+$/.test(piece))) {
    return { error: "The input shape takes whole numbers separated by commas, like 1, 28, 28." };
  }
  const sizes = pieces.map(Number);
  if (sizes.some((size) => !Number.isSafeInteger(size) || size > 1e9)) {
    return { error: "These sizes are too large for any real input: check the numbers." };
  }
  if (sizes.some((size) => size === 0)) return { error: "Every size must be at least 1." };
  if (sizes.length === 3) return { shape: [null, ...sizes], batchGiven: false };
  if (sizes.length === 4) return { shape: sizes, batchGiven: true };
  return {
    error: `Give three numbers (channels, height, width), or four with the batch first; you gave ${sizes.length}.`,
  };
}

const LIMIT = Number.MAX_SAFE_INTEGER;

function tooLarge(shape) {
  return shape.filter((size) => size !== null).reduce((total, size) => total * size, 1) > LIMIT;
}

/** The name of a step as the reader wrote it, for messages: nn.Conv2d(16, 32, 5) */
function stepName(step) {
  return step.source;
}

/**
 * Pushes `shapeText` through the layers of `modelText`.
 * Returns {input, rows, error, flatten, suggestion, notes, mode}; see the pages for how it reads.
 */
export function calculate(shapeText, modelText) {
  const parsed = parseShape(shapeText);
  if (parsed.error) return { inputError: parsed.error, rows: [], notes: [] };
  const model = readModel(modelText);
  const result = { input: parsed.shape, batchGiven: parsed.batchGiven, rows: [], error: null, flatten: null, suggestion: null, notes: model.notes, mode: model.mode };
  if (!model.steps.length) {
    result.empty = true;
    return result;
  }

  // torch builds every layer before any data flows: a layer it cannot build stops everything.
  const unbuildable = model.builds.find((step) => step.buildError);
  if (unbuildable) {
    result.error = {
      index: model.steps.findIndex((step) => (step.origin || step) === unbuildable),
      line: unbuildable.line,
      source: unbuildable.source,
      stage: "build",
      type: unbuildable.buildError.type,
      message: unbuildable.buildError.message,
      hint: unbuildable.buildError.hint,
    };
    return result;
  }

  let shape = parsed.shape;
  for (const [index, step] of model.steps.entries()) {
    const before = shape;
    try {
      if (step.kind === "unknown") throw new ReadError(step.why);
      if (step.runError) throw step.runError;
      if (step.kind === "view") shape = applyView(step, shape);
      else shape = layerSpec(step.className).apply(step.layer, shape, stepName(step));
      if (tooLarge(shape)) throw new ReadError("the tensor here would have more numbers than can be counted exactly: check the sizes");
    } catch (error) {
      if (!(error instanceof ReadError || error instanceof TorchRefusal)) throw error;
      result.error = {
        index, line: step.line, source: step.source, via: step.via, stage: error instanceof TorchRefusal ? "run" : "read",
        type: error instanceof TorchRefusal ? error.type : null, message: error.message, hint: error.hint || [],
      };
      noteFlatten(result, before, step, index);
      break;
    }
    result.rows.push({ index, line: step.line, source: step.source, via: step.via, callLine: step.callLine, shape });
    noteFlatten(result, before, step, index, shape);
  }
  if (!result.error && !result.flatten && shape.length === 4) {
    result.flatten = { size: shape[1] * shape[2] * shape[3], dims: shape.slice(1), at: null };
  }
  result.output = result.error ? null : shape;
  suggestLinear(result, model.steps);
  return result;
}

/** Remembers where the image first became a flat vector per example, and how big it was. */
function noteFlatten(result, before, step, index, after) {
  if (result.flatten || before.length !== 4) return;
  const isLinear = isLinearStep(step);
  const flattened = after !== undefined && after.length === 2;
  if (!flattened && !isLinear && !(step.kind === "view")) return;
  result.flatten = {
    size: before[1] * before[2] * before[3],
    dims: before.slice(1),
    at: index,
    unflattened: isLinear, // a Linear layer met the 4-D tensor itself
  };
}

function suggestLinear(result, steps) {
  if (!result.flatten) return;
  const start = result.flatten.at === null ? steps.length : result.flatten.at;
  const linearIndex = steps.findIndex((step, index) => index >= start && isLinearStep(step));
  const linear = linearIndex >= 0 ? steps[linearIndex] : null;
  const out = linear && linear.layer ? String(linear.layer.outFeatures) : "<out>";
  result.suggestion = {
    code: `nn.Linear(${result.flatten.size}, ${out})`,
    linearIndex: linear ? linearIndex : null,
    linearSource: linear ? linear.source : null,
    linearLine: linear ? linear.line : null,
    matches: Boolean(linear && linear.layer && (linear.layer.inFeatures === result.flatten.size || linear.layer.inFeatures === null)),
    lazy: Boolean(linear && linear.className === "LazyLinear"),
  };
}

function applyView(step, shape) {
  const [first, second] = step.values;
  const batch = shape[0];
  const features = shape.slice(1).reduce((total, size) => total * size, 1);
  const total = batch === null ? null : batch * features;
  const asked = step.values.map((value) => (value === "batch" ? dimText(batch) : String(value))).join(", ");
  const sizeText = total === null ? `N·${features}` : String(total);
  if (second === -1 && first !== -1) return [batch, features]; // (batch, -1): the right flatten
  if (first === "batch" && second === features) return [batch, features];
  if (first === -1 && second === "batch") return [batch, features]; // x.view(-1, self.num_flat_features(x))
  if (first === -1 && second === features) return [batch, features];
  if (first === -1 && typeof second === "number" && second > 0) {
    if (total !== null && total % second !== 0) {
      throw new TorchRefusal("RuntimeError", `shape '[-1, ${second}]' is invalid for input of size ${total}`, trapHint(features, second));
    }
    const outcome = total === null
      ? "with some batch sizes torch refuses, with others it silently mixes examples together"
      : `with a batch of ${batch} it runs, and silently turns ${batch} examples into ${total / second} rows of predictions`;
    throw new ReadError(
      `${step.source} cuts the batch into rows of ${second} numbers, but each example has ${features}: ${outcome}. Write x.view(x.size(0), -1) and build the next layer with ${features} inputs`
    );
  }
  if (first === "batch" && typeof second === "number") {
    throw new TorchRefusal("RuntimeError", `shape '[${asked}]' is invalid for input of size ${sizeText}`, [
      `Each example has ${features} numbers, not ${second}: write x.view(x.size(0), -1).`,
    ]);
  }
  throw new ReadError(`the calculator cannot tell which of ${step.source}'s numbers is the batch`);
}

function trapHint(features, rowLength) {
  return [
    `view(-1, ${rowLength}) cuts the whole batch into rows of ${rowLength} numbers, but each example has ${features}. `,
    "Keep the batch dimension with x.view(x.size(0), -1), and build the next layer with ",
    { code: `nn.Linear(${features}, …)` },
    ".",
  ];
}

// ---------------------------------------------------------------------------------------------
// The numbers of a flattened feature map.

/**
 * The ways n = channels × side × side (side ≥ 2), the likely ones first: channel counts that are
 * powers of two and feature maps of a usual size lead.
 */
export function squareLayouts(n, limit = 4) {
  if (!Number.isSafeInteger(n) || n < 4 || n > 1e12) return [];
  const layouts = [];
  for (let side = 2; side * side <= n; side += 1) {
    if (n % (side * side) === 0) layouts.push({ channels: n / (side * side), side });
  }
  const powerOfTwo = (value) => Number.isInteger(Math.log2(value));
  const usual = ({ channels, side }) => (powerOfTwo(channels) ? 0 : 2) + (channels >= 8 && channels <= 1024 && side >= 3 && side <= 32 ? 0 : 1);
  const middling = ({ side }) => (side >= 5 && side <= 16 ? 0 : 1);
  layouts.sort((a, b) => usual(a) - usual(b) || middling(a) - middling(b) || b.channels - a.channels);
  return layouts.slice(0, limit);
}

export const layoutText = ({ channels, side }) => `${channels} × ${side} × ${side}`;

export { ReadError, TorchRefusal };
