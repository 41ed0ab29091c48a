package org.raftchat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The machine a run was measured on: figures mean little without it.
 *
 * @param cores        processors available to the bench's JVM
 * @param cpuModel     from /proc/cpuinfo, or "unknown"
 * @param javaVersion  the bench JVM's {@code java.version}
 */
public record MachineInfo(int cores, String cpuModel, String javaVersion, String javaVm, String os, String arch, long maxHeapMb) {

    public static MachineInfo current() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), readCpuModel(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().maxMemory() >> 20);
    }

    /** One line for tables: "2 cores (Intel Xeon ...), Java 17.0.12, Linux 6.1 amd64". */
    public String describe() {
        return cores + " cores (" + cpuModel + "), Java " + javaVersion + ", " + os + " " + arch;
    }

    private static String readCpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "unknown";
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException unreadable) {
            return "unknown";
        }
    }
}
