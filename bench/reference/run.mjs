// Reference runner: runs an ONNX model with ONNX Runtime (CPU, fp32, all graph optimizations off
// so that the numbers are the plain ops') on an .npy input and writes the first output as .npy.
//
//   node run.mjs MODEL.onnx INPUT.npy OUTPUT.npy [--force]
//
// Exit codes: 0 ok, 1 runtime/model error, 2 usage. Only C-order little-endian '<f4', '|i1', '<i4' arrays.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const DTYPES = { '<f4': ['float32', Float32Array], '|i1': ['int8', Int8Array], '<i4': ['int32', Int32Array] };

function readNpy(path) {
  const buf = readFileSync(path);
  if (buf.length < 10 || buf.toString('latin1', 1, 6) !== 'NUMPY' || buf[0] !== 0x93) throw new Error(`${path}: not an .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > buf.length) throw new Error(`${path}: truncated header`);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', start, start + headerLen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!(descr in DTYPES)) throw new Error(`${path}: dtype ${descr} not supported (<f4, |i1, <i4)`);
  if (fortran !== 'False') throw new Error(`${path}: Fortran order not supported`);
  const shape = shapeText.split(',').map(s => s.trim()).filter(s => s.length).map(Number);
  const [type, Ctor] = DTYPES[descr];
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (buf.length - offset !== count * Ctor.BYTES_PER_ELEMENT) throw new Error(`${path}: data size does not match shape (${shape})`);
  // Copy out: the Buffer's offset need not be aligned for the typed array.
  const data = new Ctor(count);
  new Uint8Array(data.buffer).set(buf.subarray(offset));
  return new ort.Tensor(type, data, shape);
}

function writeNpy(path, tensor, force) {
  if (existsSync(path) && !force) throw new Error(`${path} exists; pass --force to replace it`);
  const descr = Object.keys(DTYPES).find(k => DTYPES[k][0] === tensor.type);
  if (!descr) throw new Error(`output type ${tensor.type} cannot be written`);
  const dims = tensor.dims;
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header = header.padEnd(header.length + ((64 - ((10 + header.length + 1) % 64)) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93]).copy(head, 0);
  head.write('NUMPY', 1, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), data]));
}

async function main(argv) {
  const force = argv.includes('--force');
  const args = argv.filter(a => a !== '--force');
  if (args.length !== 3) {
    console.error('usage: node run.mjs MODEL.onnx INPUT.npy OUTPUT.npy [--force]');
    return 2;
  }
  const [modelPath, inputPath, outputPath] = args;
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
  });
  if (session.inputNames.length !== 1) throw new Error(`${modelPath}: expected one input, found ${session.inputNames.join(', ')}`);
  const results = await session.run({ [session.inputNames[0]]: readNpy(inputPath) });
  const output = results[session.outputNames[0]];
  writeNpy(outputPath, output, force);
  console.log(`${outputPath}: ${output.type} [${output.dims.join('x')}] from ${session.outputNames[0]}`);
  return 0;
}

main(process.argv.slice(2)).then(code => process.exit(code), err => {
  console.error(`run.mjs: error: ${err.message ?? err}`);
  process.exit(1);
});
