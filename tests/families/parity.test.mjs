// The service against transformers.js 4.3.1 on the same bundle files (BUNDLE, named MODEL): the tokenizer
// encodes and decodes a varied corpus alike, greedy generate gives the same tokens and text for several sources and
// every pair (a multilingual bundle's target token forced first, or for the first mBART the decoder's start) or task
// (a T5 bundle's prefix written first), and the graphs decode as the PyTorch model they were exported from
// (reference.json). SERVICE_URL serves the bundle as MODEL with no repeat or length guard; TJS_DIR holds the npm
// package, MODELS_DIR/MODEL the bundle in transformers.js's layout. Marian's tokenizer is also held to spm_encode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const { SERVICE_URL, TJS_DIR, MODELS_DIR, MODEL, REPO, BUNDLE } = process.env;
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
  'tiny-t5-v1': {},
  // Marian: one pair, SentencePiece's tokenizer (below). transformers.js 4.3.1 reads only merged decoders, and
  // tiny-marian keeps Optimum's separate decoder files on purpose (the layout's own tests), so only its tokenizer is
  // compared here; the default bundle, merged, is compared in full.
  'tiny-marian': { marian: true, generates: false, reference: false },
  'marian-tatoeba-en-fr': { marian: true, reference: false },
}[MODEL];
const codes = spec.languages ?? {};
const nameOf = spec.name ?? ((token) => token);
// T5's tasks: the task_specific_params entries with a prefix, which transformers.js's pipelines write sources after.
const config = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'));
const tasks = Object.entries(config.task_specific_params ?? {}).filter(([, params]) => typeof params.prefix === 'string');
const model = spec.generates === false ? null : await AutoModelForSeq2SeqLM.from_pretrained(MODEL, { dtype: 'fp32' });

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

// Marian bundles are tokenized by SentencePiece, as Hugging Face's MarianTokenizer (which has no fast tokenizer) does:
// source.spm cuts the text, vocab.json maps the pieces, </s> ends it. transformers.js reads the tokenizer.json written
// beside them instead, and warns that it may differ. So every line must encode as spm_encode (Debian's sentencepiece)
// does on source.spm, and may differ from transformers.js only in these classes, on each of which spm_encode decides:
// - white space at the end: transformers.js 4.3.1 never calls its MarianTokenizer._encode_text (whose trim() would
//   drop it), so Metaspace writes a last "▁" that SentencePiece's remove_extra_whitespaces does not;
// - special tokens spelled in the text (</s>, <unk>, <pad>): transformers.js matches them as tokens (Hugging Face's slow
//   MarianTokenizer too, then cutting the rest apart); SentencePiece reads them as text, and so does the service on
//   purpose (docs/tokenizer.md): a user's "</s>" does not end the source;
// - transformers.js's Precompiled rules above, where tokenizer.json has that normalizer (the default bundle's);
// - and, found by the pieces rather than the text, segmentations of equal Unigram score: "a000" is ▁a 00 0 or
//   ▁a 0 00, both -24.8; SentencePiece keeps the first, transformers.js the second.
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const precompiled = JSON.stringify(tokenizerJson.normalizer ?? {}).includes('"Precompiled"');
const textClasses = spec.marian
  ? [
    ['white space at the end', /\s$/u],
    ['special tokens spelled in the text', new RegExp(tokenizerJson.added_tokens.map((t) => escape(t.content)).join('|'))],
    ...(precompiled ? [["transformers.js's Precompiled rules", ownRules]] : []),
  ]
  : [["transformers.js's own rules", ownRules]];
const scoreOf = (ids) => ids.reduce((sum, id) => sum + (tokenizerJson.model.vocab[id]?.[1] ?? 0), 0);
const equalScores = (ours, theirs) => ours.map(pieceOf).join('') === theirs.map(pieceOf).join('') &&
  Math.abs(scoreOf(ours) - scoreOf(theirs)) < 1e-4;

// The classes a line that encodes differently belongs to; none means the difference is unexplained.
function explain(text, ours, theirs) {
  const byText = textClasses.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
  return byText.length > 0 || !spec.marian ? byText
    : equalScores(ours, theirs) ? ['segmentations of equal score'] : [];
}

