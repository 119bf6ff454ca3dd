// The page: pick a model, type, translate; options, candidates, timings, attention, errors, API key; a file area (documents.js).
import { ApiError, apiKey, call, stream } from './api.js';
import { describe } from './errors.js';
import { drawHeatmap } from './heatmap.js';
import { setUpDocuments } from './documents.js';

const $ = (id) => document.getElementById(id);
const form = $('translate-form');
const modelSelect = $('model');
const source = $('source');
const translateButton = $('translate');
const status = $('status');
const errorBox = $('error');
const result = $('result');
const options = {
  beams: $('beams'),
  candidates: $('candidates'),
  sample: $('sample'),
  temperature: $('temperature'),
  seed: $('seed'),
  attention: $('attention'),
};

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
let models = [];
let maxTextLength = Infinity;
// What to run again once the person has given an API key.
let retryAfterKey = null;

function languageName(code) {
  try {
    return code ? languageNames.of(code) : null;
  } catch {
    return code;
  }
}

// GET /models marks each model that accepts options.return_attention with "attention": true.
const returnsAttention = (model) => model?.attention === true;

function selectedModel() {
  return models.find((m) => m.name === modelSelect.value);
}

function showError(error) {
  const { heading, lines } = describe(error);
  const title = document.createElement('strong');
  title.textContent = heading;
  const list = document.createElement('ul');
  list.append(...lines.map((line) => Object.assign(document.createElement('li'), { textContent: line })));
  errorBox.replaceChildren(title, list);
  errorBox.hidden = false;
}

function clearError() {
  errorBox.hidden = true;
  errorBox.replaceChildren();
}

function askForKey(error, retry) {
  retryAfterKey = retry;
  const rejected = apiKey.get() !== null;
  apiKey.clear();
  $('key-reason').textContent = rejected
    ? 'The key was not accepted. Enter another one.'
    : error.problem.detail || 'This service asks for an API key.';
  $('key-form').hidden = false;
  $('key').focus();
}

async function guarded(action) {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    if (error.status === 401) {
      askForKey(error, action);
    } else {
      showError(error);
    }
  }
}

function applyModel() {
  const model = selectedModel();
  if (!model) {
    return;
  }
  const defaults = model.generation_defaults || {};
  options.beams.max = model.limits.max_beams;
  options.beams.value = defaults.num_beams ?? 1;
  maxTextLength = model.limits.max_text_length;
  $('attention-field').hidden = !returnsAttention(model);
  const from = languageName(model.source_language);
  $('source-label').textContent = from ? `Text to translate (${from})` : 'Text to translate';
  source.lang = model.source_language || '';
  updateCount();
  syncOptions();
}

async function loadModels() {
  const list = await call('models');
  models = list.models;
  modelSelect.replaceChildren(...models.map((m) => {
    const from = languageName(m.source_language);
    const to = languageName(m.target_language);
    const name = m.architecture ? `${m.name}, ${m.architecture}` : m.name;
    const label = from && to ? `${from} \u2192 ${to} (${name})` : name;
    return new Option(label, m.name, m.name === list.default, m.name === list.default);
  }));
  modelSelect.disabled = false;
  translateButton.disabled = false;
  applyModel();
}

function syncOptions() {
  const sampling = options.sample.checked;
  options.beams.disabled = sampling;
  options.temperature.disabled = !sampling;
  options.seed.disabled = !sampling;
  if (!sampling) {
    options.candidates.max = options.beams.value;
  } else {
    options.candidates.removeAttribute('max');
  }
}

function updateCount() {
  const length = source.value.length;
  const count = $('count');
  count.textContent = Number.isFinite(maxTextLength) ? `${length} / ${maxTextLength}` : String(length);
  count.classList.toggle('over', length > maxTextLength);
}

function integer(input) {
  const value = Number.parseInt(input.value, 10);
  return Number.isFinite(value) ? value : undefined;
}

function requestOptions() {
  const chosen = { num_return_sequences: integer(options.candidates), return_scores: true };
  if (options.sample.checked) {
    chosen.do_sample = true;
    chosen.temperature = Number.parseFloat(options.temperature.value) || undefined;
    chosen.seed = integer(options.seed);
  } else {
    chosen.num_beams = integer(options.beams);
  }
  if (returnsAttention(selectedModel()) && options.attention.checked) {
    chosen.return_attention = true;
  }
  return chosen;
}

