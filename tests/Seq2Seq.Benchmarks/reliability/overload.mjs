// Open-ended overload for a memory measurement: C keep-alive clients, each sending its next request as soon as
// the previous answer arrives, for S seconds; texts of 1 to 8 sentences drawn in turn from a file. Prints one JSON
// line with the statuses. usage: node overload.mjs <url> <clients> <seconds> <sentences file>
import http from 'node:http';
import fs from 'node:fs';

const [url, clientsArg, secondsArg, sentencesFile] = process.argv.slice(2);
const clients = Number(clientsArg);
const until = performance.now() + Number(secondsArg) * 1000;
const sentences = fs.readFileSync(sentencesFile, 'utf8').split('\n').filter((s) => s.trim());
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const statuses = {};
let next = 0;

function send(text) {
  const body = JSON.stringify({ text });
  return new Promise((resolve) => {
    const req = http.request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    });
    req.on('error', () => resolve('error'));
    req.end(body);
  });
}

async function client() {
  while (performance.now() < until) {
    const count = 1 + (next % 8);
    const start = (next++ * 7) % sentences.length;
    const text = Array.from({ length: count }, (_, k) => sentences[(start + k) % sentences.length]).join(' ');
    const status = await send(text);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
}

await Promise.all(Array.from({ length: clients }, client));
console.log(JSON.stringify({ clients, statuses }));
