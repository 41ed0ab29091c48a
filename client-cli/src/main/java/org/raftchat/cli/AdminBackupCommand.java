package org.raftchat.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import org.raftchat.client.AdminClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.raftchat.proto.v1.BackupChunk;
import org.raftchat.proto.v1.BackupRequest;
import org.raftchat.proto.v1.BackupSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Write a consistent backup of the cluster's state to FILE (a zip: a RocksDB checkpoint at one applied "
                + "index, with a manifest), checked against the SHA-256 the node sends. It holds every write acknowledged "
                + "before the command started.",
                "Restore into a new cluster: raftchat-node --cluster NEW.yaml --node ID --restore FILE for each initial "
                        + "member, then start them (docs/operations.md)."})
final class AdminBackupCommand extends AdminSubcommand {

    @Parameters(paramLabel = "FILE", description = "Where to write the backup; must not exist.")
    Path file;

    @Mixin
    OutputOptions output;

    /** What {@code -o json} prints. */
    record Written(String file, String nodeId, String groupId, long appliedIndex, String stateDigest, String sha256, long bytes) { }

    @Override
    int run(AdminClient client) throws IOException {
        if (Files.exists(file)) {
            throw new ParameterException(spec.commandLine(), file + " exists; a backup never overwrites a file");
        }
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try {
            BackupSummary summary = client.onAnyNode("backup", admin -> download(admin, part));
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
            Written written = new Written(file.toString(), summary.getNodeId(), summary.getGroupId(), summary.getAppliedIndex(),
                    summary.getStateDigest(), summary.getArchiveSha256(), summary.getArchiveBytes());
            new CommandOutput(output.json(), out(), err()).result(written, out -> out.printf(
                    "backup of %s at applied index %d written to %s (%d bytes, sha256 %s)%nstate digest %s (from node %s)%n",
                    written.groupId(), written.appliedIndex(), written.file(), written.bytes(), written.sha256(),
                    written.stateDigest(), written.nodeId()));
            return ExitCodes.OK;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Streams the archive into {@code part} (from scratch on every attempt) and checks it against the summary. */
    private static BackupSummary download(AdminServiceBlockingStub admin, Path part) {
        MessageDigest sha256 = sha256();
        long bytes = 0;
        BackupSummary summary = null;
        try (OutputStream to = new DigestOutputStream(Files.newOutputStream(part), sha256)) {
            Iterator<BackupChunk> chunks = admin.backup(BackupRequest.getDefaultInstance());
            while (chunks.hasNext()) {
                BackupChunk chunk = chunks.next();
                chunk.getData().writeTo(to);
                bytes += chunk.getData().size();
                if (chunk.hasSummary()) {
                    summary = chunk.getSummary();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + part, e);
        }
        String got = HexFormat.of().formatHex(sha256.digest());
        if (summary == null || !got.equals(summary.getArchiveSha256()) || bytes != summary.getArchiveBytes()) {
            throw new ChatClientException(ChatClientException.Category.PROTOCOL, "backup: the archive arrived damaged ("
                    + bytes + " bytes, sha256 " + got + (summary == null ? ", no summary" : "; the node sent "
                    + summary.getArchiveBytes() + " bytes, sha256 " + summary.getArchiveSha256()) + ")");
        }
        return summary;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
