// The attention heatmap: one row per target token, one column per source token, darker = more attention.

// SentencePiece marks a word start with U+2581; a reader wants the word, and a visible mark for a lone space.
function display(token) {
  const text = token.replace(/^\u2581/, '');
  return text === '' ? '\u2423' : text;
}

function header(tag, token, scope) {
  const cell = document.createElement(tag);
  cell.scope = scope;
  cell.textContent = display(token);
  cell.title = token;
  return cell;
}

/** Fills container with a table for attention = { source_tokens, target_tokens, weights[target][source] }. */
export function drawHeatmap(container, attention) {
  const { source_tokens: sources, target_tokens: targets, weights } = attention;
  const table = document.createElement('table');

  const head = table.createTHead().insertRow();
  const corner = document.createElement('td');
  head.append(corner, ...sources.map((token) => header('th', token, 'col')));

  const body = table.createTBody();
  targets.forEach((target, i) => {
    const row = body.insertRow();
    row.append(header('th', target, 'row'));
    const rowWeights = weights[i] || [];
    const strongest = rowWeights.indexOf(Math.max(...rowWeights));
    sources.forEach((source, j) => {
      const weight = Number(rowWeights[j] ?? 0);
      const cell = row.insertCell();
      cell.style.setProperty('--w', Math.min(1, Math.max(0, weight)).toFixed(3));
      cell.dataset.weight = weight.toFixed(3);
      if (j === strongest) {
        cell.classList.add('strongest');
      }
      cell.title = `${display(target)} \u2190 ${display(source)}: ${weight.toFixed(2)}`;
      const value = document.createElement('span');
      value.className = 'sr-only';
      value.textContent = weight.toFixed(2);
      cell.append(value);
    });
  });

  container.replaceChildren(table);
}
