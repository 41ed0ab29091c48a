package org.raftchat.statemachine;

/** The keys in [{@code from}, {@code to}). */
record KeyRange(byte[] from, byte[] to) { }
