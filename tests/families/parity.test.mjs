// The service against transformers.js 4.3.1 on the same bundle files (tests/fixtures/MODEL): the tokenizer
// encodes and decodes a varied corpus alike, greedy generate gives the same tokens and text for several sources and
// every pair (a multilingual bundle's target token forced first, or for the first mBART the decoder's start) or task
// (a T5 bundle's prefix written first), and the graphs decode as the PyTorch model they were exported from
// (reference.json). SERVICE_URL serves the bundle as MODEL with no repeat or length guard; TJS_DIR holds the npm
// package, MODELS_DIR/MODEL the bundle in transformers.js's layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const { SERVICE_URL, TJS_DIR, MODELS_DIR, MODEL, REPO } = process.env;
const require = createRequire(`${TJS_DIR}/`);
const { env, AutoTokenizer, AutoModelForSeq2SeqLM, Tensor } = await import(require.resolve('@huggingface/transformers'));
env.allowRemoteModels = false;
env.localModelPath = MODELS_DIR;

const bundle = join(MODELS_DIR, MODEL);
const tokenizerJson = JSON.parse(await readFile(join(bundle, 'tokenizer.json'), 'utf8'));
// Unigram's vocab is a list of [piece, score], BPE's an object of piece → id; added tokens name their ids.
const pieces = Array.isArray(tokenizerJson.model.vocab)
  ? tokenizerJson.model.vocab.map(([piece]) => piece)
  : Object.entries(tokenizerJson.model.vocab).reduce((all, [piece, id]) => { all[id] = piece; return all; }, []);
for (const { id, content } of tokenizerJson.added_tokens) pieces[id] = content;
const pieceOf = (id) => pieces[id];

const mbart = { en: 'en_XX', fr: 'fr_XX', hi: 'hi_IN' };
// languages: ISO code → the bundle's token; name: what transformers.js's src_lang / tgt_lang take (M2M100's is the
// ISO code); targetStarts: the target's token starts the decoder instead of being forced (the first mBART).
const spec = {
  'tiny-nllb': { languages: { en: 'eng_Latn', fr: 'fra_Latn', hi: 'hin_Deva' } },
  'tiny-m2m100': { languages: { en: '__en__', fr: '__fr__', hi: '__hi__' }, name: (token) => token.slice(2, -2) },
  'tiny-mbart': { languages: mbart },
  'tiny-mbart-cc25': { languages: mbart, targetStarts: true },
  'tiny-bart': {},
  'tiny-t5': {},
}[MODEL];
const codes = spec.languages ?? {};
const nameOf = spec.name ?? ((token) => token);
// T5's tasks: the task_specific_params entries with a prefix, which transformers.js's pipelines write sources after.
const config = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'));
const tasks = Object.entries(config.task_specific_params ?? {}).filter(([, params]) => typeof params.prefix === 'string');
const model = await AutoModelForSeq2SeqLM.from_pretrained(MODEL, { dtype: 'fp32' });

// A fresh tokenizer per use: _build_translation_inputs rewrites its post-processor for the source language.
const tokenizer = () => AutoTokenizer.from_pretrained(MODEL);

