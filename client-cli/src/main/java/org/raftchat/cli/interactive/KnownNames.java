package org.raftchat.cli.interactive;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Room and user names the client has seen, for tab completion. Thread-safe; only grows. */
public final class KnownNames {

    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final Set<String> users = ConcurrentHashMap.newKeySet();

    public void addRooms(Collection<String> names) {
        rooms.addAll(names);
    }

    public void addUsers(Collection<String> names) {
        users.addAll(names);
    }

    public Set<String> rooms() {
        return new TreeSet<>(rooms);
    }

    public Set<String> users() {
        return new TreeSet<>(users);
    }
}