// spm_encode's pieces through vocab.json, as Hugging Face's MarianTokenizer maps them, and </s>.
const vocab = spec.marian ? JSON.parse(await readFile(join(BUNDLE, 'vocab.json'), 'utf8')) : null;
function spmEncode(texts) {
  const out = execFileSync('spm_encode', [`--model=${join(BUNDLE, 'source.spm')}`, '--output_format=piece'],
    { input: texts.map((t) => `${t}\n`).join(''), maxBuffer: 1 << 26 }).toString().split('\n');
  assert.equal(out.length, texts.length + 1, 'spm_encode wrote one line per line');
  return texts.map((_, i) => [...out[i].split(' ').filter((p) => p.length > 0).map((p) => vocab[p] ?? vocab['<unk>']),
    vocab['</s>']]);
}

test('the tokenizer encodes a varied corpus as transformers.js does', async () => {
  const reference = await tokenizer();
  const spm = spec.marian ? spmEncode(corpus) : null;
  const unexplained = [], notSpm = [], counts = {};
  let compared = 0, differ = 0;
  for (const [i, text] of corpus.entries()) {
    const ours = (await post('/tokenize', { text, model: MODEL })).ids;
    const theirs = reference.encode(text);
    if (spm && JSON.stringify(ours) !== JSON.stringify(spm[i])) notSpm.push({ text, ours, spm: spm[i] });
    compared += textClasses.some(([, pattern]) => pattern.test(text)) ? 0 : 1;
    if (JSON.stringify(ours) === JSON.stringify(theirs)) continue;
    differ += 1;
    const classes = explain(text, ours, theirs);
    if (classes.length === 0) unexplained.push({ text, ours, theirs });
    for (const name of classes) counts[name] = (counts[name] ?? 0) + 1;
  }
  console.log(`${corpus.length} lines, ${compared} in none of the classes of transformers.js's own behaviour; ` +
    `${differ} differ, by class: ${JSON.stringify(counts)}${spm ? `; ${corpus.length - notSpm.length} as spm_encode` : ''}`);
  assert.ok(compared > 250, `only ${compared} lines compared strictly`);
  assert.deepEqual(notSpm, []);
  assert.deepEqual(unexplained, []);
});

// Marian's target.spm decodes "▁?" with French's space before it, as spm_decode does, and so does the service;
// transformers.js's default clean_up_tokenization_spaces, an English rule, glues it to the word ("demain?"), so
// Marian's texts are compared with the clean-up off, and with spm_decode.
const decodeOptions = { skip_special_tokens: true, ...(spec.marian ? { clean_up_tokenization_spaces: false } : {}) };
const specialIds = new Set(tokenizerJson.added_tokens.filter((t) => t.special).map((t) => t.id));
const spmDecode = (ids) => execFileSync('spm_decode', [`--model=${join(BUNDLE, 'target.spm')}`, '--input_format=piece'],
  { input: `${ids.filter((id) => !specialIds.has(id)).map(pieceOf).join(' ')}\n` }).toString().replace(/\n$/, '');
const decoded = (reference, ids) => {
  const text = reference.decode(ids, decodeOptions);
  if (spec.marian) assert.equal(text, spmDecode(ids), 'spm_decode');
  return text;
};

test('outputs decode to the text transformers.js decodes, special tokens skipped', async () => {
  const reference = await tokenizer();
  for (const text of corpus.slice(-9).map((t) => t.trim())) {
    // One sentence, so that the text is one output's: the service joins a text's sentences.
    const ours = await post('/translate', { text, model: MODEL, options: { return_attention: true, split_sentences: '0' } });
    const targetIds = ours.translations[0].attention.target_tokens.map((p) => pieces.indexOf(p));
    assert.equal(ours.translations[0].text, decoded(reference, targetIds), text);
  }
});

const sources = [
  ['en', 'The cat is sleeping on the sofa.'],
  ['en', 'Do you want to come with me tomorrow?'],
  ['fr', 'Je ne sais pas ce que tu veux dire.'],
  ['hi', 'मैं घर जा रहा हूँ।'],
];

// A source the tokenizers cut differently (the ZWJ sequence: transformers.js's Precompiled rules space each joiner,
// SentencePiece drops them), so that generate starts from the service's ids.
const marianSources = [['en', 'My family \u{1F468}\u200D\u{1F469}\u200D\u{1F467} is here.']];

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
      assert.equal(translation.text, decoded(reference, theirs));
    });
  }
}