function milliseconds(value) {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

// Below this mean token log-probability (a geometric-mean token probability under about 0.5) a sentence is shaded
// as doubtful; docs/web-page.md says how it was chosen.
const DOUBTFUL_MEAN_LOG_PROB = -0.7;

// The translation as text nodes for the layout and one span per sentence, doubtful ones shaded, so the reader
// sees which sentences to check; the text itself is unchanged.
function sentenceNodes(translation) {
  const sentences = translation.scores?.sentences || [];
  const nodes = [];
  let at = 0;
  for (const sentence of sentences) {
    const start = translation.text.indexOf(sentence.text, at);
    if (start < 0) {
      break;
    }
    nodes.push(document.createTextNode(translation.text.slice(at, start)));
    const span = Object.assign(document.createElement('span'), { textContent: sentence.text, className: 'sentence' });
    if (sentence.mean_log_prob < DOUBTFUL_MEAN_LOG_PROB) {
      span.classList.add('doubtful');
      span.title = `The model was unsure of this sentence (mean token log-probability ${sentence.mean_log_prob.toFixed(2)}).`;
    }
    nodes.push(span);
    at = start + sentence.text.length;
  }
  nodes.push(document.createTextNode(translation.text.slice(at)));
  return nodes;
}

function showTranslation(response, targetLanguage) {
  const [translation] = response.translations;
  const text = $('translation');
  text.replaceChildren(...sentenceNodes(translation));
  text.lang = targetLanguage || '';
  $('doubtful-note').hidden = !text.querySelector('.doubtful');

  const alternatives = translation.alternatives || [];
  $('alternatives').replaceChildren(...alternatives.map((a) =>
    Object.assign(document.createElement('li'), { textContent: a.text, lang: targetLanguage || '' })));
  $('alternatives-block').hidden = alternatives.length === 0;

  const t = response.timings;
  const cut = translation.finish_reason === 'length' ? ' · cut at the token limit' : '';
  $('meta').textContent =
    `queue ${milliseconds(t.queue_ms)} · encode ${milliseconds(t.encode_ms)} · decode ${milliseconds(t.decode_ms)}` +
    ` · ${translation.input_tokens} \u2192 ${translation.output_tokens} tokens${cut}`;

  const heatmap = $('heatmap');
  if (translation.attention) {
    drawHeatmap(heatmap.querySelector('.heatmap-scroll'), translation.attention);
    heatmap.hidden = false;
  } else {
    heatmap.hidden = true;
  }
  result.hidden = false;
}

async function translate() {
  const model = selectedModel();
  clearError();
  translateButton.disabled = true;
  result.setAttribute('aria-busy', 'true');
  status.textContent = 'Translating…';
  try {
    const text = $('translation');
    text.replaceChildren();
    text.lang = model?.target_language || '';
    $('meta').textContent = '';
    $('alternatives-block').hidden = true;
    $('doubtful-note').hidden = true;
    $('heatmap').hidden = true;
    // Long texts arrive sentence by sentence; the final answer then replaces them with the shaded, scored version.
    const response = await stream('translate', { text: source.value, model: model?.name, options: requestOptions() },
      (sentence) => {
        text.append(sentence.before, Object.assign(document.createElement('span'),
          { textContent: sentence.text, className: 'sentence' }), sentence.after);
        result.hidden = false;
        status.textContent = `Translating… ${sentence.sentence + 1} of ${sentence.sentences} sentences`;
      });
    showTranslation(response, model?.target_language);
    status.textContent = 'Done.';
  } catch (error) {
    status.textContent = '';
    result.hidden = true;
    throw error;
  } finally {
    translateButton.disabled = false;
    result.removeAttribute('aria-busy');
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  guarded(translate);
});

form.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    if (!translateButton.disabled) {
      form.requestSubmit();
    }
  }
});

source.addEventListener('input', updateCount);
modelSelect.addEventListener('change', applyModel);
options.sample.addEventListener('change', syncOptions);
options.beams.addEventListener('input', syncOptions);

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('key').value.trim();
  if (!key) {
    return;
  }
  apiKey.set(key);
  $('key').value = '';
  $('key-form').hidden = true;
  clearError();
  const retry = retryAfterKey;
  retryAfterKey = null;
  if (retry) {
    guarded(retry);
  }
});

guarded(loadModels);
setUpDocuments(guarded, () => modelSelect.value);
