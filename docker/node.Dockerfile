# RaftChat node image (production): one node JVM under a small supervisor (docker/node-entrypoint.sh),
# as the non-root user raftchat (uid/gid 10001), with a health check. No fault-injection tools:
# those are in raftchat/node-chaos (docker/node-chaos.Dockerfile, FROM this image).
#
# Build context = the REPOSITORY ROOT (paths below are relative to it), after `mvn package`
# (it copies raft-node/target/raft-node.jar and raft-node/target/lib/; .dockerignore sends only those
# and the scripts below), e.g.
#   docker build -f docker/node.Dockerfile -t raftchat/node:dev .
#   docker build -f docker/node.Dockerfile --build-arg BASE_IMAGE=raftchat/base:bookworm-slim -t raftchat/node:dev .
# scripts/build-node-image.sh sends only the files listed below as the context (not the whole
# repository) and defaults to the locally imported base image (no registry needed).
#
# BASE_IMAGE: any image with java 17 on PATH, bash, coreutils and useradd: eclipse-temurin:17-jre
# (what users with a registry get) or raftchat/base:bookworm-slim (scripts/build-base-image.sh).
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

# A fixed uid/gid, so that volumes and bind mounts can be prepared for it (chown 10001 DIR) and it
# stays the same across rebuilds. It owns /data (a new named volume mounted there copies the
# ownership) and /run/raftchat (the supervisor's control files).
ARG RAFTCHAT_UID=10001
RUN groupadd --system --gid ${RAFTCHAT_UID} raftchat \
    && useradd --system --uid ${RAFTCHAT_UID} --gid raftchat --home-dir /data --no-create-home --shell /usr/sbin/nologin raftchat \
    && mkdir -p /opt/raftchat /etc/raftchat /data /run/raftchat \
    && chown raftchat:raftchat /data /run/raftchat

COPY raft-node/target/lib/ /opt/raftchat/lib/
COPY raft-node/target/raft-node.jar /opt/raftchat/raft-node.jar
# The node's class-data archive (AppCDS), written here by the image's own JVM for the jars where they
# now are: an archive is valid only for the JDK that wrote it and the class path it was written for,
# so the one `mvn package` writes on the build machine cannot be copied in. The class list is the
# build's (raft-node/src/main/cds, from scripts/cds-classlists.sh). A node then starts serving about
# a second sooner and with a third less CPU (README, "Start-up"); the entrypoint passes it to the JVM.
COPY raft-node/src/main/cds/raft-node.classlist /tmp/raft-node.classlist
RUN java -Xshare:dump -XX:SharedClassListFile=/tmp/raft-node.classlist -XX:SharedArchiveFile=/opt/raftchat/raft-node.jsa \
         -Xlog:cds=off -cp /opt/raftchat/raft-node.jar >/tmp/cds.log 2>&1 \
      || { cat /tmp/cds.log; exit 1; }; \
    rm -f /tmp/raft-node.classlist /tmp/cds.log && test -s /opt/raftchat/raft-node.jsa
COPY docker/node-entrypoint.sh /usr/local/bin/raftchat-node-entrypoint
COPY docker/node-ctl.sh /usr/local/bin/raftchat-node-ctl
COPY docker/node-health.sh /usr/local/bin/raftchat-node-health
RUN chmod 755 /usr/local/bin/raftchat-node-entrypoint /usr/local/bin/raftchat-node-ctl /usr/local/bin/raftchat-node-health

# NODE_ID selects the node in CLUSTER_FILE (mount or copy the cluster file there). The node's data
# dir is whatever the cluster file says; use /data/<id> (the container's writable layer, kept
# across JVM kills and `docker stop`/`docker start`; mount a volume at /data to keep it longer).
# RAFTCHAT_ADMIN_TOKEN (unset here): the admin API's token; without one the node refuses admin calls.
ENV NODE_ID="" \
    CLUSTER_FILE=/etc/raftchat/cluster.yaml \
    JAVA_OPTS="-Xms64m -Xmx384m -XX:+ExitOnOutOfMemoryError" \
    RAFTCHAT_ON_EXIT=wait

WORKDIR /data
# Conventional ports (the real ones come from the cluster file): Raft (Bolt), client gRPC API
# (TLS when the cluster file has a tls section; mount the certificates, e.g. at /etc/raftchat/tls),
# and Prometheus metrics (GET /metrics).
EXPOSE 7000 9000 10000

# Healthy = the node's JVM runs and is a LEADER or FOLLOWER that applies (not a candidate, not in
# the error state), read from its /metrics (docker/node-health.sh says why not the gRPC health
# service). The first election on a busy host can take a minute: hence the start period.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 CMD ["/usr/local/bin/raftchat-node-health"]

USER raftchat

# Provenance (set by scripts/build-node-image.sh; last, so they do not invalidate earlier layers).
ARG BASE_IMAGE
ARG RAFT_NODE_JAR_SHA256=unknown
LABEL org.raftchat.base-image="${BASE_IMAGE}" \
      org.raftchat.raft-node-jar-sha256="${RAFT_NODE_JAR_SHA256}"

ENTRYPOINT ["/usr/local/bin/raftchat-node-entrypoint"]
CMD []
