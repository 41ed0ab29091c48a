package org.raftchat.node;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.function.BooleanSupplier;
import org.raftchat.proto.v1.ChatServiceGrpc;

/**
 * The standard gRPC health service ({@code grpc.health.v1.Health}) for the whole server ("") and
 * for {@code raftchat.v1.ChatService}: SERVING while the node is in the group and can serve
 * (it knows a leader and its replica applies), NOT_SERVING otherwise, and for good once it stops.
 * {@link #refresh} is cheap; the node calls it periodically.
 */
final class NodeHealth {

    private final HealthStatusManager manager = new HealthStatusManager();
    private final BooleanSupplier canServe;
    private volatile ServingStatus last;

    NodeHealth(BooleanSupplier canServe) {
        this.canServe = canServe;
        refresh();
    }

    BindableService service() {
        return manager.getHealthService();
    }

    void refresh() {
        ServingStatus status = canServe.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        if (status != last) {
            last = status;
            manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
            manager.setStatus(ChatServiceGrpc.SERVICE_NAME, status);
        }
    }

    /** NOT_SERVING from now on, whatever {@link #refresh} would say: the node is shutting down. */
    void stop() {
        manager.enterTerminalState();
    }
}
