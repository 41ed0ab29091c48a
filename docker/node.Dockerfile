# RaftChat node image: one node JVM under a small supervisor (docker/node-entrypoint.sh).
#
# Build context = the REPOSITORY ROOT (paths below are relative to it), after `mvn package`
# (it copies raft-node/target/raft-node.jar and raft-node/target/lib/; .dockerignore sends only those
# and the scripts below), e.g.
#   docker build -f docker/node.Dockerfile -t raftchat/node:dev .
#   docker build -f docker/node.Dockerfile --build-arg BASE_IMAGE=raftchat/base:bookworm -t raftchat/node:dev .
# scripts/build-node-image.sh sends only the files listed below as the context (not the whole
# repository) and defaults to the locally imported base image (no registry needed).
#
# BASE_IMAGE: any image with java 17 on PATH and bash. eclipse-temurin:17-jre (Ubuntu) is what
# users with a registry get; it lacks iptables/iproute2/procps, which are then installed with apt.
# raftchat/base:bookworm (scripts/build-base-image.sh) already has them: no network needed.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

# Tools for fault injection inside the container (needs --cap-add NET_ADMIN at run time):
# iptables (partitions), iproute2 `tc` (rate limits; netem where the kernel has it), procps
# (pkill/ps), python3 for raftchat-netdelay (latency through NFQUEUE where the kernel has no netem).
RUN if ! command -v iptables >/dev/null || ! command -v tc >/dev/null || ! command -v pkill >/dev/null \
       || ! command -v python3 >/dev/null; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iptables iproute2 procps python3-minimal \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && mkdir -p /opt/raftchat /etc/raftchat /data /run/raftchat

COPY raft-node/target/lib/ /opt/raftchat/lib/
COPY raft-node/target/raft-node.jar /opt/raftchat/raft-node.jar
COPY docker/node-entrypoint.sh /usr/local/bin/raftchat-node-entrypoint
COPY docker/node-ctl.sh /usr/local/bin/raftchat-node-ctl
COPY docker/netdelay.py /usr/local/bin/raftchat-netdelay
# The slow-disk and power-loss nemeses' shims (docker/slowsync.c, docker/powerloss.c, compiled by
# scripts/build-node-image.sh) and the tool that cuts files back to their last sync.
COPY target/docker/libraftchat-slowsync.so /usr/local/lib/libraftchat-slowsync.so
COPY target/docker/libraftchat-powerloss.so /usr/local/lib/libraftchat-powerloss.so
COPY docker/power-cut.py /usr/local/bin/raftchat-power-cut
RUN chmod 755 /usr/local/bin/raftchat-node-entrypoint /usr/local/bin/raftchat-node-ctl /usr/local/bin/raftchat-netdelay \
      /usr/local/bin/raftchat-power-cut

# NODE_ID selects the node in CLUSTER_FILE (mount or copy the cluster file there). The node's data
# dir is whatever the cluster file says; use /data/<id> (the container's writable layer, kept
# across JVM kills and `docker stop`/`docker start`; mount a volume at /data to keep it longer).
ENV NODE_ID="" \
    CLUSTER_FILE=/etc/raftchat/cluster.yaml \
    JAVA_OPTS="-Xms64m -Xmx384m -XX:+ExitOnOutOfMemoryError" \
    RAFTCHAT_ON_EXIT=wait

WORKDIR /data
# Conventional ports (the real ones come from the cluster file): Raft (Bolt), client gRPC API
# (TLS when the cluster file has a tls section; mount the certificates, e.g. at /etc/raftchat/tls),
# and Prometheus metrics (GET /metrics).
EXPOSE 7000 9000 10000

# Provenance (set by scripts/build-node-image.sh; last, so they do not invalidate earlier layers).
ARG BASE_IMAGE
ARG RAFT_NODE_JAR_SHA256=unknown
LABEL org.raftchat.base-image="${BASE_IMAGE}" \
      org.raftchat.raft-node-jar-sha256="${RAFT_NODE_JAR_SHA256}"

ENTRYPOINT ["/usr/local/bin/raftchat-node-entrypoint"]
CMD []
