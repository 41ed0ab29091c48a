package org.raftchat.statemachine;

/**
 * What a RocksDB database holds in native memory, by RocksDB's own estimates: its memtables (the
 * active one and those waiting to be flushed), its open tables' index and filter blocks (held by the
 * table readers, outside any cache), and its block cache.
 */
public record StoreMemory(long memtableBytes, long tableReaderBytes, long blockCacheBytes) {
}
