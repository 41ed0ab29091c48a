package org.raftchat.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void theBuildWritesItsVersionAndGitCommit() {
        // Goal: the build generated build-info.properties with the project version and this checkout's commit.
        BuildInfo build = BuildInfo.current();
        assertThat(build.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(build.commit()).matches("[0-9a-f]{12}|" + BuildInfo.UNKNOWN_COMMIT);
        assertThat(build.describe("raftchat")).startsWith("raftchat " + build.version() + " (");
    }

    @Test
    void withoutACommitTheBuildSaysSo() {
        // Goal: a build from a tarball (no .git) writes an empty commit; --version says "unknown commit".
        Properties p = new Properties();
        p.setProperty("version", "1.2.3");
        p.setProperty("commit", "");
        BuildInfo build = BuildInfo.fromProperties(p);
        assertThat(build.describe("raftchat-node")).isEqualTo("raftchat-node 1.2.3 (unknown commit)");
        p.setProperty("commit", "0123456789ab");
        assertThat(BuildInfo.fromProperties(p).describe("raftchat")).isEqualTo("raftchat 1.2.3 (commit 0123456789ab)");
    }
}