if (model && !spec.languages && tasks.length === 0) {
  for (const [, text] of [...sources, ...(spec.marian ? marianSources : [])]) {
    test(`greedy gives transformers.js's tokens: ${text}`, async () => {
      const reference = await tokenizer();
      let inputs = reference(text);
      // Where the tokenizers differ by a class above, transformers.js generates from the service's source.
      const ids = (await post('/tokenize', { text, model: MODEL })).ids;
      if (JSON.stringify(ids) !== JSON.stringify(Array.from(inputs.input_ids.data, Number))) {
        assert.notDeepEqual(explain(text, ids, Array.from(inputs.input_ids.data, Number)), [], text);
        inputs = { input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)) };
      }
      const output = await model.generate({ ...inputs, num_beams: 1, do_sample: false });
      const theirs = Array.from(output.data, Number).slice(1);

      // Marian's generation_config.json asks for 4 beams; greedy is asked for here as of transformers.js.
      const ours = await post('/translate', { text, model: MODEL, options: { return_attention: true, num_beams: 1 } });
      const translation = ours.translations[0];
      assert.deepEqual(translation.attention.source_tokens, Array.from(inputs.input_ids.data, (id) => pieceOf(Number(id))));
      assert.deepEqual(translation.attention.target_tokens, theirs.map(pieceOf));
      assert.equal(translation.text, decoded(reference, theirs));
    });
  }
}

// A task's other fields are its defaults in the service, as Hugging Face's pipelines apply them; transformers.js's
// generate is given them, and both are asked for greedy search (a request's options win over the task's num_beams).
for (const [name, { prefix, num_beams: _, ...fields }] of tasks) {
  const pair = /^translation_([a-z]{2})_to_([a-z]{2})$/.exec(name);
  for (const [, text] of sources.slice(0, 3)) {
    test(`greedy ${name} (${pair ? 'by its languages' : 'by task'}) gives transformers.js's tokens: ${text}`, async () => {
      const reference = await tokenizer();
      const inputs = reference(prefix + text);
      const output = await model.generate({ ...inputs, ...fields, num_beams: 1, do_sample: false });
      const theirs = Array.from(output.data, Number).slice(1);

      const chosen = pair ? { source_language: pair[1], target_language: pair[2] } : { task: name };
      const ours = await post('/translate', { text, model: MODEL, ...chosen, options: { return_attention: true, num_beams: 1 } });
      const translation = ours.translations[0];
      assert.deepEqual(translation.attention.source_tokens, Array.from(inputs.input_ids.data, (id) => pieceOf(Number(id))));
      assert.deepEqual(translation.attention.target_tokens, theirs.map(pieceOf));
      assert.equal(translation.text, decoded(reference, theirs));
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

// forced_eos_token_id (BART's): an output that reaches max_new_tokens ends with it there, as Hugging Face's
// ForcedEOSTokenLogitsProcessor, which transformers.js implements, makes it; the service reports the limit as the reason.
const generationConfig = JSON.parse(await readFile(join(bundle, 'generation_config.json'), 'utf8'));
if (model && generationConfig.forced_eos_token_id != null) {
  for (const max_new_tokens of [1, 2, 5]) {
    test(`max_new_tokens ${max_new_tokens} ends with the forced eos as transformers.js's, finish_reason length`, async () => {
      const [, text] = sources[0];
      const output = await model.generate({ ...(await tokenizer())(text), max_new_tokens, num_beams: 1, do_sample: false });
      const theirs = Array.from(output.data, Number).slice(1);

      const ours = await post('/translate', {
        text, model: MODEL, options: { return_attention: true, num_beams: 1, max_new_tokens },
      });
      const translation = ours.translations[0];
      assert.equal(theirs.length, max_new_tokens);
      assert.equal(theirs.at(-1), generationConfig.forced_eos_token_id);
      assert.deepEqual(translation.attention.target_tokens, theirs.map(pieceOf));
      assert.equal(translation.finish_reason, 'length');
    });
  }
}

// reference.json is written by the tiny_*.py generators; the Marian bundles' exports were checked against PyTorch by
// models/training/parity.py instead.
if (model && spec.reference !== false) test('transformers.js decodes the graphs as the PyTorch model they were exported from', async () => {
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