async function post(path, body) {
  const response = await fetch(`${SERVICE_URL}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await response.json();
  assert.equal(response.status, 200, JSON.stringify(json));
  return json;
}

const int64 = (ids) => new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);

const lines = (await readFile(join(REPO, 'tests/fixtures/spm/lines.txt'), 'utf8')).split('\n').filter((l) => l.length > 0);
const corpus = [
  ...lines.filter((_, i) => i % 8 === 0),
  'Crème brûlée, naïve café — Ça coûte 12,50 € à Noël.',
  'Ｆｕｌｌｗｉｄｔｈ ＡＢＣ and ligatures ﬁ ﬂ, ² ½ Ⅻ',
  'Emoji 🙂👍🏽 and a family 👨‍👩‍👧 in text 🇫🇷.',
  '汉字和日本語のテキスト、한국어 문장。',
  'मैं घर जा रहा हूँ। क्या आप हिंदी बोलते हैं?',
  '  leading,   inner     runs\tand tabs\u00a0nbsp  trailing  ',
  'Special tokens in text: </s> <pad> <unk> fra_Latn eng_Latn<mask>hin_Deva <s>',
  'e\u0301 decomposed, ﬀ, ℌ, ㍿, ﾊﾝｶｸ',
  'x',
];

// transformers.js 4.3.1's Precompiled normalizer (its bundled @huggingface/tokenizers 0.2.0) does not read the
// charsmap: it deletes and spaces these characters by fixed rules, then applies NFKC. Hugging Face's tokenizers
// (and SentencePiece, and ours) map them by the charsmap, grapheme by grapheme; ZWJ is dropped, not spaced, and a
// mapped character takes a combining mark after it along. Lines with them may differ, and only they may.
// Its ByteLevel pre-tokenizer splits with JavaScript's \s, which holds U+FEFF and not U+0085; Hugging Face's (and
// ours) take Unicode's White_Space, which holds U+0085 and not U+FEFF. T5's WhitespaceSplit is /\S+/ there, so U+0085
// splits a word in ours (.NET's char.IsWhiteSpace, as Rust's char::is_whitespace) and not there.
const whitespaceSplit = JSON.stringify(tokenizerJson.pre_tokenizer ?? {}).includes('"WhitespaceSplit"');
const ownRules = tokenizerJson.pre_tokenizer?.type === 'ByteLevel'
  ? /[\u0085\uFEFF]/
  : new RegExp(`[\\u0001-\\u0009\\u000A-\\u000D\\u000E-\\u001F\\u007F\\u008F\\u009F\\u00A0\\u1680\\u2000-\\u200F\\u2028\\u2029\\u202F\\u205F\\u2581\\u3000\\uFEFF\\uFFFD${whitespaceSplit ? '\\u0085' : ''}]`);

test('the tokenizer encodes a varied corpus as transformers.js does', async () => {
  const reference = await tokenizer();
  const differences = [];
  let compared = 0;
  for (const text of corpus) {
    const ours = (await post('/tokenize', { text, model: MODEL })).ids;
    const theirs = reference.encode(text);
    compared += ownRules.test(text) ? 0 : 1;
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) differences.push({ text, ours, theirs });
  }
  console.log(`${corpus.length} lines, ${compared} without characters of transformers.js's own rules; ` +
    `${differences.length} differ, all with such characters`);
  assert.ok(compared > 250, `only ${compared} lines compared strictly`);
  assert.deepEqual(differences.filter((d) => !ownRules.test(d.text)), []);
});

test('outputs decode to the text transformers.js decodes, special tokens skipped', async () => {
  const reference = await tokenizer();
  for (const text of corpus.slice(-9).map((t) => t.trim())) {
    // One sentence, so that the text is one output's: the service joins a text's sentences.
    const ours = await post('/translate', { text, model: MODEL, options: { return_attention: true, split_sentences: '0' } });
    const targetIds = ours.translations[0].attention.target_tokens.map((p) => pieces.indexOf(p));
    assert.equal(ours.translations[0].text, reference.decode(targetIds, { skip_special_tokens: true }), text);
  }
});

const sources = [
  ['en', 'The cat is sleeping on the sofa.'],
  ['en', 'Do you want to come with me tomorrow?'],
  ['fr', 'Je ne sais pas ce que tu veux dire.'],
  ['hi', 'मैं घर जा रहा हूँ।'],
];

for (const [source, text] of sources) {
  for (const target of Object.keys(codes).filter((t) => t !== source)) {
    test(`greedy ${source}→${target} gives transformers.js's tokens: ${text}`, async () => {
      const reference = await tokenizer();
      const kwargs = { src_lang: nameOf(codes[source]), tgt_lang: nameOf(codes[target]) };
      const inputs = reference._build_translation_inputs(text, {}, kwargs);
      // _build_translation_inputs sets forced_bos_token_id to the target's token, which the first mBART starts from.
      const start = spec.targetStarts
        ? { decoder_start_token_id: kwargs.forced_bos_token_id }
        : { forced_bos_token_id: kwargs.forced_bos_token_id };
      const output = await model.generate({ ...inputs, ...start, num_beams: 1, do_sample: false });
      const theirs = Array.from(output.data, Number).slice(1);

      const ours = await post('/translate', {
        text, model: MODEL, source_language: source, target_language: target, options: { return_attention: true },
      });
      const translation = ours.translations[0];
      assert.deepEqual(translation.attention.source_tokens, Array.from(inputs.input_ids.data, (id) => pieceOf(Number(id))));
      if (!spec.targetStarts) assert.equal(translation.attention.target_tokens[0], codes[target]);
      assert.deepEqual(translation.attention.target_tokens, theirs.map(pieceOf));
      assert.equal(translation.text, reference.decode(theirs, { skip_special_tokens: true }));
    });
  }
}

