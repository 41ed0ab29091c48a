# Prometheus for docker/compose.yaml, from Debian's prometheus package: there is no registry here to
# pull prom/prometheus from. BASE_IMAGE: a Debian bookworm image with apt sources (the local
# raftchat/base:bookworm-slim of scripts/build-base-image.sh, or debian:bookworm-slim). The build
# downloads the package from the base's Debian mirror. scripts/build-prometheus-image.sh builds it.
# The configuration is mounted at /etc/prometheus (compose/prometheus.yml and the distribution's
# raftchat-alerts.yml); the data lives in /prometheus.
ARG BASE_IMAGE=raftchat/base:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
USER prometheus
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.listen-address=:9090"]
ARG BASE_IMAGE
LABEL org.raftchat.base-image="${BASE_IMAGE}"
