# Seq2SeqService container image.
#   docker build -t seq2seq-service .
#   docker run --rm -p 127.0.0.1:8080:8080 seq2seq-service
# docs/deployment.md covers model mounts, compose and Kubernetes;
# docker/test-image.sh builds this file unmodified and checks the running container.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Project files alone first, so the restore layer is reused until a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Seq2Seq.Tokenizers/Seq2Seq.Tokenizers.csproj src/Seq2Seq.Tokenizers/
COPY src/Seq2Seq.Inference/Seq2Seq.Inference.csproj src/Seq2Seq.Inference/
COPY src/Seq2SeqService/Seq2SeqService.csproj src/Seq2SeqService/
# The restore also brings ONNX Runtime's native library (the Microsoft.ML.OnnxRuntime package); the
# project's RuntimeIdentifier keeps only its linux-x64 build. _IsPublishing=true is what `dotnet publish`
# sets for its own restore: this restore then sees the project's publish-only settings (self-contained,
# composite ReadyToRun) as the publish below does, so the packs they need are here and --no-restore is safe.
RUN dotnet restore src/Seq2SeqService/Seq2SeqService.csproj -p:_IsPublishing=true

COPY src/ src/
# Self-contained (the project's publish settings): /app holds the runtime too, compiled with the app into one
# composite ReadyToRun image, and the apphost /app/Seq2SeqService starts it without a `dotnet` muxer.
RUN dotnet publish src/Seq2SeqService/Seq2SeqService.csproj -c Release --no-restore -nologo -o /app \
    && test -x /app/Seq2SeqService \
    && test -f /app/libonnxruntime.so


# The app carries its own runtime, so the base is Microsoft's image for self-contained apps: the libraries
# .NET needs and the app user, without a second (shared) .NET runtime.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime

# The default configuration's bundles, baked in: the Transformer (the default model), the recurrent one and the
# multilingual one (en, fr, hi) beside it. To serve another, mount its folder (read-only) under /models and point
# Service__Models__Bundles__N__Path (and __Name) at it.
COPY models/marian-tatoeba-en-fr/ /models/marian-tatoeba-en-fr/
COPY models/gru-tatoeba-en-fr/ /models/gru-tatoeba-en-fr/
COPY models/m2m100-tatoeba-en-fr-hi/ /models/m2m100-tatoeba-en-fr-hi/
ENV Service__Models__Bundles__0__Name=marian-tatoeba-en-fr \
    Service__Models__Bundles__0__Path=/models/marian-tatoeba-en-fr \
    Service__Models__Bundles__1__Name=gru-tatoeba-en-fr \
    Service__Models__Bundles__1__Path=/models/gru-tatoeba-en-fr \
    Service__Models__Bundles__2__Name=m2m100-tatoeba-en-fr-hi \
    Service__Models__Bundles__2__Path=/models/m2m100-tatoeba-en-fr-hi \
    ASPNETCORE_HTTP_PORTS=8080

# ONNX Runtime's usage telemetry would keep a device id and an event database under
# ~/.cache/Microsoft/DeveloperTools (unwritable here: the root filesystem is read-only) and try to upload;
# set before the library loads, this switch creates and sends nothing.
ENV ORT_DISABLE_TELEMETRY=1

WORKDIR /app
COPY --from=build /app/ ./

USER $APP_UID
EXPOSE 8080

# The runtime image has no curl: the app asks its own /health/ready and exits 0 (ready) or 1.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/app/Seq2SeqService", "--healthcheck"]

# Exec form: the service is PID 1 and receives SIGTERM itself; the host drains the queue and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/Seq2SeqService"]
