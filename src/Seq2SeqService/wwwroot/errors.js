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
  422: 'The request ran out of time or tokens',
  429: 'Too many requests',
  503: 'The service is busy',
};

function retryHint(error) {
  const seconds = Number.parseInt(error.retryAfter, 10);
  if (Number.isFinite(seconds)) {
    return `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  }
  return error.status === 503 ? 'Try again shortly.' : null;
}

function fieldLines(errors) {
  return Object.entries(errors).flatMap(([field, messages]) =>
    (Array.isArray(messages) ? messages : [messages]).map((message) => `${fieldLabels[field] || field} ${message}`));
}

/** { heading, lines } for an ApiError. */
export function describe(error) {
  const { status, problem } = error;
  // A 429 can mean a rate or a quota; the service's own title says which.
  const heading = (status === 429 && problem.title) || headings[status] ||
    `The service answered with an error (HTTP ${status})`;
  if (status === 0) {
    return { heading, lines: ['Check the connection, then try again.'] };
  }
  if (problem.errors && Object.keys(problem.errors).length > 0) {
    return { heading, lines: fieldLines(problem.errors) };
  }
  const lines = [problem.detail || problem.title || 'No further detail was given.'];
  const hint = retryHint(error);
  if (hint) {
    lines.push(hint);
  }
  return { heading, lines };
}
