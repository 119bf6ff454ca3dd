// Turns API failures into sentences a person can act on.

// The API names invalid fields by their JSON path; the page names them as its labels do.
const fieldLabels = {
  text: 'The text',
  texts: 'The texts',
  model: 'The model',
  'options.num_beams': 'Beams',
  'options.num_return_sequences': 'Candidates',
  'options.do_sample': 'Sampling',
  'options.temperature': 'Temperature',
  'options.seed': 'Seed',
  'options.max_new_tokens': 'Maximum new tokens',
  'options.return_attention': 'Attention',
};

const headings = {
  0: 'The service could not be reached',
  400: 'The request was not accepted',
  401: 'An API key is needed',
  403: 'This API key may not do that',
  404: 'The service does not offer this',
  413: 'The text is too large',
  415: 'The request was not understood',
  422: 'A sentence is too long for this model',
  429: 'Too many requests',
  503: 'The service is busy',
};

function retryHint(error) {
  const seconds = Number.parseInt(error.retryAfter, 10);
  return Number.isFinite(seconds) ? `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.` : 'Try again shortly.';
}

function fieldLines(errors) {
  return Object.entries(errors).flatMap(([field, messages]) =>
    (Array.isArray(messages) ? messages : [messages]).map((message) => `${fieldLabels[field] || field} ${message}`));
}

/** { heading, lines } for an ApiError. */
export function describe(error) {
  const { status, problem } = error;
  const heading = headings[status] || `The service answered with an error (HTTP ${status})`;
  if (status === 0) {
    return { heading, lines: ['Check the connection, then try again.'] };
  }
  if (problem.errors && Object.keys(problem.errors).length > 0) {
    return { heading, lines: fieldLines(problem.errors) };
  }
  const lines = [problem.detail || problem.title || 'No further detail was given.'];
  if (status === 429 || status === 503) {
    lines.push(retryHint(error));
  }
  return { heading, lines };
}
