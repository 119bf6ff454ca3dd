// transformers.js 4.3.1 (npm) on bundles' graphs: greedy and beam 4 generate for every case of a golden file
// (PyTorch's decode.py), each source alone. Greedy must equal the golden output ids; both searches must give the
// same tokens on every bundle as on the first one (transformers.js's beam search is its own, so only bundles are
// compared there). Shows that a graph export keeps the contract transformers.js reads (names, shapes, the merged
// decoder's use_cache_branch) and that onnxruntime-node runs its operators (the fused export's com.microsoft ones).
// usage: node tjs_check.mjs <folder with node_modules/@huggingface/transformers> <golden folder> <bundle>...
// Prints one line per bundle and search; exits 1 when any output differs.
import { createRequire } from 'node:module';
import { mkdtemp, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [tjsDir, goldenDir, ...bundles] = process.argv.slice(2);
const require = createRequire(`${resolve(tjsDir)}/`);
const { env, AutoModelForSeq2SeqLM, Tensor } = await import(require.resolve('@huggingface/transformers'));
env.allowRemoteModels = false;
env.localModelPath = await mkdtemp(join(tmpdir(), 'tjs-models-'));

// transformers.js reads the json files from the model folder and the graphs from its onnx/ subfolder.
async function load(bundle, name) {
  await mkdir(join(env.localModelPath, name, 'onnx'), { recursive: true });
  for (const file of await readdir(bundle)) {
    const onnx = file.endsWith('.onnx') ? 'onnx' : '';
    await symlink(join(resolve(bundle), file), join(env.localModelPath, name, onnx, file));
  }
  return AutoModelForSeq2SeqLM.from_pretrained(name, { dtype: 'fp32' });
}

const searches = { greedy: 1, beam4: 4 };
const golden = JSON.parse(await readFile(join(goldenDir, 'greedy.json'), 'utf8'));
let failed = false;
let first;
for (const [index, bundle] of bundles.entries()) {
  const model = await load(bundle, `bundle${index}`);
  const outputs = {};
  for (const [search, beams] of Object.entries(searches)) {
    outputs[search] = [];
    for (const c of golden.cases) {
      const ids = new Tensor('int64', BigInt64Array.from(c.input_ids.map(BigInt)), [1, c.input_ids.length]);
      const out = await model.generate({
        inputs: ids, attention_mask: new Tensor('int64', new BigInt64Array(c.input_ids.length).fill(1n), ids.dims),
        max_new_tokens: golden.settings.max_new_tokens, num_beams: beams, do_sample: false,
      });
      // transformers.js returns the decoder start token first; the golden files hold the generated tokens only.
      outputs[search].push(JSON.stringify(Array.from(out.tolist()[0], Number).slice(1)));
    }
  }
  const count = (a, b) => a.filter((x, i) => x === b[i]).length;
  const n = golden.cases.length;
  const vsGolden = count(outputs.greedy, golden.cases.map((c) => JSON.stringify(c.output_ids)));
  console.log(`${bundle}: greedy ${vsGolden}/${n} identical to the golden output ids`);
  failed ||= vsGolden !== n;
  if (first) {
    for (const search of Object.keys(searches)) {
      const same = count(outputs[search], first.outputs[search]);
      console.log(`${bundle}: ${search} ${same}/${n} identical to ${first.bundle}`);
      failed ||= same !== n;
    }
  } else first = { bundle, outputs };
}
process.exit(failed ? 1 : 0);
