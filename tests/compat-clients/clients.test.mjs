// The real clients against the real service: OPEN_URL has no keys, KEYED_URL has API_KEY, LIMITED_KEY (2
// requests a minute) and QUOTA_KEY (30 characters a month). Each test uses its own key budget, so the order
// of tests does not matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(`${process.env.CLIENTS_DIR}/`);
const deepl = require('deepl-node');
const { translate } = require('libretranslate');

const { OPEN_URL, KEYED_URL, API_KEY, LIMITED_KEY, QUOTA_KEY } = process.env;
const sentence = 'The cat is sleeping on the sofa.';

// maxRetries 0: a 429 must surface rather than be retried with backoff.
const translator = (serverUrl, key) => new deepl.Translator(key, { serverUrl, maxRetries: 0, sendPlatformInfo: false });

test('libretranslate client translates English to French on an open service', async () => {
  const text = await translate({ query: sentence, source: 'en', target: 'fr', apiurl: OPEN_URL });
  assert.match(text, /chat/i);
});

test('libretranslate client detects the source with source auto', async () => {
  const text = await translate({ query: 'Where is the station?', target: 'fr', apiurl: OPEN_URL });
  assert.match(text, /gare/i);
});

test('libretranslate client reads the language list and refuses a language the service lacks', async () => {
  await assert.rejects(translate({ query: sentence, source: 'en', target: 'de', apiurl: OPEN_URL }),
    /language was not found/);
});

test('deepl-node translates English to French with the source detected', async () => {
  const result = await translator(OPEN_URL, 'any-key').translateText(sentence, null, 'fr');
  assert.match(result.text, /chat/i);
  assert.equal(result.detectedSourceLang, 'en');
  assert.equal(result.billedCharacters, sentence.length);
});

test('deepl-node translates several texts and HTML with tag handling', async () => {
  const results = await translator(OPEN_URL, 'any-key').translateText(
    ['Good morning.', '<p>I am <b>hungry</b>.</p>'], 'en', 'fr', { tagHandling: 'html', formality: 'more' });
  assert.equal(results.length, 2);
  assert.match(results[1].text, /^<p>.+<b>.+<\/b>.*<\/p>$/);
});

// The default bundles: English→French (Marian, GRU) and the multilingual model's English, French and Hindi, whose
// English targets DeepL spells with its two variants.
test('deepl-node lists source and target languages', async () => {
  const client = translator(OPEN_URL, 'any-key');
  assert.deepEqual((await client.getSourceLanguages()).map(l => [l.code, l.name]),
    [['en', 'English'], ['fr', 'French'], ['hi', 'Hindi']]);
  assert.deepEqual((await client.getTargetLanguages()).map(l => l.code), ['fr', 'hi', 'en-GB', 'en-US']);
});

test('deepl-node reads usage on an open service', async () => {
  const client = translator(OPEN_URL, 'any-key');
  const before = (await client.getUsage()).character.count;
  await client.translateText('Thank you.', 'en', 'fr');
  const usage = await client.getUsage();
  assert.equal(usage.character.count, before + 'Thank you.'.length);
  assert.equal(usage.anyLimitReached(), false);
});

