package org.raftchat.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.proto.v1.ClusterInfo;

/**
 * Asks every node who it is and who leads, so that writes start at the leader and subscribers and
 * readers go to followers. Fails at once when no node answers; waits (up to its patience) while
 * nodes answer but none leads yet.
 */
final class ClusterProbe {

    private static final Duration POLL = Duration.ofMillis(200);

    private ClusterProbe() {
    }

    static ClusterView probe(ChatClient client, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Map<String, ClusterInfo> answers = askAll(client);
            if (answers.isEmpty()) {
                throw new ChatClientException(Category.UNAVAILABLE, "no node reachable at "
                        + String.join(", ", client.addresses()) + ": is the cluster running? (./raftchat-dev up)");
            }
            String leader = leaderOf(answers);
            if (leader != null) {
                return view(leader, answers);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new ChatClientException(Category.UNAVAILABLE, "no leader among " + String.join(", ", answers.keySet())
                        + " after " + patience.toSeconds() + " s: is a majority of the nodes up? (raftchat status)");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The leader's API address: a node that says it leads, else the leader most answers name. */
    static String leaderOf(Map<String, ClusterInfo> answers) {
        for (Map.Entry<String, ClusterInfo> e : answers.entrySet()) {
            if (e.getValue().getRole().contains("LEADER")) {
                return e.getKey();
            }
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        answers.values().stream().map(ClusterInfo::getLeaderApiAddress).filter(a -> !a.isEmpty())
                .forEach(a -> votes.merge(a, 1, Integer::sum));
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    private static ClusterView view(String leader, Map<String, ClusterInfo> answers) {
        List<String> followers = new ArrayList<>();
        Map<String, String> ids = new LinkedHashMap<>();
        answers.forEach((address, info) -> {
            ids.put(address, info.getNodeId());
            if (!address.equals(leader) && !info.getRole().contains("LEADER")) {
                followers.add(address);
            }
        });
        return new ClusterView(leader, followers, ids);
    }

    /** Every node's answer, asked in parallel so a dead node costs one deadline; nodes that did not answer are left out. */
    private static Map<String, ClusterInfo> askAll(ChatClient client) {
        ExecutorService pool = Executors.newFixedThreadPool(client.addresses().size());
        try {
            List<CompletableFuture<ClusterInfo>> futures = new ArrayList<>();
            for (String address : client.addresses()) {
                futures.add(CompletableFuture.supplyAsync(() -> askOne(client, address), pool));
            }
            Map<String, ClusterInfo> answers = new LinkedHashMap<>();
            for (int i = 0; i < futures.size(); i++) {
                ClusterInfo info = futures.get(i).join();
                if (info != null) {
                    answers.put(client.addresses().get(i), info);
                }
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static ClusterInfo askOne(ChatClient client, String address) {
        try {
            return client.clusterInfo(address);
        } catch (ChatClientException down) {
            return null;
        }
    }
}
