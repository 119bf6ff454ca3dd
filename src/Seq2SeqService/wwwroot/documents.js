// "Translate a file": upload to POST /documents, follow its status, offer the translation as a download.
import { call, download } from './api.js';

const $ = (id) => document.getElementById(id);
const form = $('file-form');
const input = $('file');
const drop = $('file-drop');
const button = $('file-translate');
const progress = $('file-progress');
const status = $('file-status');
const link = $('file-download');

// How long to wait between status polls when the service gives no estimate yet.
const pollMs = 500;

const wait = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

function chosen(file) {
  $('file-name').textContent = file ? file.name : 'Choose a file or drop it here';
  button.disabled = !file;
  link.hidden = true;
}

async function follow(handle) {
  // Relative, as every call of the page is, so that it works under a path prefix too.
  const statusUrl = `documents/${handle.id}?key=${handle.key}`;
  for (;;) {
    const job = await call(statusUrl);
    progress.value = job.progress;
    if (job.status === 'done' || job.status === 'error') {
      return job;
    }
    status.textContent = job.status === 'queued'
      ? 'Waiting for its turn…'
      : `Translating… ${Math.round(job.progress * 100)} %`;
    await wait(job.seconds_remaining > 0 ? Math.min(job.seconds_remaining * 250, 2000) : pollMs);
  }
}

/** Uploads the chosen file for the model chosen above and shows progress until the translation can be saved. */
async function translateFile(model) {
  const file = input.files[0];
  const body = new FormData();
  body.append('file', file, file.name);
  if (model) {
    body.append('model', model);
  }
  button.disabled = true;
  link.hidden = true;
  progress.value = 0;
  progress.hidden = false;
  status.textContent = 'Uploading…';
  form.setAttribute('aria-busy', 'true');
  try {
    const handle = await call('documents', body);
    const job = await follow(handle);
    // A failed job's result is its problem document, which the page shows as it shows any error.
    const translated = await download(`documents/${handle.id}/result?key=${handle.key}`);
    URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(translated);
    link.download = job.file_name;
    link.textContent = `Download ${job.file_name}`;
    link.hidden = false;
    status.textContent = `Translated: ${job.billed_characters} characters.`;
  } catch (error) {
    progress.hidden = true;
    status.textContent = '';
    throw error;
  } finally {
    button.disabled = !input.files[0];
    form.removeAttribute('aria-busy');
  }
}

/** Wires the area; guarded runs an action the way the page runs its own (key prompt, error panel). */
export function setUpDocuments(guarded, selectedModel) {
  input.addEventListener('change', () => chosen(input.files[0]));
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    if (event.dataTransfer.files.length > 0) {
      input.files = event.dataTransfer.files;
      chosen(input.files[0]);
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.files[0]) {
      guarded(() => translateFile(selectedModel()));
    }
  });
  call('frontend/settings').then((settings) => {
    input.accept = settings.supportedFilesFormat.join(',');
  }, () => {});
}
