# RaftChat chaos-test image: the production node image (raftchat/node, docker/node.Dockerfile) plus
# what the chaos tests' nemeses run inside the containers (chaos-tests: DockerCluster):
#   iptables                 partitions and packet loss (PartitionNemesis, NetworkNemesis)
#   iproute2 (tc)            rate limits; netem where the kernel has it
#   python3-minimal          raftchat-netdelay (latency through NFQUEUE: these kernels have no netem)
#                            and the byte flip of the disk-corrupt nemesis
#   libfaketime              the clock nemeses (RAFTCHAT_FAKETIME=true, see docker/node-entrypoint.sh)
#   libraftchat-slowsync.so  the slow-disk nemesis's fsync shim (docker/slowsync.c; RAFTCHAT_SLOW_DISK=true)
#   libraftchat-powerloss.so the power-loss nemeses' sync ledger (docker/powerloss.c; RAFTCHAT_POWER_LOSS=true)
#                            and raftchat-power-cut (docker/power-cut.py), which cuts files back to it
# Never deploy it.
#
# Runs as ROOT, unlike the node image: iptables and the NFQUEUE daemon need root (CAP_NET_ADMIN in
# the container is granted to root's processes only), the nemeses `docker exec` as the image's user,
# and the disk nemeses fill and corrupt the node's data dir on a root-owned tmpfs at /data.
#
# Built by scripts/build-chaos-image.sh, which downloads the packages' .debs once (target/docker/
# chaos-debs, for the base the node image was built on) and sends them as the context: rebuilding
# this image after every node build needs no network.
ARG NODE_IMAGE=raftchat/node:dev
FROM ${NODE_IMAGE}
USER root
COPY target/docker/chaos-debs/ /tmp/chaos-debs/
# apt (not dpkg -i) orders the pre-dependencies; every dependency is among the files (and the image has no package lists): no network.
RUN DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/chaos-debs/*.deb >/tmp/apt.log 2>&1 \
      || { cat /tmp/apt.log; exit 1; }; \
    rm -rf /tmp/chaos-debs /tmp/apt.log /var/cache/apt/archives/*.deb \
    && command -v iptables && command -v tc && command -v python3 \
    && ls /usr/lib/*/faketime/libfaketime.so.1
COPY docker/netdelay.py /usr/local/bin/raftchat-netdelay
COPY target/docker/libraftchat-slowsync.so /usr/local/lib/libraftchat-slowsync.so
COPY target/docker/libraftchat-powerloss.so /usr/local/lib/libraftchat-powerloss.so
COPY docker/power-cut.py /usr/local/bin/raftchat-power-cut
RUN chmod 755 /usr/local/bin/raftchat-netdelay /usr/local/bin/raftchat-power-cut
# The runs kill, pause and partition nodes on purpose, and wait on the node's log themselves: a
# health check would only add a process per container every few seconds on a busy machine.
HEALTHCHECK NONE
ARG NODE_IMAGE
LABEL org.raftchat.node-image="${NODE_IMAGE}" org.raftchat.chaos="true"
