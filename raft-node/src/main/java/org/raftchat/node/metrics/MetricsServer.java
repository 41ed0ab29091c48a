package org.raftchat.node.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;

/** Serves a node's registry over HTTP: {@code GET http://host:metricsPort/metrics} in the Prometheus text format. */
public final class MetricsServer implements AutoCloseable {

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /** Listens on {@code host:port} (the node's host, so the metrics are reachable where its API is). */
    public static MetricsServer start(NodeMetrics metrics, String host, int port) throws IOException {
        return new MetricsServer(HTTPServer.builder().hostname(host).port(port).registry(metrics.registry()).buildAndStart());
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
