# GoldenSignals Lab for clusters that run containers. Not built on the development machine (no
# container runtime there): reviewed by reading only — see docs/runbook.md.
#   docker build -t gslab . && docker run --rm -v "$PWD/reports:/lab/reports" gslab run scenarios/default.yaml
FROM swift:6.1-noble AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libhdf5-dev libopenblas-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources Sources
RUN swift build -c release --product gslab --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/gslab" /usr/local/bin/gslab

FROM ubuntu:24.04
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libhdf5-103-1t64 libopenblas0 libsqlite3-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/gslab /usr/local/bin/gslab
WORKDIR /lab
COPY scenarios scenarios
COPY datasets datasets
ENTRYPOINT ["gslab"]
CMD ["run", "scenarios/default.yaml"]