test('libretranslate client works with the right key and gets nothing with a wrong one', async () => {
  const text = await translate({ query: sentence, source: 'en', target: 'fr', apiurl: KEYED_URL, apiKey: API_KEY });
  assert.match(text, /chat/i);
  const refused = await translate({ query: sentence, source: 'en', target: 'fr', apiurl: KEYED_URL, apiKey: 'wrong' });
  assert.equal(refused, undefined);
  const raw = await fetch(`${KEYED_URL}/translate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ q: sentence, source: 'en', target: 'fr', api_key: 'wrong' }),
  });
  assert.equal(raw.status, 403);
  assert.deepEqual(await raw.json(), { error: 'Invalid API key' });
});

test('deepl-node is refused with a wrong key and served with the right one', async () => {
  await assert.rejects(translator(KEYED_URL, 'wrong').translateText(sentence, null, 'fr'), deepl.AuthorizationError);
  await assert.rejects(translator(KEYED_URL, 'wrong').getUsage(), deepl.AuthorizationError);
  const client = translator(KEYED_URL, API_KEY);
  assert.match((await client.translateText(sentence, 'en', 'fr')).text, /chat/i);
  assert.equal((await client.getUsage()).character.limit, 1e12);
});

test('deepl-node gets TooManyRequestsError past the key request rate, and lookups do not use it up', async () => {
  const client = translator(KEYED_URL, LIMITED_KEY);
  await client.getUsage();
  await client.getSourceLanguages();
  await client.translateText(sentence, 'en', 'fr');
  await client.translateText(sentence, 'en', 'fr');
  await assert.rejects(client.translateText(sentence, 'en', 'fr'), deepl.TooManyRequestsError);
  assert.equal((await client.getUsage()).character.limit, 1e12);
});

test('deepl-node gets QuotaExceededError past the key character quota and sees it in usage', async () => {
  const client = translator(KEYED_URL, QUOTA_KEY);
  await client.translateText('Where is the station?', 'en', 'fr');
  await assert.rejects(client.translateText('Where is the station?', 'en', 'fr'), deepl.QuotaExceededError);
  const usage = await client.getUsage();
  assert.equal(usage.character.count, 'Where is the station?'.length);
  assert.equal(usage.character.limit, 30);
});

test('deepl-node translates a .txt document end to end, layout kept, and is refused a format the service lacks', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'documents-'));
  try {
    const client = translator(KEYED_URL, API_KEY);
    const input = join(folder, 'notes.txt');
    await writeFile(input, `${sentence}\n\nWhere is the station?\n`);
    const output = join(folder, 'notes.fr.txt');
    const status = await client.translateDocument(input, output, 'en', 'fr');
    assert.equal(status.status, 'done');
    assert.equal(status.billedCharacters, sentence.length + 'Where is the station?'.length);
    const [first, blank, second, end] = (await readFile(output, 'utf8')).split('\n');
    assert.match(first, /chat/i);
    assert.equal(blank, '');
    assert.match(second, /gare/i);
    assert.equal(end, '');

    const pdf = join(folder, 'report.pdf');
    await writeFile(pdf, '%PDF-1.4');
    await assert.rejects(client.translateDocument(pdf, join(folder, 'report.fr.pdf'), 'en', 'fr'),
      e => e instanceof deepl.DeepLError && /supported: txt, srt, md, docx, xlsx, pptx, html, odt, odp, epub/.test(`${e.message} ${e.error?.message}`));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

// The files are written and read back by python3-docx, python3-openpyxl, pandoc and Python's own parsers
// (tests/fixtures/documents), never by this service's libraries.
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'documents');
const python = (script, ...args) => execFileSync('/usr/bin/python3', [join(fixtures, script), ...args], { encoding: 'utf8' });
const french = /\b(le|la|les|un|une|des|mes|mon|ma|est|et|chat|gare|temps|voiture|livre|plage|ville|vacances)\b/i;

for (const kind of ['docx', 'xlsx', 'pptx', 'html']) {
  test(`deepl-node translates a ${kind} made by an independent tool into French, structure kept`, async () => {
    const folder = await mkdtemp(join(tmpdir(), 'documents-'));
    try {
      const input = join(folder, `made.${kind}`);
      const output = join(folder, `made.fr.${kind}`);
      python('make.py', kind, input);
      const status = await translator(KEYED_URL, API_KEY).translateDocument(input, output, 'en', 'fr');
      assert.equal(status.status, 'done');
      const [before, after] = [input, output].map(file => JSON.parse(python('read.py', kind, file)));
      const texts = {
        docx: d => [...d.paragraphs.map(p => p.text), ...d.tables.flat(2)],
        xlsx: d => Object.values(d.sheets).flatMap(cells => Object.values(cells).map(String)),
        pptx: d => d.slides.flatMap(s => s.texts),
        html: d => d.blocks.map(b => b.text),
      }[kind];
      const [source, target] = [texts(before), texts(after)];
      assert.equal(target.length, source.length);
      assert.ok(target.some(t => french.test(t)), target.join(' | '));
      assert.notDeepEqual(target, source);
      if (kind === 'xlsx') {
        assert.equal(after.sheets.Prices.A4, '=A2*A3');
        assert.equal(after.sheets.Prices.A2, 12.5);
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
}

for (const kind of ['odt', 'odp', 'epub']) {
  test(`LibreTranslate's /translate_file and /download_file translate an ${kind} made by an independent tool into French`, async () => {
    const folder = await mkdtemp(join(tmpdir(), 'documents-'));
    try {
      const input = join(folder, `made.${kind}`);
      const output = join(folder, `made.fr.${kind}`);
      python('make.py', kind, input);
      const form = new FormData();
      form.append('file', new Blob([await readFile(input)]), `made.${kind}`);
      form.append('source', 'en');
      form.append('target', 'fr');
      const upload = await fetch(`${OPEN_URL}/translate_file`, { method: 'POST', body: form });
      assert.equal(upload.status, 200);
      const download = await fetch((await upload.json()).translatedFileUrl);
      assert.equal(download.status, 200);
      await writeFile(output, Buffer.from(await download.arrayBuffer()));
      const [before, after] = [input, output].map(file => JSON.parse(python('read.py', kind, file)));
      const texts = kind === 'odp' ? d => d.pages.flat() : d => d.blocks.map(b => b.text).filter(t => t);
      assert.equal(texts(after).length, texts(before).length);
      assert.ok(texts(after).every(t => french.test(t)), texts(after).join(' | '));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
}
