package org.raftchat.cli;

import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.GrpcFailures;
import org.raftchat.proto.v1.ClusterInfo;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Ask every node who it is and who leads: id, role, term, leader, applied index, or down.")
final class StatusCommand extends ClientCommand {

    /** One node's answer: its info, or why it is down. */
    private record Answer(String address, ClusterInfo info, String down) { }

    /** Cluster status is public: it must work before anyone logs in. */
    @Override
    boolean needsSession() {
        return false;
    }

    @Override
    int run(ChatClient client) {
        List<Answer> answers = askAll(client);
        int width = answers.stream().mapToInt(a -> a.address().length()).max().orElse(0);
        output().result(new Nodes(answers.stream().map(StatusCommand::view).toList()), out -> {
            for (Answer a : answers) {
                out.println(line(a, width));
            }
        });
        if (answers.stream().allMatch(a -> a.info() == null)) {
            return output().failure(new ExitCodes.Failure("UNAVAILABLE", "no node reachable at " + String.join(", ", client.addresses())
                    + ": is the cluster running? (./raftchat-dev up)", ExitCodes.UNAVAILABLE));
        }
        return ExitCodes.OK;
    }

    /** Every node asked, in the order given; printed even when all are down. */
    record Nodes(List<JsonViews.Node> nodes) { }

    private static JsonViews.Node view(Answer a) {
        return a.info() == null ? JsonViews.Node.down(a.address(), a.down()) : JsonViews.Node.up(a.address(), a.info());
    }

    /** Asks the nodes in parallel, so a dead node costs one deadline, not one per node. */
    private static List<Answer> askAll(ChatClient client) {
        ExecutorService pool = Executors.newFixedThreadPool(client.addresses().size());
        try {
            List<CompletableFuture<Answer>> futures = new ArrayList<>();
            for (String address : client.addresses()) {
                futures.add(CompletableFuture.supplyAsync(() -> ask(client, address), pool));
            }
            return futures.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    private static Answer ask(ChatClient client, String address) {
        try {
            return new Answer(address, client.clusterInfo(address), null);
        } catch (ChatClientException e) {
            String reason = e.getCause() instanceof StatusRuntimeException sre
                    ? GrpcFailures.shortReason(sre.getStatus()) : e.getMessage();
            return new Answer(address, null, reason);
        }
    }

    private static String line(Answer a, int width) {
        String where = String.format("%-" + width + "s", a.address());
        if (a.info() == null) {
            return where + "  down (" + a.down() + ")";
        }
        ClusterInfo i = a.info();
        String leader = i.getLeaderId().isEmpty() ? "none" : i.getLeaderId();
        return String.format("%s  %-8s %-16s term=%-4d leader=%-8s applied=%d",
                where, i.getNodeId(), i.getRole(), i.getTerm(), leader, i.getAppliedIndex());
    }
}
