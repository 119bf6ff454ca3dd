# Seq2SeqService container image.
#   docker build -t seq2seq-service .
#   docker run --rm -p 127.0.0.1:8080:8080 seq2seq-service
# docs/deployment.md covers model mounts, compose and Kubernetes;
# docker/test-image.sh builds this file unmodified and checks the running container.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# npm from the base image's own package sources: the build fetches ONNX Runtime's native library with
# `npm pack` (src/Seq2Seq.OnnxRuntime/build/OnnxRuntimeNative.targets). Its own layer, first, so that no
# change to the repository installs it again.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm \
    && rm -rf /var/lib/apt/lists/*

# The library itself, checked against the integrity pinned in the targets file and cached under
# ~/.cache/seq2seq, where the publish below finds it. It depends only on that file, so source changes
# never fetch it again.
COPY src/Seq2Seq.OnnxRuntime/build/OnnxRuntimeNative.targets src/Seq2Seq.OnnxRuntime/build/
RUN dotnet msbuild src/Seq2Seq.OnnxRuntime/build/OnnxRuntimeNative.targets -nologo -t:OrtProvideNativeLibrary

# Project files alone first, so the restore layer is reused until a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Seq2Seq.OnnxRuntime/Seq2Seq.OnnxRuntime.csproj src/Seq2Seq.OnnxRuntime/
COPY src/Seq2Seq.Tokenizers/Seq2Seq.Tokenizers.csproj src/Seq2Seq.Tokenizers/
COPY src/Seq2Seq.Inference/Seq2Seq.Inference.csproj src/Seq2Seq.Inference/
COPY src/Seq2SeqService/Seq2SeqService.csproj src/Seq2SeqService/
RUN dotnet restore src/Seq2SeqService/Seq2SeqService.csproj

COPY src/ src/
RUN dotnet publish src/Seq2SeqService/Seq2SeqService.csproj -c Release --no-restore -nologo \
        -p:UseAppHost=false -o /app \
    && test -f /app/libonnxruntime.so.1


FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime

# The default model bundle, baked in. To serve another, mount its folder (read-only) under /models and
# point Service__Models__Bundles__0__Path (and __Name) at it; more bundles go in Bundles__1__..., and so on.
COPY models/marian-tatoeba-en-fr/ /models/marian-tatoeba-en-fr/
ENV Service__Models__Bundles__0__Name=marian-tatoeba-en-fr \
    Service__Models__Bundles__0__Path=/models/marian-tatoeba-en-fr \
    ASPNETCORE_HTTP_PORTS=8080

WORKDIR /app
COPY --from=build /app/ ./

USER $APP_UID
EXPOSE 8080

# The runtime image has no curl: the app asks its own /health/ready and exits 0 (ready) or 1.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["dotnet", "/app/Seq2SeqService.dll", "--healthcheck"]

# Exec form: dotnet is PID 1 and receives SIGTERM itself; the host drains the queue and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/Seq2SeqService.dll"]
