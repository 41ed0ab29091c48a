package org.raftchat.statemachine;

/**
 * What a RocksDB database holds in native memory, by RocksDB's own estimates: its memtables (the
 * active one and those waiting to be flushed), what its open table readers hold outside the cache
 * (for the chat state, little: its index and filter blocks are cached), and its block cache (for the
 * chat state, data, index and filter blocks, bounded; see {@code ChatStateMachine.dbOptions}).
 */
public record StoreMemory(long memtableBytes, long tableReaderBytes, long blockCacheBytes) {
}
