// Runs ONNX files with ONNX Runtime (the onnxruntime-node package) for export.py's parity checks, since
// there is no onnxruntime for Python here.
// usage: node ort_check.js <path to the extracted onnxruntime-node package> <job.json>
// A job lists tasks:
//   {"kind": "run", "model": path, "inputs": {name: {"dtype", "dims", "file"}}, "out_dir": path}
//     raw little-endian tensors in and out; writes <out_dir>/<output>.bin and <out_dir>/outputs.json (dims)
//   {"kind": "greedy", "encoder": path, "decoder": path, "decoder_with_past": path | null (merged when null),
//    "sources": [[ids]], "max_new_tokens", "start_id", "eos_id", "banned_ids": [...], "forced_ids": [id] | absent,
//    "layers", "heads", "head_dim", "out": path}
//     greedy decoding one source at a time through the KV cache; writes {"outputs": [[ids]]}
//   {"kind": "greedy_recurrent", "encoder": path, "decoder": path, "sources", "max_new_tokens", "start_id",
//    "eos_id", "banned_ids", "out": path}
//     the same through a recurrent bundle's state contract (docs/recurrent-model.md): encoder outputs
//     initial_state.N feed the decoder's state.N, present_state.N feed it back, every other encoder output goes
//     to the decoder input of the same name
'use strict';
const fs = require('fs');
const path = require('path');

const ort = require(path.resolve(process.argv[2]));
const job = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));

const ARRAYS = { float32: Float32Array, int64: BigInt64Array, bool: Uint8Array };

function readTensor(spec) {
  const buf = fs.readFileSync(spec.file);
  const Ctor = ARRAYS[spec.dtype];
  const data = new Ctor(buf.buffer, buf.byteOffset, buf.byteLength / Ctor.BYTES_PER_ELEMENT);
  return new ort.Tensor(spec.dtype, Ctor.from(data), spec.dims);
}

async function runTask(task) {
  const session = await ort.InferenceSession.create(task.model);
  const feeds = {};
  for (const [name, spec] of Object.entries(task.inputs)) feeds[name] = readTensor(spec);
  const results = await session.run(feeds);
  fs.mkdirSync(task.out_dir, { recursive: true });
  const meta = {};
  for (const [name, tensor] of Object.entries(results)) {
    const data = tensor.data;
    fs.writeFileSync(path.join(task.out_dir, `${name}.bin`), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    meta[name] = { dims: tensor.dims, type: tensor.type };
  }
  fs.writeFileSync(path.join(task.out_dir, 'outputs.json'), JSON.stringify(meta));
}

const int64 = (values, dims) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
const emptyKv = (task) => new ort.Tensor('float32', new Float32Array(0), [1, task.heads, 0, task.head_dim]);

function argmaxLast(logits, banned) {
  const v = logits.dims[2];
  const offset = (logits.dims[1] - 1) * v;
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < v; i++) {
    if (banned.has(i)) continue;
    const x = logits.data[offset + i];
    if (x > bestValue) { bestValue = x; best = i; }
  }
  return best;
}

async function greedyTask(task) {
  const encoder = await ort.InferenceSession.create(task.encoder);
  const merged = task.decoder_with_past === null;
  const first = await ort.InferenceSession.create(task.decoder);
  const later = merged ? first : await ort.InferenceSession.create(task.decoder_with_past);
  const banned = new Set(task.banned_ids);
  const outputs = [];
  for (const [row, src] of task.sources.entries()) {
    const ids = int64(src, [1, src.length]);
    const mask = int64(src.map(() => 1), [1, src.length]);
    const { last_hidden_state: hidden } = await encoder.run({ input_ids: ids, attention_mask: mask });
    let past = null;
    let last = task.start_id;
    const out = [];
    for (let g = 0; g < task.max_new_tokens; g++) {
      const feeds = { encoder_attention_mask: mask, input_ids: int64([last], [1, 1]) };
      if (past === null) {
        feeds.encoder_hidden_states = hidden;
        if (merged) {
          feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.from([0]), [1]);
          for (let i = 0; i < task.layers; i++) {
            for (const k of ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value']) {
              feeds[`past_key_values.${i}.${k}`] = emptyKv(task);
            }
          }
        }
      } else {
        Object.assign(feeds, past);
        if (merged) {
          feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.from([1]), [1]);
          feeds.encoder_hidden_states = new ort.Tensor('float32', new Float32Array(0), [1, 0, hidden.dims[2]]);
        }
      }
      const res = await (past === null ? first : later).run(feeds);
      const next = {};
      for (let i = 0; i < task.layers; i++) {
        for (const k of ['decoder.key', 'decoder.value']) next[`past_key_values.${i}.${k}`] = res[`present.${i}.${k}`];
        for (const k of ['encoder.key', 'encoder.value']) {
          next[`past_key_values.${i}.${k}`] = past === null ? res[`present.${i}.${k}`] : past[`past_key_values.${i}.${k}`];
        }
      }
      past = next;
      last = g === 0 && task.forced_ids ? task.forced_ids[row] : argmaxLast(res.logits, banned);
      out.push(last);
      if (last === task.eos_id) break;
    }
    outputs.push(out);
  }
  fs.writeFileSync(task.out, JSON.stringify({ outputs }));
}

async function greedyRecurrentTask(task) {
  const encoder = await ort.InferenceSession.create(task.encoder);
  const decoder = await ort.InferenceSession.create(task.decoder);
  const banned = new Set(task.banned_ids);
  const outputs = [];
  for (const src of task.sources) {
    const mask = int64(src.map(() => 1), [1, src.length]);
    const encoded = await encoder.run({ input_ids: int64(src, [1, src.length]), attention_mask: mask });
    const memory = { encoder_attention_mask: mask };
    let state = {};
    for (const [name, tensor] of Object.entries(encoded)) {
      if (name.startsWith('initial_state.')) state[name.replace('initial_', '')] = tensor;
      else memory[name] = tensor;
    }
    let last = task.start_id;
    const out = [];
    for (let g = 0; g < task.max_new_tokens; g++) {
      const res = await decoder.run({ ...memory, ...state, input_ids: int64([last], [1, 1]) });
      state = {};
      for (const [name, tensor] of Object.entries(res)) {
        if (name.startsWith('present_state.')) state[name.replace('present_', '')] = tensor;
      }
      last = argmaxLast(res.logits, banned);
      out.push(last);
      if (last === task.eos_id) break;
    }
    outputs.push(out);
  }
  fs.writeFileSync(task.out, JSON.stringify({ outputs }));
}

(async () => {
  for (const task of job.tasks) {
    if (task.kind === 'run') await runTask(task);
    else if (task.kind === 'greedy') await greedyTask(task);
    else if (task.kind === 'greedy_recurrent') await greedyRecurrentTask(task);
    else throw new Error(`unknown task kind ${task.kind}`);
  }
})().catch((err) => { console.error(err); process.exit(1); });
