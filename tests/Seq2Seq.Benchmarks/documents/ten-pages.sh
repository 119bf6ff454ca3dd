#!/usr/bin/env bash
# A 10-page Word document through DeepL's document calls (not part of CI): about 5,000 words of English (the
# English side of the Tatoeba pairs, every n-th sentence of 6 to 16 words, six to a paragraph, a heading every five
# paragraphs), written to docx by pandoc, uploaded to the Release build serving the default bundle, polled every
# 0.2 s until done, and downloaded. Prints the seconds from upload to done and to downloaded, and the words and
# paragraphs read back from both files by python3-docx.
# usage: tests/Seq2Seq.Benchmarks/documents/ten-pages.sh [Tatoeba tsv (default ../shared/data/tatoeba-fra-eng/fra-eng.tsv beside the repository)]
#   (needs the Release build: dotnet build src/Seq2SeqService -c Release; pandoc, curl, /usr/bin/python3 with python3-docx)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
tsv=${1:-$repo/../shared/data/tatoeba-fra-eng/fra-eng.tsv}
binary=$repo/src/Seq2SeqService/bin/Release/net10.0/linux-x64/Seq2SeqService
work=$(mktemp -d)
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$repo" rev-parse --short HEAD)"
/usr/bin/python3 - "$tsv" > "$work/ten-pages.md" <<'PY'
import sys
english = list(dict.fromkeys(line.split("\t")[0] for line in open(sys.argv[1], encoding="utf-8")))
sentences = [s for s in english if 6 <= len(s.split()) <= 16][::53]
words, paragraphs, taken = 0, [], iter(sentences)
while words < 5000:
    if len(paragraphs) % 6 == 0:
        paragraphs.append(f"# Part {len(paragraphs) // 6 + 1}")
    paragraph = " ".join(next(taken) for _ in range(6))
    words += len(paragraph.split())
    paragraphs.append(paragraph)
print("\n\n".join(paragraphs))
PY
pandoc -f markdown -t docx -o "$work/ten-pages.docx" "$work/ten-pages.md"
count() { /usr/bin/python3 -c 'import docx, sys; p = [p.text for p in docx.Document(sys.argv[1]).paragraphs if p.text.strip()]; print(f"{sum(len(t.split()) for t in p)} words in {len(p)} paragraphs")' "$1"; }
echo "source: $(count "$work/ten-pages.docx"), $(stat -c %s "$work/ten-pages.docx") bytes"

port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port
Service__Models__Bundles__0__Path=$repo/models/marian-tatoeba-en-fr Service__Documents__Folder=$work/store \
  "$binary" --urls "$url" > "$work/server.log" 2>&1 &
server=$!
until curl -sf -o /dev/null "$url/health/ready"; do
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done

field() { /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
start=$(date +%s.%N)
upload=$(curl -sf "$url/v2/document" -F "file=@$work/ten-pages.docx" -F target_lang=FR)
id=$(field document_id <<< "$upload")
key=$(field document_key <<< "$upload")
while status=$(curl -sf "$url/v2/document/$id" -d "document_key=$key" | field status); [[ $status != done ]]; do
  [[ $status != error ]] || { echo "the job failed"; exit 1; }
  sleep 0.2
done
done_at=$(date +%s.%N)
curl -sf -o "$work/translated.docx" "$url/v2/document/$id/result" -d "document_key=$key"
end=$(date +%s.%N)
echo "translated: $(count "$work/translated.docx")"
awk -v s="$start" -v d="$done_at" -v e="$end" 'BEGIN { printf "upload to done %.1f s, upload to downloaded %.1f s\n", d - s, e - s }'
