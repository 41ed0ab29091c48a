package org.raftchat.chaos.history;

/**
 * A fault that has started and not yet been healed; pass it to {@link History#faultEnd}.
 *
 * @param id          unique within one {@link History}
 * @param nemesis     as in {@link FaultWindow#nemesis()}
 * @param description as in {@link FaultWindow#description()}
 * @param startNanos  when the fault began
 */
public record FaultHandle(long id, String nemesis, String description, long startNanos) {
}
