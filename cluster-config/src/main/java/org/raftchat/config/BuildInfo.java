package org.raftchat.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * What this build is: the project version and the git commit it was built from, written into
 * {@code build-info.properties} by the build (cluster-config's pom). Built outside a git checkout
 * (a source tarball) the commit is {@value #UNKNOWN_COMMIT}.
 */
public record BuildInfo(String version, String commit) {

    public static final String UNKNOWN_COMMIT = "unknown commit";
    static final String RESOURCE = "build-info.properties";

    public BuildInfo {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(commit, "commit");
    }

    /** The build this class came from; "unknown" parts when the resource is missing (classes compiled by an IDE). */
    public static BuildInfo current() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new BuildInfo("unknown version", UNKNOWN_COMMIT);
            }
            Properties p = new Properties();
            p.load(in);
            return fromProperties(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static BuildInfo fromProperties(Properties p) {
        String commit = p.getProperty("commit", "").strip();
        return new BuildInfo(p.getProperty("version", "unknown version").strip(), commit.isEmpty() ? UNKNOWN_COMMIT : commit);
    }

    /** {@code <program> 0.1.0 (commit 1a2b3c4d5e6f)}, what {@code --version} prints. */
    public String describe(String program) {
        return program + " " + version + " (" + (commit.equals(UNKNOWN_COMMIT) ? commit : "commit " + commit) + ")";
    }
}
