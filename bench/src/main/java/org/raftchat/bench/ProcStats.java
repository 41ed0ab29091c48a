package org.raftchat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a process's resource use from Linux's {@code /proc} and sizes a directory tree. A
 * process that is gone or a file that is unreadable gives -1, so a sample never fails a run.
 */
final class ProcStats {

    /**
     * Clock ticks per second of {@code utime}/{@code stime} in {@code /proc/<pid>/stat}: USER_HZ,
     * which the kernel fixes at 100 for user space on every architecture the JVM runs on.
     */
    static final long TICKS_PER_SEC = 100;

    private ProcStats() {
    }

    /** User + system CPU time of the process in microseconds, or -1. */
    static long cpuMicros(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        return stat == null ? -1 : cpuMicrosOfStat(stat);
    }

    /** Resident memory of the process in bytes, or -1. */
    static long rssBytes(long pid) {
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        return status == null ? -1 : rssBytesOfStatus(status);
    }

    /**
     * Fields 14 and 15 (utime, stime) of a {@code stat} line. The command name (field 2) is in
     * parentheses and may hold spaces and ')', so fields are counted after its last ')'.
     */
    static long cpuMicrosOfStat(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        // After ")": field 3 (state) is at index 0, so utime (14) is at 11 and stime (15) at 12.
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        if (fields.length < 13) {
            return -1;
        }
        try {
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1_000_000 / TICKS_PER_SEC;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The {@code VmRSS:  123456 kB} line of a {@code status} file, in bytes; -1 without one. */
    static long rssBytesOfStatus(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]) * 1024;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The bytes of the regular files under {@code dir}; files that vanish while walked (compaction) are skipped; -1 without the dir. */
    static long treeBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        AtomicLong total = new AtomicLong();
        try {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total.addAndGet(attrs.size());
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return total.get();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException | SecurityException unreadable) {
            return null;
        }
    }
}
