package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/** SOFAJRaft nodes for unit tests that need one method of {@link Node} and no Raft group. */
final class FakeNodes {

    private FakeNodes() {
    }

    /** A node whose {@code method} hands its arguments to {@code call} and returns null; any other method throws. */
    static Node answering(String method, Consumer<Object[]> call) {
        return (Node) Proxy.newProxyInstance(Node.class.getClassLoader(), new Class<?>[] {Node.class},
                (proxy, invoked, args) -> {
                    if (invoked.getName().equals(method)) {
                        call.accept(args);
                        return null;
                    }
                    throw new UnsupportedOperationException(invoked.getName());
                });
    }
}
