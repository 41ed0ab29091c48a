package org.raftchat.cli.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.raftchat.cli.ClusterOptions;

/**
 * The cluster addresses from the CLI's shared {@link ClusterOptions} mixin, resolved by the mixin
 * itself ({@code --cluster}, else {@code --cluster-file}, else {@code RAFTCHAT_CLUSTER}, else the
 * default), so {@code bench} reads them exactly like every other subcommand.
 *
 * <p>{@code ClusterOptions.addresses} is package-private to org.raftchat.cli; until it is made
 * public this bridge reaches it reflectively (same class path, so no module boundary is crossed).
 * BenchCommandTest covers it, so a rename fails a test rather than a user's run.
 */
final class ClusterAddresses {

    private ClusterAddresses() {
    }

    @SuppressWarnings("unchecked")
    static List<String> resolve(ClusterOptions options, Map<String, String> env) {
        try {
            Method addresses = ClusterOptions.class.getDeclaredMethod("addresses", Map.class);
            addresses.setAccessible(true);
            return (List<String>) addresses.invoke(options, env);
        } catch (InvocationTargetException e) {
            // The mixin's own usage errors (picocli ParameterException) pass through unchanged.
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ClusterOptions.addresses(Map) is gone: update " + ClusterAddresses.class.getName(), e);
        }
    }
}
