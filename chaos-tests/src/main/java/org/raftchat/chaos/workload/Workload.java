package org.raftchat.chaos.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.raftchat.chaos.history.History;

/**
 * The concurrent clients of a chaos run: writers posting unique messages, readers reading room
 * windows on any node, subscribers tailing rooms across reconnects. All record into one
 * {@link History}. Seeds come from one seeded {@link Random}, so a run's choices replay.
 */
public final class Workload implements AutoCloseable {

    private final List<Writer> writers = new ArrayList<>();
    private final List<Reader> readers = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    public Workload(History history, NodeChannels nodes, List<String> rooms, WorkloadParams params, Random seeds) {
        int process = 0;
        for (int i = 0; i < params.writers(); i++) {
            writers.add(new Writer(process++, history, nodes, rooms, params, seeds.nextLong()));
        }
        for (int i = 0; i < params.readers(); i++) {
            readers.add(new Reader(process++, history, nodes, rooms, params, seeds.nextLong()));
        }
        for (int i = 0; i < params.subscribers(); i++) {
            subscribers.add(new Subscriber(i, history, nodes, rooms.get(i % rooms.size())));
        }
    }

    public void start() {
        writers.forEach(w -> threads.add(started(w, "writer")));
        readers.forEach(r -> threads.add(started(r, "reader")));
        subscribers.forEach(s -> threads.add(started(s, "subscriber")));
    }

    private static Thread started(Runnable client, String name) {
        Thread thread = new Thread(client, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Stops the writers and readers, waits for their last operation to complete, then the subscribers. */
    public void stopClients() throws InterruptedException {
        writers.forEach(Writer::stop);
        readers.forEach(Reader::stop);
        for (Thread t : threads) {
            if (!t.getName().equals("subscriber")) {
                t.join();
            }
        }
    }

    public void stopSubscribers() throws InterruptedException {
        subscribers.forEach(Subscriber::stop);
        for (Thread t : threads) {
            t.join();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopClients();
        stopSubscribers();
    }
}
