package org.raftchat.node;

import java.util.concurrent.CompletableFuture;

/** A linearizable read barrier (see {@link LinearizableReads}); an interface so callers can be tested without Raft. */
interface ReadBarrier {

    /** Completes once a local read sees every write acknowledged before this call began. */
    CompletableFuture<Void> barrier();
}
