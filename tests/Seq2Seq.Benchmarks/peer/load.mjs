// Closed-loop keep-alive load generator used for both servers: C clients, each sending its next request as
// soon as the previous answer arrives, until N requests are done. Prints one JSON line.
// usage: node load.mjs <url> <clients> <requests> <sentences file> [options json]
import http from 'node:http';
import fs from 'node:fs';

const [url, clientsArg, requestsArg, sentencesFile, optionsJson] = process.argv.slice(2);
const clients = Number(clientsArg);
const total = Number(requestsArg);
const sentences = fs.readFileSync(sentencesFile, 'utf8').split('\n').filter((s) => s.trim());
const options = optionsJson ? JSON.parse(optionsJson) : undefined;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });

function send(text) {
  const body = JSON.stringify(options ? { text, options } : { text });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
const latencies = [];
let errors = 0;
const started = performance.now();
async function client() {
  while (next < total) {
    const i = next++;
    const r = await send(sentences[i % sentences.length]);
    if (r.status === 200) latencies.push(r.ms); else errors++;
  }
}
await Promise.all(Array.from({ length: clients }, client));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN;
console.log(JSON.stringify({
  url, clients, requests: total, errors, seconds: +seconds.toFixed(2), rps: +(latencies.length / seconds).toFixed(1),
  p50: +pct(0.5).toFixed(1), p95: +pct(0.95).toFixed(1), p99: +pct(0.99).toFixed(1),
}));
agent.destroy();
