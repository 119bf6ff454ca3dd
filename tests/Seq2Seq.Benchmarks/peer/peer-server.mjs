// The peer: transformers.js serving the same ONNX files behind a minimal HTTP server.
// usage: node peer-server.mjs <models root> <model id> <port> [dtype: fp32 (default) or q8, the *_quantized.onnx files]
// POST /translate {"text": "...", "options": {"num_beams": n, "max_new_tokens": n}} -> {"translation": "..."}
// GET /ready -> 200 once the pipeline is loaded and has translated one sentence.
import http from 'node:http';
import { env, pipeline } from '@huggingface/transformers';

const [root, modelId, port, dtype = 'fp32'] = process.argv.slice(2);
env.allowRemoteModels = false;
env.localModelPath = root;
const started = performance.now();
const translator = await pipeline('translation', modelId, { dtype });
await translator('Hello.', { max_new_tokens: 8 });
const readyMs = performance.now() - started;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/ready') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ready_ms: readyMs }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/translate') {
    res.writeHead(404);
    res.end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const options = body.options ?? {};
      const out = await translator(body.text, {
        num_beams: options.num_beams ?? 1,
        max_new_tokens: options.max_new_tokens ?? 255,
      });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ translation: out[0].translation_text }));
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: String(e) }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), '127.0.0.1');