if (!spec.languages && tasks.length === 0) {
  for (const [, text] of sources) {
    test(`greedy gives transformers.js's tokens: ${text}`, async () => {
      const reference = await tokenizer();
      const inputs = reference(text);
      const output = await model.generate({ ...inputs, num_beams: 1, do_sample: false });
      const theirs = Array.from(output.data, Number).slice(1);

      const ours = await post('/translate', { text, model: MODEL, options: { return_attention: true } });
      const translation = ours.translations[0];
      assert.deepEqual(translation.attention.source_tokens, Array.from(inputs.input_ids.data, (id) => pieceOf(Number(id))));
      assert.deepEqual(translation.attention.target_tokens, theirs.map(pieceOf));
      assert.equal(translation.text, reference.decode(theirs, { skip_special_tokens: true }));
    });
  }
}

for (const [name, { prefix }] of tasks) {
  const pair = /^translation_([a-z]{2})_to_([a-z]{2})$/.exec(name);
  for (const [, text] of sources.slice(0, 3)) {
    test(`greedy ${name} (${pair ? 'by its languages' : 'by task'}) gives transformers.js's tokens: ${text}`, async () => {
      const reference = await tokenizer();
      const inputs = reference(prefix + text);
      const output = await model.generate({ ...inputs, num_beams: 1, do_sample: false });
      const theirs = Array.from(output.data, Number).slice(1);

      const chosen = pair ? { source_language: pair[1], target_language: pair[2] } : { task: name };
      const ours = await post('/translate', { text, model: MODEL, ...chosen, options: { return_attention: true } });
      const translation = ours.translations[0];
      assert.deepEqual(translation.attention.source_tokens, Array.from(inputs.input_ids.data, (id) => pieceOf(Number(id))));
      assert.deepEqual(translation.attention.target_tokens, theirs.map(pieceOf));
      assert.equal(translation.text, reference.decode(theirs, { skip_special_tokens: true }));
    });
  }
}

if (tasks.length > 0) {
  test('GET /models lists the tasks and their pairs; an unknown task is a 400 naming the tasks', async () => {
    const listed = (await (await fetch(`${SERVICE_URL}/models`)).json()).models.find((m) => m.name === MODEL);
    assert.deepEqual(listed.tasks.map((t) => [t.name, t.prefix]), tasks.map(([name, { prefix }]) => [name, prefix]));
    const pairs = tasks.map(([name]) => /^translation_([a-z]{2})_to_([a-z]{2})$/.exec(name)).filter((m) => m)
      .map((m) => ({ source: m[1], target: m[2] }));
    assert.deepEqual(listed.pairs, pairs);

    const response = await fetch(`${SERVICE_URL}/translate`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'x', model: MODEL, task: 'paraphrase' }),
    });
    assert.equal(response.status, 400);
    const problem = JSON.stringify(await response.json());
    for (const [name] of tasks) assert.ok(problem.includes(name), problem);
  });
}

test('transformers.js decodes the graphs as the PyTorch model they were exported from', async () => {
  const reference = JSON.parse(await readFile(join(bundle, 'reference.json'), 'utf8'));
  for (const c of reference.cases) {
    const start = c.decoder_start_token_id !== undefined ? { decoder_start_token_id: c.decoder_start_token_id }
      : c.forced_bos_token_id !== undefined ? { forced_bos_token_id: c.forced_bos_token_id } : {};
    const output = await model.generate({
      input_ids: int64(c.input_ids), attention_mask: int64(c.input_ids.map(() => 1)),
      ...start, max_length: reference.max_length, num_beams: 1, do_sample: false,
    });
    assert.deepEqual(Array.from(output.data, Number).slice(1), c.output_ids);
  }
});
